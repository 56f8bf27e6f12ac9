// Dashboard filter state and its round trip through the URL query string, so a view is
// shareable and back/forward navigate between filter states.

export type TimeRange = '15m' | '1h' | '6h' | '24h' | '7d' | '30d';
export const TIME_RANGES: readonly TimeRange[] = ['15m', '1h', '6h', '24h', '7d', '30d'];
const RANGE_SECONDS: Record<TimeRange, number> = {
  '15m': 900, '1h': 3600, '6h': 21600, '24h': 86400, '7d': 604800, '30d': 2592000,
};

export interface Filters {
  source: string;
  sentiment: string;
  emotion: string;
  video_id: string;
  q: string;
  range: TimeRange;
  period: 'minute' | 'hour' | 'day';
}

export const DEFAULT_FILTERS: Readonly<Filters> = Object.freeze({
  source: '', sentiment: '', emotion: '', video_id: '', q: '', range: '1h', period: 'minute',
});

const KEYS: (keyof Filters)[] = ['source', 'sentiment', 'emotion', 'video_id', 'q', 'range', 'period'];
const SENTIMENT_VALUES = new Set(['', 'positive', 'neutral', 'negative']);
const PERIOD_VALUES = new Set(['minute', 'hour', 'day']);

export function rangeSeconds(r: TimeRange): number {
  return RANGE_SECONDS[r];
}

/** The period that gives a readable number of buckets for a range. */
export function defaultPeriodFor(r: TimeRange): Filters['period'] {
  const s = RANGE_SECONDS[r];
  if (s <= 21600) return 'minute';
  if (s <= 604800) return 'hour';
  return 'day';
}

/** Parses a query string (with or without '?'); unknown or invalid values fall back to defaults. */
export function filtersFromQuery(search: string): Filters {
  const p = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  const f: Filters = { ...DEFAULT_FILTERS };
  for (const k of ['source', 'emotion', 'video_id', 'q'] as const) {
    const v = p.get(k);
    if (v !== null) f[k] = v.slice(0, 200);
  }
  const s = p.get('sentiment');
  if (s !== null && SENTIMENT_VALUES.has(s)) f.sentiment = s;
  const r = p.get('range');
  if (r !== null && (TIME_RANGES as readonly string[]).includes(r)) f.range = r as TimeRange;
  const per = p.get('period');
  if (per !== null && PERIOD_VALUES.has(per)) f.period = per as Filters['period'];
  else f.period = defaultPeriodFor(f.range);
  return f;
}

/** Serialises only non-default values, in a stable order, so equal states give equal URLs. */
export function filtersToQuery(f: Filters): string {
  const p = new URLSearchParams();
  for (const k of KEYS) {
    const v = f[k];
    if (k === 'period') {
      if (v !== defaultPeriodFor(f.range)) p.set(k, v);
    } else if (v !== DEFAULT_FILTERS[k]) {
      p.set(k, v);
    }
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function filtersEqual(a: Filters, b: Filters): boolean {
  return KEYS.every((k) => a[k] === b[k]);
}

/** Start/end of the selected time range as ISO strings, relative to `now` (ms). */
export function rangeBounds(f: Filters, now: number): { start_date: string; end_date: string } {
  const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  return { start_date: iso(now - RANGE_SECONDS[f.range] * 1000), end_date: iso(now) };
}

/** True when a post passes the client-side part of the filters (used for the live feed). */
export function postMatches(
  f: Filters,
  p: { source: string; video_id?: string | null; content: string; author?: string | null;
       sentiment?: { label: string; emotion?: string | null } | null },
): boolean {
  if (f.source && p.source !== f.source) return false;
  if (f.video_id && (p.video_id ?? '') !== f.video_id) return false;
  if (f.sentiment && p.sentiment?.label !== f.sentiment) return false;
  if (f.emotion && (p.sentiment?.emotion ?? '') !== f.emotion) return false;
  if (f.q) {
    const q = f.q.toLowerCase();
    if (!p.content.toLowerCase().includes(q) && !(p.author ?? '').toLowerCase().includes(q)) return false;
  }
  return true;
}
