import { RerankInputError } from "../errors.js";
import { checkRankingRequest, rankingResponse } from "../ranking/index.js";
import type { Reranker, RerankRequest, RerankResponse } from "../types.js";
import { forEachTermSliced } from "./tokenize.js";

const PROVIDER = "bm25";
const DEFAULT_MODEL = "rerankit-bm25";

/** Options of {@link Bm25Reranker}. */
export interface Bm25RerankerOptions {
  /**
   * Term-frequency saturation: how much a term's second, third… occurrence in a document adds.
   * 0 counts presence only; larger values keep rewarding repeats. A finite number ≥ 0.
   * @default 1.2
   * @example { k1: 1.5 }
   */
  k1?: number;
  /**
   * Length normalisation, 0..1: 1 fully penalises documents longer than the average candidate,
   * 0 ignores length.
   * @default 0.75
   * @example { b: 0 } // candidates of very different lengths that should not be penalised for it
   */
  b?: number;
}

/**
 * BM25 scores of `documents` for `query`, each in 0..1. Statistics (document frequency, average
 * length) come from `documents` themselves: the candidates are the corpus.
 *
 * The raw Okapi BM25 score, with Lucene's always-positive idf
 * `ln(1 + (N − df + 0.5) / (df + 0.5))`, is
 * `Σ_t qtf(t) · idf(t) · tf · (k1 + 1) / (tf + k1 · (1 − b + b · len / avgLen))` over the distinct
 * query terms `t`. It is divided by its supremum for this query and candidate set,
 * `Σ_t qtf(t) · idf(t) · (k1 + 1)` (every query term present, tf → ∞), so that it lands in 0..1
 * without changing the order: 0 means no query term occurs; a document containing each query term
 * once, at average length, scores `1 / (k1 + 1)` (about 0.45 at the defaults).
 */
export function bm25Scores(query: string, documents: readonly string[], k1: number, b: number): Float64Array {
  const scores = new Float64Array(documents.length);
  for (const _ of scoreInto(scores, query, documents, k1, b)) {
    // the generator does the work; the synchronous form never pauses
  }
  return scores;
}

/**
 * Longest stretch of scoring, in ms, between two turns of the event loop in
 * {@link bm25ScoresAsync}. Checked after each tokenizer window (at most 1,024 characters, a few
 * milliseconds of work even for unpunctuated CJK), so a slice overruns it by one window at most.
 */
export const SLICE_MS = 10;

/** Hands the thread to the event loop (I/O and timers run) and resumes. */
const nextTurn: () => Promise<void> =
  typeof setImmediate === "function"
    ? () => new Promise<void>((resolve) => setImmediate(resolve))
    : () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * {@link bm25Scores} in slices of about {@link SLICE_MS} ms, yielding to the event
 * loop between slices so a long text never blocks a server's other clients for long. `signal` is
 * checked between slices: an abort stops the work and rejects with the signal's reason.
 */
export async function bm25ScoresAsync(
  query: string,
  documents: readonly string[],
  k1: number,
  b: number,
  signal?: AbortSignal,
): Promise<Float64Array> {
  const scores = new Float64Array(documents.length);
  let sliceStart = performance.now();
  for (const _ of scoreInto(scores, query, documents, k1, b)) {
    if (performance.now() - sliceStart >= SLICE_MS) {
      await nextTurn();
      signal?.throwIfAborted();
      sliceStart = performance.now();
    }
  }
  return scores;
}

