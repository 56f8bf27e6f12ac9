// Time bucketing for the trend chart: turns /api/sentiment/aggregate buckets into column
// arrays and folds live posts into them between refreshes, so the chart moves in real time.
import type { AggregateBucket, Period, Post, WindowCounts } from '../api/types';

export const PERIOD_MS: Record<Period, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** Start of the UTC bucket that holds `ms`. */
export function bucketStart(ms: number, period: Period): number {
  const w = PERIOD_MS[period];
  return Math.floor(ms / w) * w;
}

/** Column-oriented series (ms timestamps) for charting. */
export interface TrendSeries {
  period: Period;
  t: number[];
  positive: number[];
  neutral: number[];
  negative: number[];
}

export function emptySeries(period: Period): TrendSeries {
  return { period, t: [], positive: [], neutral: [], negative: [] };
}

/** Builds a series from server buckets: sorted, de-duplicated, gaps filled with zero buckets. */
export function seriesFromBuckets(period: Period, data: AggregateBucket[]): TrendSeries {
  const byT = new Map<number, AggregateBucket>();
  for (const b of data) {
    const t = Date.parse(b.timestamp);
    if (!Number.isFinite(t)) continue;
    byT.set(bucketStart(t, period), b);
  }
  const s = emptySeries(period);
  const ts = [...byT.keys()].sort((a, b) => a - b);
  if (ts.length === 0) return s;
  const w = PERIOD_MS[period];
  for (let t = ts[0]; t <= ts[ts.length - 1]; t += w) {
    const b = byT.get(t);
    s.t.push(t);
    s.positive.push(b?.positive_count ?? 0);
    s.neutral.push(b?.neutral_count ?? 0);
    s.negative.push(b?.negative_count ?? 0);
  }
  return s;
}

/** Adds one analysed post to its bucket, appending (zero-filled) buckets when time moved on.
 *  Posts older than the first bucket are ignored. Returns true when the series changed. */
export function addPost(s: TrendSeries, createdAtMs: number, label: string): boolean {
  if (label !== 'positive' && label !== 'neutral' && label !== 'negative') return false;
  if (!Number.isFinite(createdAtMs)) return false;
  const w = PERIOD_MS[s.period];
  const b = bucketStart(createdAtMs, s.period);
  if (s.t.length === 0) {
    s.t.push(b); s.positive.push(0); s.neutral.push(0); s.negative.push(0);
  }
  const first = s.t[0];
  if (b < first) return false;
  while (s.t[s.t.length - 1] < b) {
    s.t.push(s.t[s.t.length - 1] + w);
    s.positive.push(0); s.neutral.push(0); s.negative.push(0);
  }
  const i = Math.round((b - first) / w);
  if (s.t[i] !== b) return false;
  s[label][i] += 1;
  return true;
}

/** Drops buckets that start before `minMs` (keeps the window sliding). */
export function trimBefore(s: TrendSeries, minMs: number): void {
  let k = 0;
  while (k < s.t.length && s.t[k] + PERIOD_MS[s.period] <= minMs) k++;
  if (k === 0) return;
  s.t.splice(0, k); s.positive.splice(0, k); s.neutral.splice(0, k); s.negative.splice(0, k);
}

/** Cumulative stacks (negative at the bottom, then neutral, then positive) for a stacked area. */
export function stacked(s: TrendSeries): { negative: number[]; neutral: number[]; positive: number[] } {
  const neg = s.negative.slice();
  const neu = s.neutral.map((v, i) => v + neg[i]);
  const pos = s.positive.map((v, i) => v + neu[i]);
  return { negative: neg, neutral: neu, positive: pos };
}

export function totals(s: TrendSeries): WindowCounts {
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  const positive = sum(s.positive), neutral = sum(s.neutral), negative = sum(s.negative);
  return { positive, neutral, negative, total: positive + neutral + negative };
}

/** Percentages that add up to exactly 100 (largest remainder), or zeros when total is 0. */
export function percentages(c: { positive: number; neutral: number; negative: number }): { positive: number; neutral: number; negative: number } {
  const total = c.positive + c.neutral + c.negative;
  if (total <= 0) return { positive: 0, neutral: 0, negative: 0 };
  const keys = ['positive', 'neutral', 'negative'] as const;
  const raw = keys.map((k) => (c[k] / total) * 100);
  const fl = raw.map(Math.floor);
  let rest = 100 - fl.reduce((a, b) => a + b, 0);
  const order = raw.map((v, i) => [v - fl[i], i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (rest <= 0) break;
    fl[i] += 1;
    rest -= 1;
  }
  return { positive: fl[0], neutral: fl[1], negative: fl[2] };
}

/** Emotion counts, most frequent first. */
export function emotionCounts(posts: Iterable<Pick<Post, 'sentiment'>>): [string, number][] {
  const m = new Map<string, number>();
  for (const p of posts) {
    const e = p.sentiment?.emotion;
    if (e) m.set(e, (m.get(e) ?? 0) + 1);
  }
  return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Posts per minute over the trailing `windowMs` given arrival times (ms). */
export class RateMeter {
  private readonly times: number[] = [];
  constructor(private readonly windowMs = 60_000, private readonly maxSamples = 10_000) {}
  add(ms: number): void {
    this.times.push(ms);
    if (this.times.length > this.maxSamples) this.times.splice(0, this.times.length - this.maxSamples);
  }
  perMinute(now: number): number {
    const cut = now - this.windowMs;
    let k = 0;
    while (k < this.times.length && this.times[k] < cut) k++;
    if (k) this.times.splice(0, k);
    return (this.times.length * 60_000) / this.windowMs;
  }
}
