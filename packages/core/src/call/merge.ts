/** Stage 4 of a call: batch and cached scores into one global ranking, and the call's cost. Pure. */
import type { ResolvedOptions } from "../internal/options.js";
import { type LongDocumentsPlan, mergeWindowScores } from "../long-documents/step.js";
import { costOf, priceFor, type RerankCost } from "../pricing.js";
import type { RerankDocument, RerankResult, RerankUsage } from "../types.js";
import { estimateRerankTokens } from "../usage.js";
import type { CallPlan } from "./prepare.js";

/**
 * Expands scores of distinct texts back to every input position, then sorts by score descending
 * (ties by index ascending), drops scores below `minScore` and keeps `topN`.
 * `uniqueScores[u]` is undefined for texts the provider did not return (it was asked for a top-N).
 */
export function rankResults(
  uniqueScores: Float64Array,
  scored: Uint8Array,
  uniqueOf: Int32Array,
  options: {
    topN?: number | undefined;
    minScore?: number | undefined;
    documents?: readonly RerankDocument[] | undefined;
    /**
     * Only when there are no duplicates (`uniqueOf[i] === i`): every scored position, in the order
     * the provider reported them. The sort's result is the same for any starting order (the
     * comparison is total); starting from the providers' own best-first runs makes it cheaper.
     */
    reported?: Int32Array | undefined;
  },
): RerankResult[] {
  const { minScore, documents, reported } = options;
  const results: RerankResult[] = [];
  const add = (i: number, score: number) => {
    if (minScore !== undefined && score < minScore) return;
    results.push(documents ? { index: i, relevanceScore: score, document: documents[i]! } : { index: i, relevanceScore: score });
  };
  if (reported !== undefined) {
    for (let k = 0; k < reported.length; k++) {
      const i = reported[k]!;
      add(i, uniqueScores[i]!);
    }
  } else {
    for (let i = 0; i < uniqueOf.length; i++) {
      const u = uniqueOf[i]!;
      if (scored[u] === 1) add(i, uniqueScores[u]!);
    }
  }
  results.sort(compareResults);
  if (options.topN !== undefined && results.length > options.topN) results.length = options.topN;
  return results;
}

export function compareResults(a: RerankResult, b: RerankResult): number {
  return b.relevanceScore - a.relevanceScore || a.index - b.index;
}

/**
 * A score per unique text of a call's plan: the cache step fills its hits before anything is
 * sent, the batches fill the rest as they answer (with long documents, the entries are windows,
 * aggregated per document in {@link mergeResults}).
 */
export class ScoreTable {
  readonly scores: Float64Array;
  readonly scored: Uint8Array;
  /** With no duplicates: positions in the order the provider reported them (see `rankResults`). */
  readonly #reported: Int32Array | undefined;
  #reportedCount = 0;

  constructor(uniqueCount: number, documents: number) {
    this.scores = new Float64Array(uniqueCount);
    this.scored = new Uint8Array(uniqueCount);
    // With no duplicates, results are ranked starting from the order the provider reported them
    // (best first within each batch): the sort then merges sorted runs (~3× faster for 10,000).
    this.#reported = uniqueCount === documents ? new Int32Array(uniqueCount) : undefined;
  }

  set(u: number, score: number): void {
    this.scores[u] = score;
    this.scored[u] = 1;
    if (this.#reported) this.#reported[this.#reportedCount++] = u;
  }

  get reported(): Int32Array | undefined {
    return this.#reported?.subarray(0, this.#reportedCount);
  }
}

/** The last stage: scores per unique text → the call's ranked results (sorted, `minScore`, `topN`). */
export function mergeResults(
  table: ScoreTable,
  uniqueOf: Int32Array,
  request: {
    topN: number | undefined;
    minScore?: number | undefined;
    returnDocuments?: boolean | undefined;
    documents: readonly RerankDocument[];
    /** When long documents were split: the table holds window scores, aggregated here per document. */
    longDocuments?: LongDocumentsPlan | undefined;
  },
): RerankResult[] {
  if (request.longDocuments) return mergeWindows(table, request.longDocuments, request);
  return rankResults(table.scores, table.scored, uniqueOf, {
    topN: request.topN,
    minScore: request.minScore,
    documents: request.returnDocuments ? request.documents : undefined,
    reported: table.reported,
  });
}

/** Window scores → one score per document (the plan's aggregate), ranked; the best window on request. */
function mergeWindows(
  table: ScoreTable,
  plan: LongDocumentsPlan,
  request: {
    topN: number | undefined;
    minScore?: number | undefined;
    returnDocuments?: boolean | undefined;
    documents: readonly RerankDocument[];
  },
): RerankResult[] {
  const { scores, scored, bestWindow } = mergeWindowScores(plan, table.scores, table.scored);
  const results = rankResults(scores, scored, plan.documentOf, {
    topN: request.topN,
    minScore: request.minScore,
    documents: request.returnDocuments ? request.documents : undefined,
  });
  if (plan.reportWindow) {
    for (const result of results) {
      const best = bestWindow[plan.documentOf[result.index]!]!;
      if (best >= 0) result.window = best;
    }
  }
  return results;
}

/**
 * The call's cost from the model's price (the client's `price`, else the published one), or
 * undefined when none is known. The planner's token estimate stands in only when the provider
 * reported no tokens (`estimatedTokens`: the estimate already counted for the rate limiter, 0 if
 * none; computed here then, off the hot path).
 */
export function callCost(
  o: ResolvedOptions,
  plan: CallPlan,
  model: string | undefined,
  usage: RerankUsage,
  estimatedTokens: number,
): RerankCost | undefined {
  const price = model === undefined ? undefined : priceFor(o.provider, model, o.price);
  if (price === undefined) return undefined;
  let tokens = estimatedTokens;
  if (usage.totalTokens === undefined && price.perMillionTokens !== undefined && tokens === 0) {
    tokens = estimateRerankTokens(
      plan.query,
      plan.batches.flat().map((u) => plan.unique[u]!),
    );
  }
  return costOf(price, usage, tokens);
}
