/**
 * Deterministic benchmark documents: seeded pseudo-random English-like text, so every run and
 * every measured path sees the same bytes.
 */

const WORDS = (
  "the of and to in is that for it as with was on be by this are from at or an which have not " +
  "retrieval rerank document query vector embedding model score relevance passage index search " +
  "context answer question language system data result chunk token latency batch request server " +
  "client network memory cache storage compute graph node edge cluster shard replica policy " +
  "climate energy river mountain history economy market protein cell gene theory measure signal " +
  "winter summer harvest village harbour engine bridge library museum archive letter journey"
).split(" ");

/** mulberry32: a tiny seeded PRNG, enough for reproducible text. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` distinct documents of about `tokens` tokens each (about 0.75 words per token, so a
 * 200-token document is 150 words, about 850 characters). Each starts with its number, so no
 * two are equal.
 */
export function makeDocuments(count: number, tokens: number, seed = 1): string[] {
  const random = prng(seed);
  const words = Math.max(1, Math.round(tokens * 0.75));
  const docs = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const parts = new Array<string>(words + 1);
    parts[0] = `doc-${seed}-${i}:`;
    for (let w = 1; w <= words; w++) parts[w] = WORDS[Math.floor(random() * WORDS.length)]!;
    docs[i] = parts.join(" ");
  }
  return docs;
}

/** `count` documents drawn from only `distinct` different texts (a list full of duplicates). */
export function makeDuplicateDocuments(count: number, distinct: number, tokens: number, seed = 2): string[] {
  const base = makeDocuments(distinct, tokens, seed);
  return Array.from({ length: count }, (_, i) => base[(i * 7) % distinct]!);
}

export const QUERY = "which passages explain how a rerank model scores retrieval results for a question";

/** Total UTF-8 bytes of the documents' text. */
export function payloadBytes(docs: readonly string[]): number {
  let bytes = 0;
  for (const d of docs) bytes += Buffer.byteLength(d);
  return bytes;
}
