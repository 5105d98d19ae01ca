/**
 * Long documents: split a text longer than a model's window into overlapping windows, and give
 * the document one score from its windows' scores. Pure functions, no I/O.
 *
 * Sizes are counted with {@link estimateTokens}, the estimate the batch planner uses (one token
 * per CJK character, one per four other characters): no tokenizer is loaded, and a window never
 * costs the batch planner more than it was cut for. Windows end on word boundaries where the text
 * has them (after whitespace, or around a CJK character, which stands alone), and mid-word only
 * for a "word" longer than a window (a URL, base64, an emoji run), then on a code point boundary.
 */
import { RerankInputError } from "../errors.js";
import { estimateTokens } from "../internal/batching.js";

/** How scores of a document's windows become the document's score. */
export type WindowAggregate = "max" | "mean-top-2";

/** `RerankClientOptions.longDocuments`. */
export interface LongDocumentsOptions {
  /**
   * Longest document, in estimated tokens, sent whole; a longer one is split into windows of at
   * most this many. Leave room for the query and the model's template within the model's window.
   * @default the model's published window (see `modelWindow`) less the query and a margin
   * @example 480 // a 512-token BERT cross-encoder
   */
  maxTokens?: number;
  /**
   * Estimated tokens each window repeats from the end of the one before, so that a passage cut
   * at a boundary is whole in one of them. Less than `maxTokens`.
   * @default 10% of maxTokens
   */
  overlapTokens?: number;
  /**
   * The document's score from its windows' scores: `"max"` (the best window; what bge's
   * `max_chunks_per_doc` and Cohere's v1 chunking do) or `"mean-top-2"` (the mean of the two best,
   * which favours documents relevant in more than one place; one window alone keeps its score).
   * @default "max"
   */
  aggregate?: WindowAggregate;
  /** Report on each result which window scored best (`RerankResult.window`). @default false */
  reportWindow?: boolean;
}

/** {@link LongDocumentsOptions} checked and defaulted, but for `maxTokens` when the model decides it. */
export interface ResolvedLongDocuments {
  maxTokens: number | undefined;
  overlapTokens: number | undefined;
  aggregate: WindowAggregate;
  reportWindow: boolean;
}

/** Checks `longDocuments`; every problem is a RerankInputError naming the field. */
export function resolveLongDocuments(options: LongDocumentsOptions, provider?: string): ResolvedLongDocuments {
  const fail = (field: string, message: string): never => {
    throw new RerankInputError(`longDocuments.${field} ${message}.`, { field: `longDocuments.${field}`, provider });
  };
  if (typeof options !== "object" || options === null) fail("", "must be an object");
  const { maxTokens, overlapTokens, aggregate = "max", reportWindow = false } = options;
  if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens >= 8)) fail("maxTokens", "must be an integer of at least 8");
  if (overlapTokens !== undefined) {
    if (!(Number.isInteger(overlapTokens) && overlapTokens >= 0)) fail("overlapTokens", "must be a non-negative integer");
    if (maxTokens !== undefined && overlapTokens >= maxTokens / 2) fail("overlapTokens", "must be less than half of maxTokens");
  }
  if (aggregate !== "max" && aggregate !== "mean-top-2") fail("aggregate", 'must be "max" or "mean-top-2"');
  if (typeof reportWindow !== "boolean") fail("reportWindow", "must be a boolean");
  return { maxTokens, overlapTokens, aggregate, reportWindow };
}

function isCjk(code: number): boolean {
  return (
    (code >= 0x3040 && code <= 0x30ff) ||
    (code >= 0x3400 && code <= 0x9fff) ||
    (code >= 0xac00 && code <= 0xd7af) ||
    (code >= 0xf900 && code <= 0xfaff)
  );
}

function isSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0 || code === 0x3000;
}

/**
 * Splits `text` into windows of at most `maxTokens` estimated tokens, each starting about
 * `overlapTokens` before the end of the one before. A text within `maxTokens` is returned alone,
 * unchanged. Windows are substrings of `text` with surrounding whitespace trimmed; together they
 * cover every non-space character, in order.
 *
 * @example splitWindows(chapter, { maxTokens: 480, overlapTokens: 48 }) // ["It was…", "…", …]
 */
export function splitWindows(text: string, options: { maxTokens: number; overlapTokens?: number }): string[] {
  if (estimateTokens(text) <= options.maxTokens) return [text];
  return windowSpans(text, options).map(([from, to]) => text.slice(from, to));
}

/**
 * Where {@link splitWindows} cuts `text`: `[from, to)` character ranges, in order, none starting
 * or ending in whitespace, each within `maxTokens` estimated tokens, together covering every
 * non-space character.
 */
