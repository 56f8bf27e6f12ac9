import { describe, expect, it } from 'vitest';
import { FeedBuffer } from './feed';

const post = (i: number, source = 'yt') => ({ post_id: `p${i}`, source, content: `c${i}`, created_at: '' });

describe('FeedBuffer', () => {
  it('keeps at most capacity items, newest first', () => {
    const b = new FeedBuffer(3);
    for (let i = 0; i < 10; i++) b.push(post(i));
    expect(b.size).toBe(3);
    expect(b.toArray().map((p) => p.post_id)).toEqual(['p9', 'p8', 'p7']);
    expect(b.at(0)?.post_id).toBe('p9');
    expect(b.at(3)).toBeUndefined();
  });
  it('drops duplicates but forgets evicted keys', () => {
    const b = new FeedBuffer(2);
    expect(b.push(post(1))).toBe(true);
    expect(b.push(post(1))).toBe(false);
    expect(b.push(post(1, 'reddit'))).toBe(true); // same id, other source
    expect(b.push(post(2))).toBe(true); // evicts yt/p1
    expect(b.push(post(1))).toBe(true);
    expect(b.size).toBe(2);
  });
  it('bumps version only on change, and clears', () => {
    const b = new FeedBuffer(5);
    b.push(post(1));
    const v = b.version;
    b.push(post(1));
    expect(b.version).toBe(v);
    expect(b.pushAll([post(2), post(3), post(2)])).toBe(2);
    b.clear();
    expect(b.size).toBe(0);
    expect(b.push(post(1))).toBe(true);
  });
  it('rejects a bad capacity', () => {
    expect(() => new FeedBuffer(0)).toThrow(RangeError);
  });
  it('stays bounded under a long stream', () => {
    const b = new FeedBuffer(500);
    for (let i = 0; i < 20000; i++) b.push(post(i));
    expect(b.size).toBe(500);
    expect(b.at(499)?.post_id).toBe('p19500');
  });
});
