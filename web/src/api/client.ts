// Thin typed client for the Sentio REST API. Builds URLs from filter state, sends the API key
// as a Bearer token when one is set, and turns the JSON error body into an ApiError.
import type {
  AggregateResponse, Alert, AlertRule, DeadLetter, DistributionResponse, InfoResponse, Post,
  PostsPage, Prediction, StatsResponse,
} from './types';
import { type Filters, rangeBounds, rangeSeconds } from '../state/filters';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
  /** True for errors where asking for a key is the right reaction. */
  get isAuth(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export type QueryValue = string | number | boolean | null | undefined;

/** Joins a path and query parameters; empty strings, null and undefined are left out. */
export function buildUrl(base: string, path: string, params: Record<string, QueryValue> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    q.set(k, String(v));
  }
  const qs = q.toString();
  return `${base.replace(/\/$/, '')}${path}${qs ? `?${qs}` : ''}`;
}

/** Query parameters of /api/posts and /api/export for the given filters. */
export function postFilterParams(f: Filters, now: number): Record<string, QueryValue> {
  const { start_date, end_date } = rangeBounds(f, now);
  return {
    source: f.source, sentiment: f.sentiment, emotion: f.emotion, video_id: f.video_id, q: f.q,
    start_date, end_date,
  };
}

/** Builds an ApiError from a non-2xx response body (JSON error envelope or plain text). */
export function errorFromBody(status: number, bodyText: string, retryAfter: string | null): ApiError {
  let code = `HTTP_${status}`;
  let message = bodyText.trim().slice(0, 300) || `Request failed with status ${status}`;
  let details: unknown;
  try {
    const j = JSON.parse(bodyText) as { error?: { code?: unknown; message?: unknown; details?: unknown } | string; message?: unknown };
    if (j && typeof j.error === 'object' && j.error !== null) {
      if (typeof j.error.code === 'string') code = j.error.code;
      if (typeof j.error.message === 'string') message = j.error.message;
      details = j.error.details;
    } else if (j && typeof j.error === 'string') {
      message = j.error;
    } else if (j && typeof j.message === 'string') {
      message = j.message;
    }
  } catch {
    // not JSON: keep the text
  }
  const ra = retryAfter !== null ? Number(retryAfter) : NaN;
  return new ApiError(status, code, message, details, Number.isFinite(ra) ? ra : undefined);
}

export interface ClientOptions {
  base?: string;
  fetchImpl?: typeof fetch;
  getApiKey?: () => string | null;
  timeoutMs?: number;
}

export class ApiClient {
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;
  private readonly getApiKey: () => string | null;
  private readonly timeoutMs: number;

  constructor(opts: ClientOptions = {}) {
    this.base = opts.base ?? '';
    this.fetchImpl = opts.fetchImpl ?? ((...a) => fetch(...a));
    this.getApiKey = opts.getApiKey ?? (() => null);
    this.timeoutMs = opts.timeoutMs ?? 15000;
  }

  url(path: string, params?: Record<string, QueryValue>): string {
    return buildUrl(this.base, path, params);
  }

  /** Performs a request and decodes JSON; throws ApiError on HTTP or network errors. */
  async request<T>(method: string, path: string, params?: Record<string, QueryValue>, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const key = this.getApiKey();
    if (key) headers.Authorization = `Bearer ${key}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), this.timeoutMs);
    const onAbort = () => ctl.abort();
    signal?.addEventListener('abort', onAbort);
    let res: Response;
    try {
      res = await this.fetchImpl(this.url(path, params), {
        method, headers, body: body !== undefined ? JSON.stringify(body) : undefined, signal: ctl.signal,
      });
    } catch (e) {
      throw new ApiError(0, 'NETWORK_ERROR', signal?.aborted ? 'Request cancelled' : `Network error: ${(e as Error).message ?? e}`);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    const text = await res.text();
    if (!res.ok) throw errorFromBody(res.status, text, res.headers.get('Retry-After'));
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(res.status, 'BAD_RESPONSE', 'The server sent a response that is not JSON');
    }
  }

  posts(f: Filters, page: { limit: number; offset?: number; cursor?: string }, now = Date.now(), signal?: AbortSignal) {
    return this.request<PostsPage>('GET', '/api/posts', { ...postFilterParams(f, now), limit: page.limit, offset: page.cursor ? undefined : page.offset ?? 0, cursor: page.cursor }, undefined, signal);
  }
  recentPosts(limit: number) {
    return this.request<{ posts: Post[] }>('GET', '/api/posts/recent', { limit });
  }
  post(id: string, source?: string) {
    return this.request<Post>('GET', `/api/posts/${encodeURIComponent(id)}`, { source });
  }
  aggregate(f: Filters, now = Date.now(), signal?: AbortSignal) {
    const { start_date, end_date } = rangeBounds(f, now);
    return this.request<AggregateResponse>('GET', '/api/sentiment/aggregate', { period: f.period, start_date, end_date, source: f.source, video_id: f.video_id }, undefined, signal);
  }
  distribution(f: Filters, signal?: AbortSignal) {
    const hours = Math.max(1, Math.round(rangeSeconds(f.range) / 3600));
    return this.request<DistributionResponse>('GET', '/api/sentiment/distribution', { hours, source: f.source, video_id: f.video_id }, undefined, signal);
  }
  stats() {
    return this.request<StatsResponse>('GET', '/api/stats');
  }
  alerts(params: { since?: string; limit?: number; type?: string } = {}) {
    return this.request<{ alerts: Alert[] }>('GET', '/api/alerts', params);
  }
  rules() {
    return this.request<{ rules: AlertRule[] } | AlertRule[]>('GET', '/api/alerts/rules').then(normaliseRules);
  }
  putRules(rules: AlertRule[]) {
    return this.request<{ rules: AlertRule[] } | AlertRule[]>('PUT', '/api/alerts/rules', undefined, { rules }).then(normaliseRules);
  }
  info() {
    return this.request<InfoResponse>('GET', '/api/info');
  }
  deadLetters() {
    return this.request<{ dead_letters?: DeadLetter[]; entries?: DeadLetter[]; items?: DeadLetter[] }>('GET', '/api/queue/dead-letters');
  }
  predict(text: string, explain = true) {
    return this.request<Prediction>('POST', '/api/predict', undefined, { text, explain });
  }
  ingest(posts: Partial<Post>[]) {
    return this.request<{ accepted: number; duplicates: number; ids: string[] }>('POST', '/api/ingest', undefined, { posts });
  }
  exportUrl(format: 'csv' | 'jsonl', f: Filters, now = Date.now()): string {
    return this.url('/api/export', { format, ...postFilterParams(f, now) });
  }
}

/** Accepts either `{"rules": [...]}` or a bare array from GET/PUT /api/alerts/rules. */
export function normaliseRules(r: { rules: AlertRule[] } | AlertRule[] | undefined): AlertRule[] {
  if (!r) return [];
  return Array.isArray(r) ? r : Array.isArray(r.rules) ? r.rules : [];
}
