import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS, type Filters, filtersEqual, filtersFromQuery, filtersToQuery, postMatches } from './filters';

describe('filters <-> URL', () => {
  it('default state is an empty query', () => {
    expect(filtersToQuery({ ...DEFAULT_FILTERS })).toBe('');
    expect(filtersEqual(filtersFromQuery(''), DEFAULT_FILTERS)).toBe(true);
  });
  it('round-trips every field', () => {
    const f: Filters = { source: 'reddit', sentiment: 'negative', emotion: 'anger', video_id: 'abc', q: 'price & ship', range: '7d', period: 'day' };
    const q = filtersToQuery(f);
    expect(q.startsWith('?')).toBe(true);
    expect(filtersFromQuery(q)).toEqual(f);
  });
  it('omits a period that is the default for the range', () => {
    const f: Filters = { ...DEFAULT_FILTERS, range: '7d', period: 'hour' };
    expect(filtersToQuery(f)).toBe('?range=7d');
    expect(filtersFromQuery('?range=7d').period).toBe('hour');
  });
  it('rejects invalid values', () => {
    const f = filtersFromQuery('?sentiment=angry&range=99y&period=week&source=youtube');
    expect(f.sentiment).toBe('');
    expect(f.range).toBe('1h');
    expect(f.period).toBe('minute');
    expect(f.source).toBe('youtube');
  });
});

describe('postMatches', () => {
  const p = { source: 'youtube', video_id: 'v1', content: 'Shipping was SLOW', author: 'ann', sentiment: { label: 'negative', emotion: 'anger' } };
  it('applies each filter', () => {
    expect(postMatches(DEFAULT_FILTERS, p)).toBe(true);
    expect(postMatches({ ...DEFAULT_FILTERS, source: 'reddit' }, p)).toBe(false);
    expect(postMatches({ ...DEFAULT_FILTERS, sentiment: 'negative', emotion: 'anger' }, p)).toBe(true);
    expect(postMatches({ ...DEFAULT_FILTERS, emotion: 'joy' }, p)).toBe(false);
    expect(postMatches({ ...DEFAULT_FILTERS, q: 'slow' }, p)).toBe(true);
    expect(postMatches({ ...DEFAULT_FILTERS, q: 'ANN' }, p)).toBe(true);
    expect(postMatches({ ...DEFAULT_FILTERS, q: 'fast' }, p)).toBe(false);
    expect(postMatches({ ...DEFAULT_FILTERS, video_id: 'v2' }, p)).toBe(false);
  });
});