/** The scoring, as a generator that yields after each tokenizer window. Fills `scores`. */
function* scoreInto(scores: Float64Array, query: string, documents: readonly string[], k1: number, b: number): Generator<void, void, void> {
  const termIds = new Map<string, number>();
  const queryTf: number[] = [];
  yield* forEachTermSliced(query, (term) => {
    const id = termIds.get(term);
    if (id === undefined) {
      termIds.set(term, queryTf.length);
      queryTf.push(1);
    } else queryTf[id]!++;
  });
  const termCount = queryTf.length;
  if (termCount === 0 || documents.length === 0) return;

  // One pass over each document: its length and the frequencies of query terms only, kept sparse
  // (term id, tf) so memory stays proportional to the matches, not to documents × query terms.
  const lengths = new Float64Array(documents.length);
  const matchStart = new Int32Array(documents.length + 1);
  const matchTerm: number[] = [];
  const matchTf: number[] = [];
  const scratch = new Int32Array(termCount);
  const touched: number[] = [];
  const df = new Float64Array(termCount);
  let totalLength = 0;
  for (let d = 0; d < documents.length; d++) {
    let length = 0;
    yield* forEachTermSliced(documents[d]!, (term) => {
      length++;
      const id = termIds.get(term);
      if (id !== undefined && scratch[id]!++ === 0) touched.push(id);
    });
    lengths[d] = length;
    totalLength += length;
    for (const id of touched) {
      matchTerm.push(id);
      matchTf.push(scratch[id]!);
      df[id]!++;
      scratch[id] = 0;
    }
    touched.length = 0;
    matchStart[d + 1] = matchTerm.length;
  }

  const n = documents.length;
  const weight = new Float64Array(termCount); // qtf · idf · (k1 + 1)
  let supremum = 0;
  for (let t = 0; t < termCount; t++) {
    const idf = Math.log(1 + (n - df[t]! + 0.5) / (df[t]! + 0.5));
    weight[t] = queryTf[t]! * idf * (k1 + 1);
    supremum += weight[t]!;
  }
  const averageLength = totalLength / n || 1;
  for (let d = 0; d < n; d++) {
    const lengthNorm = k1 * (1 - b + (b * lengths[d]!) / averageLength);
    let score = 0;
    for (let m = matchStart[d]!; m < matchStart[d + 1]!; m++) {
      const tf = matchTf[m]!;
      score += (weight[matchTerm[m]!]! * tf) / (tf + lengthNorm);
    }
    scores[d] = Math.min(1, score / supremum);
  }
}

/**
 * An in-process BM25 reranker: no network, no model, no key. It ranks English, Chinese and mixed
 * text (word segmentation with `Intl.Segmenter`, CJK character bigrams, light English stemming:
 * see `bm25Tokenize`) and is a {@link Reranker}, usable anywhere a `RerankClient` is: as a
 * fallback, in tests, or behind `rerankit serve`.
 *
 * Scores are BM25 divided by the best score the query could reach among these candidates, so each
 * is in 0..1 and 0 means no query term matched. They are not calibrated probabilities (a document
 * containing every query term once scores about 0.45), so `scoreKind` is `"unknown"`, the same as
 * the `rerankit` preset reports for the local server. Corpus statistics come from the candidates of
 * each call; identical texts are scored once, so duplicating a document changes no score.
 *
 * The work runs on the calling thread in slices of about 10 ms, yielding to
 * the event loop between them, so a long text does not stall a server's other clients; an aborted
 * `signal` is honoured before the work begins and between slices. Tokenizing is linear in the
 * text's length. `timeoutMs` and `instruct` are ignored. A query with no non-space character is a
 * `RerankInputError` (field `query`) when there are documents to rank.
 *
 * @example
 * const reranker = new Bm25Reranker();
 * const { results } = await reranker.rerank({ query: "如何预防感冒", documents, topN: 3 });
 */
export class Bm25Reranker implements Reranker {
  /** Term-frequency saturation in use. */
  readonly k1: number;
  /** Length normalisation in use. */
  readonly b: number;
  /**
   * Scores depend on the whole list (IDF and average length are computed over it). Said here, not
   * only known by class: a wrapper such as `calibrated()` passes it on, so `startRerankServer` and
   * its clients' caches still treat a wrapped BM25 as list-dependent.
   */
  readonly listDependent = true;
  /** The model its replies name (a request's own `model` is echoed): said here so wrappers and `startRerankServer` can read it. */
  readonly model = DEFAULT_MODEL;

  constructor(options: Bm25RerankerOptions = {}) {
    const { k1 = 1.2, b = 0.75 } = options;
    if (typeof k1 !== "number" || !Number.isFinite(k1) || k1 < 0) {
      throw new RerankInputError("Bm25Reranker: k1 must be a finite number ≥ 0.", { field: "k1", provider: PROVIDER });
    }
    if (typeof b !== "number" || !(b >= 0 && b <= 1)) {
      throw new RerankInputError("Bm25Reranker: b must be a number from 0 to 1.", { field: "b", provider: PROVIDER });
    }
    this.k1 = k1;
    this.b = b;
  }

  /** Reranks `documents` against `query`: see {@link RerankRequest}. */
  async rerank(request: RerankRequest): Promise<RerankResponse> {
    const ranking = checkRankingRequest(request, PROVIDER);
    // Statistics over the distinct texts: duplicating a document changes no score.
    const scores = await bm25ScoresAsync(ranking.query, ranking.unique, this.k1, this.b, request.signal);
    return rankingResponse(ranking, scores, { model: request.model ?? DEFAULT_MODEL, provider: PROVIDER, scoreKind: "unknown" });
  }
}
