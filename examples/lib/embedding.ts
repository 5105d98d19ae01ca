/**
 * A small local embedding for running the examples offline: a hashed bag of words (English) and
 * of characters and character pairs (Chinese), folded into a fixed-size vector and L2-normalised.
 *
 * It is a deliberately plain first stage, the kind of thing a reranker exists to fix: no IDF (so
 * "the" and "的" weigh as much as "eclipse" and "日食"), no stemming, no meaning, and hash
 * collisions in 256 dimensions. Swap in a real embedding model when you have one.
 */

/** Vector size. Small on purpose: collisions blur the ranking a little, as cheap embeddings do. */
export const EMBEDDING_DIMENSIONS = 256;

const HAN = /\p{Script=Han}/u;
const TOKEN = /\p{Script=Han}+|[\p{L}\p{N}]+/gu;

/** Splits text into features: lower-cased words, and for Chinese runs, single characters plus pairs. */
export function features(text: string): string[] {
  const out: string[] = [];
  for (const [run] of text.toLowerCase().matchAll(TOKEN)) {
    if (!HAN.test(run)) {
      out.push(run);
      continue;
    }
    const chars = [...run];
    for (let i = 0; i < chars.length; i++) {
      out.push(chars[i]!);
      if (i + 1 < chars.length) out.push(chars[i]! + chars[i + 1]!);
    }
  }
  return out;
}

/** FNV-1a, 32-bit: a stable, dependency-free string hash. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Embeds one text: term counts hashed into {@link EMBEDDING_DIMENSIONS} signed buckets, unit length. */
export function embed(text: string, dimensions = EMBEDDING_DIMENSIONS): number[] {
  const v = new Array<number>(dimensions).fill(0);
  for (const f of features(text)) {
    const h = fnv1a(f);
    // The top bit picks a sign, so colliding features partly cancel instead of always adding up.
    v[h % dimensions]! += h & 0x80000000 ? -1 : 1;
  }
  const norm = Math.hypot(...v);
  return norm === 0 ? v : v.map((x) => x / norm);
}

/** Cosine similarity of two unit vectors (their dot product). */
export function cosine(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