export function windowSpans(text: string, options: { maxTokens: number; overlapTokens?: number }): [number, number][] {
  const { maxTokens } = options;
  const overlapTokens = options.overlapTokens ?? Math.floor(maxTokens / 10);
  const n = text.length;
  // Prefix counts of CJK characters: a span's estimate is cjk + ceil(other / 4), the same as
  // estimateTokens of the substring, in O(1).
  const cjk = new Int32Array(n + 1);
  const cuts = new Uint8Array(n + 1); // 1 where a window may start or end
  let count = 0;
  let previousCjk = false;
  let previousSpace = true;
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    // Most characters are ASCII letters: neither CJK nor space, decided by one comparison.
    const cjkChar = code >= 0x3040 && isCjk(code);
    const space = code <= 0x20 ? isSpace(code) : code === 0xa0 || code === 0x3000;
    if (cjkChar) count++;
    cjk[i + 1] = count;
    if (cjkChar || previousCjk || space !== previousSpace) cuts[i] = 1;
    previousCjk = cjkChar;
    previousSpace = space;
  }
  cuts[n] = 1;
  const tokens = (from: number, to: number) => {
    const c = cjk[to]! - cjk[from]!;
    return c + Math.ceil((to - from - c) / 4);
  };

  const spans: [number, number][] = [];
  let start = skipSpace(text, 0);
  while (start < n) {
    // The farthest end within budget (binary search: the estimate only grows with the span, and a
    // span of 4 × maxTokens characters is over budget whatever they are), then back to the last
    // cut before it, if the window has one; else the window ends mid-word.
    let low = start + 1; // always within budget: one character is at most one token
    let high = Math.min(n, start + 4 * maxTokens + 4);
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (tokens(start, mid) <= maxTokens) low = mid;
      else high = mid - 1;
    }
    let end = low;
    if (end < n) {
      let cut = end;
      while (cut > start && cuts[cut] !== 1) cut--;
      if (cut > start) end = cut;
      // Mid-word: never between the two halves of a surrogate pair (an emoji run longer than a
      // window), which would send lone surrogates that strict JSON servers (TEI) refuse with 422.
      else if (splitsPair(text, end)) end = end - 1 > start ? end - 1 : end + 1;
    }
    let contentEnd = end;
    while (contentEnd > start && isSpace(text.charCodeAt(contentEnd - 1))) contentEnd--;
    spans.push([start, contentEnd]);
    if (skipSpace(text, end) >= n) break;
    // The next window starts at the earliest cut after `start` whose span to the end of this
    // window's text fits the overlap (none: it starts where this one ended).
    let next = end;
    for (let at = contentEnd - 1; at > start; at--) {
      if (tokens(at, contentEnd) > overlapTokens) break;
      if (cuts[at] === 1 && !isSpace(text.charCodeAt(at))) next = at;
    }
    start = skipSpace(text, next);
  }
  return spans;
}

/** Whether cutting `text` at `at` would split a surrogate pair (one code point in two UTF-16 units). */
function splitsPair(text: string, at: number): boolean {
  const low = text.charCodeAt(at);
  const high = text.charCodeAt(at - 1);
  return low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff;
}

function skipSpace(text: string, from: number): number {
  let at = from;
  while (at < text.length && isSpace(text.charCodeAt(at))) at++;
  return at;
}

/**
 * Which windows each text became. `windows` are distinct (a window shared by two documents is
 * scored once); `start[t]` to `start[t + 1]` are the positions in `members` of text `t`'s
 * windows, in document order, and `members[k]` is a position in `windows`.
 */
export interface WindowPlan {
  windows: string[];
  start: Int32Array;
  members: Int32Array;
  /** True when some text was split: without it the plan is the identity and costs nothing to merge. */
  split: boolean;
}

/** Splits every text longer than `maxTokens`; a text that fits is its own single window. */
export function planWindows(texts: readonly string[], options: { maxTokens: number; overlapTokens?: number }): WindowPlan {
  const windows: string[] = [];
  const positionOf = new Map<string, number>();
  const start = new Int32Array(texts.length + 1);
  const members: number[] = [];
  let split = false;
  for (let t = 0; t < texts.length; t++) {
    const parts = splitWindows(texts[t]!, options);
    if (parts.length > 1) split = true;
    for (const part of parts) {
      let at = positionOf.get(part);
      if (at === undefined) {
        at = windows.length;
        windows.push(part);
        positionOf.set(part, at);
      }
      members.push(at);
    }
    start[t + 1] = members.length;
  }
  return { windows, start, members: Int32Array.from(members), split };
}

/**
 * Each text's score from its windows' scores (`windowScores[w]` for `plan.windows[w]`), and which
 * of its windows (0-based, in document order) scored best. A text any of whose windows is
 * unscored (`scored[w] === 0`, e.g. cut by a provider's top-N) gets the aggregate of those scored,
 * and is unscored only when none is.
 */
export function aggregateWindows(
  plan: WindowPlan,
  windowScores: Float64Array,
  scored: Uint8Array,
  aggregate: WindowAggregate,
): { scores: Float64Array; scored: Uint8Array; best: Int32Array } {
  const count = plan.start.length - 1;
  const scores = new Float64Array(count);
  const textScored = new Uint8Array(count);
  const best = new Int32Array(count).fill(-1);
  for (let t = 0; t < count; t++) {
    let first = Number.NEGATIVE_INFINITY;
    let second = Number.NEGATIVE_INFINITY;
    let seen = 0;
    for (let k = plan.start[t]!; k < plan.start[t + 1]!; k++) {
      const w = plan.members[k]!;
      if (scored[w] !== 1) continue;
      const score = windowScores[w]!;
      seen++;
      if (score > first) {
        second = first;
        first = score;
        best[t] = k - plan.start[t]!;
      } else if (score > second) {
        second = score;
      }
    }
    if (seen === 0) continue;
    textScored[t] = 1;
    scores[t] = aggregate === "max" || seen === 1 ? first : (first + second) / 2;
  }
  return { scores, scored: textScored, best };
}
