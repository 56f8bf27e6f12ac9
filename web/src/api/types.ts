// Wire types of the Sentio HTTP/WS API (see shared/design/API.md). Field names follow the
// server's JSON exactly; optional fields are the ones the server may omit or send as null.

export type SentimentLabel = 'negative' | 'neutral' | 'positive';
export const SENTIMENTS: readonly SentimentLabel[] = ['positive', 'neutral', 'negative'];

export interface PostSentiment {
  label: SentimentLabel | string;
  confidence: number;
  scores?: Record<string, number>;
  emotion?: string | null;
  emotion_confidence?: number | null;
  model_name?: string;
  model_version?: string;
  analyzed_at?: string;
}

export interface Post {
  post_id: string;
  source: string;
  content: string;
  author?: string | null;
  created_at: string;
  video_id?: string | null;
  url?: string | null;
  sentiment?: PostSentiment | null;
}

export interface PostsPage {
  posts: Post[];
  total: number;
  limit: number;
  offset: number;
  next_cursor?: string | null;
  filters?: Record<string, unknown>;
}

export interface AggregateBucket {
  timestamp: string;
  positive_count: number;
  negative_count: number;
  neutral_count: number;
  total_count: number;
  positive_percentage?: number;
  negative_percentage?: number;
  neutral_percentage?: number;
  average_confidence?: number;
}

export type Period = 'minute' | 'hour' | 'day';

export interface AggregateResponse {
  period: Period;
  start_date?: string;
  end_date?: string;
  data: AggregateBucket[];
  summary: { total_posts: number; positive_total: number; negative_total: number; neutral_total: number };
}

export interface DistributionResponse {
  timeframe_hours: number;
  source?: string | null;
  distribution: { positive: number; negative: number; neutral: number };
  total: number;
  percentages?: Record<string, number>;
  top_emotions?: Record<string, number>;
  cached?: boolean;
  cached_at?: string | null;
}

/** /api/stats is loosely specified; every field is optional and read defensively. */
export interface StatsResponse {
  total_posts?: number;
  totals?: Record<string, number>;
  per_label?: Record<string, number>;
  by_label?: Record<string, number>;
  per_source?: Record<string, number>;
  by_source?: Record<string, number>;
  posts_per_minute?: number;
  queue_depth?: number;
  model_versions?: Record<string, string> | string[];
  [k: string]: unknown;
}

export interface Alert {
  id: string | number;
  alert_type: string;
  threshold_value: number;
  actual_value: number;
  window_start?: string;
  window_end?: string;
  post_count?: number;
  triggered_at: string;
  details?: unknown;
}

export type RuleType = 'negative_share' | 'negative_ratio' | 'sentiment_shift' | 'volume_spike';
export const RULE_TYPES: readonly RuleType[] = ['negative_share', 'negative_ratio', 'sentiment_shift', 'volume_spike'];
export type RuleScope = 'all' | 'source' | 'video_id';
export const RULE_SCOPES: readonly RuleScope[] = ['all', 'source', 'video_id'];

export interface AlertRule {
  id: string;
  type: RuleType;
  threshold: number;
  window_s: number;
  min_posts: number;
  cooldown_s: number;
  scope: RuleScope;
  scope_value?: string | null;
  enabled: boolean;
  webhook_url?: string | null;
}

export interface ModelInfo {
  name: string;
  version: string | number;
  kind?: string;
  task?: string;
  labels?: string[];
  metrics?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface InfoResponse {
  version?: string;
  build?: string | Record<string, unknown>;
  models?: ModelInfo[];
  limits?: Record<string, unknown>;
  auth?: string | boolean | { enabled?: boolean };
  [k: string]: unknown;
}

export interface Prediction {
  label: string;
  score: number;
  scores: Record<string, number>;
  emotion?: { label: string; score: number; scores?: Record<string, number> } | null;
  model_version?: string;
  explanation?: { token: string; weight: number }[];
}

export interface DeadLetter {
  [k: string]: unknown;
}

export interface WindowCounts {
  positive: number;
  negative: number;
  neutral: number;
  total: number;
}

export type ServerMessage =
  | { type: 'connected'; message?: string; timestamp?: string }
  | { type: 'new_post'; data: Post }
  | { type: 'metrics_update'; data: { last_minute?: WindowCounts; last_hour?: WindowCounts; last_24_hours?: WindowCounts }; timestamp?: string }
  | { type: 'alert'; data: Alert }
  | { type: 'ping'; timestamp?: string };
