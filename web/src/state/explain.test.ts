import { describe, expect, it } from 'vitest';
import { highlightSegments, intensity } from './explain';

describe('highlightSegments', () => {
  it('attaches weights to matching words case-insensitively and keeps the text intact', () => {
    const text = 'I LOVE this, but shipping was slow!';
    const segs = highlightSegments(text, [{ token: 'love', weight: 1.7 }, { token: 'slow', weight: -0.9 }]);
    expect(segs.map((s) => s.text).join('')).toBe(text);
    expect(segs.find((s) => s.text === 'LOVE')?.weight).toBe(1.7);
    expect(segs.find((s) => s.text === 'slow')?.weight).toBe(-0.9);
    expect(segs.find((s) => s.text === 'this')?.weight).toBeNull();
  });
  it('sums repeated tokens and ignores junk entries', () => {
    const segs = highlightSegments('bad bad', [{ token: 'bad', weight: -1 }, { token: 'bad', weight: -0.5 }, { token: 'x', weight: NaN }]);
    expect(segs.filter((s) => s.weight !== null).map((s) => s.weight)).toEqual([-1.5, -1.5]);
  });
  it('spreads n-gram weights over their words', () => {
    const segs = highlightSegments('not good at all', [{ token: 'not good', weight: -2 }, { token: 'good', weight: 1 }]);
    expect(segs.find((s) => s.text === 'not')?.weight).toBe(-1);
    expect(segs.find((s) => s.text === 'good')?.weight).toBe(0);
    expect(segs.find((s) => s.text === 'all')?.weight).toBeNull();
  });
  it('scales intensity to the largest weight', () => {
    expect(intensity(-2, 4)).toBe(0.5);
    expect(intensity(9, 4)).toBe(1);
    expect(intensity(1, 0)).toBe(0);
  });
});
