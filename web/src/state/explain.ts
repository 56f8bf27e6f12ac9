// Maps a model explanation ([{token, weight}]) back onto the input text so the words can be
// highlighted in place. Tokens are matched case-insensitively on word boundaries.

export interface Segment {
  text: string;
  weight: number | null; // null: not part of the explanation
}

/** Splits text into word and non-word segments and attaches explanation weights. */
export function highlightSegments(text: string, explanation: { token: string; weight: number }[]): Segment[] {
  const weights = new Map<string, number>();
  for (const e of explanation) {
    if (!e || typeof e.token !== 'string' || !Number.isFinite(e.weight)) continue;
    // n-gram tokens ("not good") spread their weight over their words; repeated entries add up
    const parts = e.token.toLowerCase().replace(/^#/, '').split(/[\s_]+/).filter(Boolean);
    for (const k of parts) weights.set(k, (weights.get(k) ?? 0) + e.weight / parts.length);
  }
  const out: Segment[] = [];
  const re = /[\p{L}\p{N}_'’]+|[^\p{L}\p{N}_'’]+/gu;
  for (const m of text.matchAll(re)) {
    const s = m[0];
    const isWord = /[\p{L}\p{N}]/u.test(s);
    const w = isWord ? weights.get(s.toLowerCase()) ?? weights.get(s.toLowerCase().replace(/['’]s$/, '')) : undefined;
    if (!isWord) {
      // emoji and punctuation tokens can carry weight too
      const t = s.trim();
      const ew = t ? weights.get(t) : undefined;
      out.push({ text: s, weight: ew ?? null });
    } else {
      out.push({ text: s, weight: w ?? null });
    }
  }
  return out;
}

/** 0..1 intensity of a weight relative to the largest absolute weight. */
export function intensity(w: number, maxAbs: number): number {
  if (!maxAbs || !Number.isFinite(w)) return 0;
  return Math.min(1, Math.abs(w) / maxAbs);
}
