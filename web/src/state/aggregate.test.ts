import { describe, expect, it } from 'vitest';
import { addPost, bucketStart, emotionCounts, percentages, RateMeter, seriesFromBuckets, stacked, totals, trimBefore } from './aggregate';

const T0 = Date.parse('2026-11-23T10:00:00Z');
const b = (min: number, pos: number, neu: number, neg: number) => ({
  timestamp: new Date(T0 + min * 60000).toISOString(), positive_count: pos, neutral_count: neu, negative_count: neg, total_count: pos + neu + neg,
});

describe('bucketing', () => {
  it('floors to the period in UTC', () => {
    expect(bucketStart(T0 + 59_999, 'minute')).toBe(T0);
    expect(bucketStart(T0 + 61_000, 'minute')).toBe(T0 + 60_000);
    expect(bucketStart(T0 + 3_599_000, 'hour')).toBe(T0);
    expect(new Date(bucketStart(T0, 'day')).toISOString()).toBe('2026-11-23T00:00:00.000Z');
  });
  it('sorts buckets and fills gaps with zeros', () => {
    const s = seriesFromBuckets('minute', [b(3, 1, 0, 0), b(0, 2, 1, 1)]);
    expect(s.t).toEqual([T0, T0 + 60000, T0 + 120000, T0 + 180000]);
    expect(s.positive).toEqual([2, 0, 0, 1]);
    expect(s.negative).toEqual([1, 0, 0, 0]);
  });
  it('adds live posts into existing or new buckets', () => {
    const s = seriesFromBuckets('minute', [b(0, 1, 1, 1)]);
    expect(addPost(s, T0 + 30_000, 'negative')).toBe(true);
    expect(s.negative).toEqual([2]);
    expect(addPost(s, T0 + 150_000, 'positive')).toBe(true);
    expect(s.t.length).toBe(3);
    expect(s.positive).toEqual([1, 0, 1]);
    expect(addPost(s, T0 - 60_000, 'positive')).toBe(false); // before the window
    expect(addPost(s, T0, 'mixed')).toBe(false);
    expect(totals(s)).toEqual({ positive: 2, neutral: 1, negative: 2, total: 5 });
  });
  it('starts an empty series from the first post', () => {
    const s = seriesFromBuckets('hour', []);
    addPost(s, T0 + 5000, 'neutral');
    expect(s.t).toEqual([T0]);
    expect(s.neutral).toEqual([1]);
  });
  it('trims buckets that slid out of the range', () => {
    const s = seriesFromBuckets('minute', [b(0, 1, 0, 0), b(1, 2, 0, 0), b(2, 3, 0, 0)]);
    trimBefore(s, T0 + 90_000);
    expect(s.t).toEqual([T0 + 60000, T0 + 120000]);
    expect(s.positive).toEqual([2, 3]);
  });
  it('stacks negative, neutral, positive', () => {
    const s = seriesFromBuckets('minute', [b(0, 1, 2, 3)]);
    expect(stacked(s)).toEqual({ negative: [3], neutral: [5], positive: [6] });
  });
});

describe('helpers', () => {
  it('percentages add up to 100', () => {
    const p = percentages({ positive: 1, neutral: 1, negative: 1 });
    expect(p.positive + p.neutral + p.negative).toBe(100);
    expect(percentages({ positive: 0, neutral: 0, negative: 0 })).toEqual({ positive: 0, neutral: 0, negative: 0 });
    expect(percentages({ positive: 3, neutral: 1, negative: 0 })).toEqual({ positive: 75, neutral: 25, negative: 0 });
  });
  it('counts emotions, most frequent first', () => {
    const posts = [{ sentiment: { label: 'positive', confidence: 1, emotion: 'joy' } }, { sentiment: { label: 'negative', confidence: 1, emotion: 'anger' } },
      { sentiment: { label: 'positive', confidence: 1, emotion: 'joy' } }, { sentiment: null }];
    expect(emotionCounts(posts)).toEqual([['joy', 2], ['anger', 1]]);
  });
  it('measures posts per minute over a sliding window', () => {
    const m = new RateMeter(10_000);
    for (let i = 0; i < 50; i++) m.add(T0 + i * 200); // 50 posts in 10 s
    expect(m.perMinute(T0 + 9_999)).toBe(300);
    expect(m.perMinute(T0 + 15_000)).toBeLessThan(300);
    expect(m.perMinute(T0 + 60_000)).toBe(0);
  });
});
