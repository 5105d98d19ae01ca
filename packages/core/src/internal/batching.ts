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

export function deduplicate(texts: readonly string[]): Deduplicated {
  const seen = new Map<string, number>();
  const unique: string[] = [];
  const uniqueOf = new Int32Array(texts.length);
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i]!;
    let at = seen.get(text);
    if (at === undefined) {
      at = unique.length;
      seen.set(text, at);
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
    if ((code >= 0x3040 && code <= 0x30ff) || (code >= 0x3400 && code <= 0x9fff) || (code >= 0xac00 && code <= 0xd7af) || (code >= 0xf900 && code <= 0xfaff)) cjk++;
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
