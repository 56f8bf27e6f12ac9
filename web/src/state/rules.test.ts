import { describe, expect, it } from 'vitest';
import { cleanRule, newRule, validateRule } from './rules';

describe('alert rule validation', () => {
  const base = newRule([]);
  it('accepts the default new rule', () => {
    expect(validateRule(base, [])).toEqual({});
  });
  it('makes unique ids', () => {
    const r2 = newRule([base]);
    expect(r2.id).not.toBe(base.id);
  });
  it('flags each bad field', () => {
    const e = validateRule({ ...base, id: 'bad id!', threshold: 1.5, window_s: 5, min_posts: 0, cooldown_s: -1, scope: 'source', scope_value: ' ', webhook_url: 'ftp://x' }, []);
    expect(Object.keys(e).sort()).toEqual(['cooldown_s', 'id', 'min_posts', 'scope_value', 'threshold', 'webhook_url', 'window_s']);
  });
  it('rejects duplicate ids and NaN thresholds', () => {
    expect(validateRule(base, [base]).id).toMatch(/already/);
    expect(validateRule({ ...base, threshold: NaN }, []).threshold).toBeDefined();
  });
  it('allows ratios above 1 for negative_ratio and volume_spike', () => {
    expect(validateRule({ ...base, type: 'negative_ratio', threshold: 2 }, [])).toEqual({});
    expect(validateRule({ ...base, type: 'volume_spike', threshold: 3 }, [])).toEqual({});
  });
  it('cleans optional fields', () => {
    expect(cleanRule({ ...base, scope: 'all', scope_value: 'x', webhook_url: ' ' })).toMatchObject({ scope_value: null, webhook_url: null });
    expect(cleanRule({ ...base, scope: 'video_id', scope_value: ' v1 ' }).scope_value).toBe('v1');
  });
});
