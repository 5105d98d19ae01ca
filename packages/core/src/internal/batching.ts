/**
 * Batch planning: de-duplicate texts, then split them into requests that respect a provider's
 * documents-per-request and token limits. Pure functions, no I/O.
 */

/** The distinct texts and, for each input position, which distinct text it is. */
export interface Deduplicated {
  unique: string[];
  /** `uniqueOf[i]` is the position in `unique` of input `i`. */
  uniqueOf: Int32Array;
}

/** Where `sampleKey` reads: eight characters among the first 48. */
const SAMPLES = [0, 3, 6, 9, 13, 19, 29, 47] as const;

/**
 * A number from a text's length and eight of its first 48 characters: equal texts get equal keys,
 * and distinct texts (retrieval results) almost always get distinct ones. It costs the same for
 * any length and reads only the start of the text (the cache lines its header is in), where a Map
 * keyed by the string hashes all of it: V8's string hash runs ~1.8 ns a character (~75 µs for 50
 * fresh 850-character texts, 15 ms for 10,000). That hash is cached on the string, so only fresh
 * strings pay it, but texts from a database reply or from LlamaIndex's `getContent()` are fresh.
 */
function sampleKey(text: string): number {
  const last = text.length - 1;
  let h = Math.imul(text.length ^ 0x9e3779b9, 0x85ebca6b);
  if (last < 0) return h;
  for (const at of SAMPLES) h = Math.imul(h ^ text.charCodeAt(Math.min(at, last)), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export function deduplicate(texts: readonly string[]): Deduplicated {
  const unique: string[] = [];
  const uniqueOf = new Int32Array(texts.length);
  // Texts are first told apart by sampleKey: a new key is a new text, and an old key is compared
  // with the one text that had it (===, which stops at the first difference). Only keys shared by
  // distinct texts fall back to a Map keyed by the whole string. Same result as that Map alone.
  const byKey = new Map<number, number>(); // key → position in unique of its only text, or -1 once shared
  let byText: Map<string, number> | undefined;
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i]!;
    const key = sampleKey(text);
    const only = byKey.get(key);
    let at: number | undefined;
    if (only === undefined) {
      byKey.set(key, unique.length);
    } else if (only >= 0 && unique[only] === text) {
      at = only;
    } else {
      byText ??= new Map();
      if (only >= 0) {
        byText.set(unique[only]!, only);
        byKey.set(key, -1);
      }
      at = byText.get(text);
      if (at === undefined) byText.set(text, unique.length);
    }
    if (at === undefined) {
      at = unique.length;
      unique.push(text);
    }
    uniqueOf[i] = at;
  }
  return { unique, uniqueOf };
}

/**
 * A cheap, deliberately generous token estimate: one token per CJK character (Han, kana, hangul)
 * and one per four other characters. Providers truncate per item; this only sizes batches.
 */
export function estimateTokens(text: string): number {
  let cjk = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (
      (code >= 0x3040 && code <= 0x30ff) ||
      (code >= 0x3400 && code <= 0x9fff) ||
      (code >= 0xac00 && code <= 0xd7af) ||
      (code >= 0xf900 && code <= 0xfaff)
    )
      cjk++;
    else other++;
  }
  return cjk + Math.ceil(other / 4);
}

export interface BatchLimits {
  maxDocuments: number;
  /** Budget for the sum over a batch of (query tokens + document tokens). */
  maxTokens?: number | undefined;
}

/**
 * Splits `texts` (in order) into consecutive batches of positions. Each batch holds at most
 * `maxDocuments` texts and, when `maxTokens` is set, at most that many estimated tokens; a single
 * text over the budget goes alone (the provider truncates it). Every position appears exactly once.
 */
export function planBatches(texts: readonly string[], query: string, limits: BatchLimits): number[][] {
  if (texts.length === 0) return [];
  const maxDocuments = Math.max(1, Math.floor(limits.maxDocuments));
  if (limits.maxTokens === undefined) {
    if (texts.length <= maxDocuments) return [Array.from(texts.keys())];
    const batches: number[][] = [];
    for (let start = 0; start < texts.length; start += maxDocuments) {
      const end = Math.min(texts.length, start + maxDocuments);
      const batch = new Array<number>(end - start);
      for (let i = start; i < end; i++) batch[i - start] = i;
      batches.push(batch);
    }
    return batches;
  }
  const queryTokens = estimateTokens(query);
  const batches: number[][] = [];
  let current: number[] = [];
  let tokens = 0;
  for (let i = 0; i < texts.length; i++) {
    const cost = queryTokens + estimateTokens(texts[i]!);
    if (current.length > 0 && (current.length >= maxDocuments || tokens + cost > limits.maxTokens)) {
      batches.push(current);
      current = [];
      tokens = 0;
    }
    current.push(i);
    tokens += cost;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
