import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError, buildUrl, errorFromBody, normaliseRules, postFilterParams } from './client';
import { DEFAULT_FILTERS, type Filters } from '../state/filters';

const NOW = Date.parse('2026-11-23T10:00:00Z');

function fakeFetch(status: number, body: string, headers: Record<string, string> = {}) {
  const calls: { url: string; init: RequestInit }[] = [];
  const f = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(body, { status, headers });
  }) as unknown as typeof fetch;
  return { f, calls };
}

describe('buildUrl', () => {
  it('drops empty values and encodes the rest', () => {
    expect(buildUrl('', '/api/posts', { a: '', b: null, c: undefined, q: 'a b&c', limit: 5 }))
      .toBe('/api/posts?q=a+b%26c&limit=5');
    expect(buildUrl('http://h:1/', '/api/stats')).toBe('http://h:1/api/stats');
  });
});

describe('postFilterParams', () => {
  it('maps filters and the time range to API parameters', () => {
    const f: Filters = { ...DEFAULT_FILTERS, source: 'youtube', sentiment: 'negative', q: 'refund', range: '24h', period: 'hour' };
    const p = postFilterParams(f, NOW);
    expect(p.source).toBe('youtube');
    expect(p.sentiment).toBe('negative');
    expect(p.q).toBe('refund');
    expect(p.emotion).toBe('');
    expect(p.end_date).toBe('2026-11-23T10:00:00Z');
    expect(p.start_date).toBe('2026-11-22T10:00:00Z');
  });
  it('export URL carries format and filters', () => {
    const c = new ApiClient({ base: '' });
    const url = c.exportUrl('csv', { ...DEFAULT_FILTERS, video_id: 'v1' }, NOW);
    const u = new URL(url, 'http://x');
    expect(u.pathname).toBe('/api/export');
    expect(u.searchParams.get('format')).toBe('csv');
    expect(u.searchParams.get('video_id')).toBe('v1');
    expect(u.searchParams.has('source')).toBe(false);
  });
});

describe('errorFromBody', () => {
  it('reads the JSON error envelope', () => {
    const e = errorFromBody(422, JSON.stringify({ error: { code: 'INVALID_PARAMETER', message: 'limit too big', details: { max: 500 } } }), null);
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(422);
    expect(e.code).toBe('INVALID_PARAMETER');
    expect(e.message).toBe('limit too big');
    expect(e.details).toEqual({ max: 500 });
  });
  it('falls back to text and keeps Retry-After', () => {
    const e = errorFromBody(429, 'slow down', '3');
    expect(e.code).toBe('HTTP_429');
    expect(e.message).toBe('slow down');
    expect(e.retryAfterS).toBe(3);
    expect(errorFromBody(502, '', null).message).toMatch(/502/);
  });
});

describe('ApiClient', () => {
  it('sends the API key as Bearer and decodes JSON', async () => {
    const { f, calls } = fakeFetch(200, '{"alerts":[{"id":1}]}');
    const c = new ApiClient({ fetchImpl: f, getApiKey: () => 'k123' });
    const r = await c.alerts({ limit: 5 });
    expect(r.alerts).toHaveLength(1);
    expect(calls[0].url).toBe('/api/alerts?limit=5');
    expect((calls[0].init.headers as Record<string, string>).Authorization).toBe('Bearer k123');
  });
  it('omits Authorization without a key and sends JSON bodies', async () => {
    const { f, calls } = fakeFetch(200, '{"label":"positive","score":0.9,"scores":{}}');
    const c = new ApiClient({ fetchImpl: f });
    const r = await c.predict('love it');
    expect(r.label).toBe('positive');
    const h = calls[0].init.headers as Record<string, string>;
    expect(h.Authorization).toBeUndefined();
    expect(h['Content-Type']).toBe('application/json');
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ text: 'love it', explain: true });
  });
  it('throws ApiError with the server code on HTTP errors', async () => {
    const { f } = fakeFetch(401, '{"error":{"code":"UNAUTHENTICATED","message":"missing key"}}');
    const c = new ApiClient({ fetchImpl: f });
    await expect(c.stats()).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED', message: 'missing key', isAuth: true });
  });
  it('maps network failures to status 0', async () => {
    const f = (async () => { throw new TypeError('connection refused'); }) as unknown as typeof fetch;
    const c = new ApiClient({ fetchImpl: f });
    await expect(c.stats()).rejects.toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
  });
  it('uses cursor paging when a cursor is given', async () => {
    const { f, calls } = fakeFetch(200, '{"posts":[],"total":0,"limit":10,"offset":0}');
    const c = new ApiClient({ fetchImpl: f });
    await c.posts(DEFAULT_FILTERS, { limit: 10, cursor: 'abc' }, NOW);
    const u = new URL(calls[0].url, 'http://x');
    expect(u.searchParams.get('cursor')).toBe('abc');
    expect(u.searchParams.has('offset')).toBe(false);
    await c.posts(DEFAULT_FILTERS, { limit: 10, offset: 20 }, NOW);
    expect(new URL(calls[1].url, 'http://x').searchParams.get('offset')).toBe('20');
  });
  it('PUTs rules wrapped in {rules} and accepts either response shape', async () => {
    const rule = { id: 'r1', type: 'negative_share' as const, threshold: 0.5, window_s: 60, min_posts: 5, cooldown_s: 0, scope: 'all' as const, enabled: true };
    const { f, calls } = fakeFetch(200, JSON.stringify([rule]));
    const c = new ApiClient({ fetchImpl: f });
    const r = await c.putRules([rule]);
    expect(r).toEqual([rule]);
    expect(calls[0].init.method).toBe('PUT');
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ rules: [rule] });
    expect(normaliseRules({ rules: [rule] })).toEqual([rule]);
    expect(normaliseRules(undefined)).toEqual([]);
  });
});
