/**
 * Long documents as a step of the call: in prepare, after de-duplication, every distinct text
 * longer than the window becomes its windows, and the windows (themselves de-duplicated) are what
 * gets batched, cached and sent; in merge, each document's windows' scores become its score.
 */
import { RerankInputError } from "../errors.js";
import { estimateTokens } from "../internal/batching.js";
import { documentBudget, modelWindow } from "./model-windows.js";
import { aggregateWindows, planWindows, type ResolvedLongDocuments, type WindowAggregate, type WindowPlan } from "./windows.js";

/** What merge needs to turn window scores back into document scores. */
export interface LongDocumentsPlan {
  /** The distinct document texts (what `unique` was before the windows replaced it). */
  documents: string[];
  /** `documentOf[i]` is the position in `documents` of input `i` (what `uniqueOf` was). */
  documentOf: Int32Array;
  windows: WindowPlan;
  aggregate: WindowAggregate;
  reportWindow: boolean;
}

/**
 * Splits the long texts among `unique`. Returns undefined when none is longer than the window (the
 * plan is then left as it was, and the call costs what it did without `longDocuments`).
 * Otherwise the caller replaces `unique` with `windows.windows` and keeps the rest for merge.
 */
export function splitLongDocuments(
  unique: string[],
  uniqueOf: Int32Array,
  query: string,
  model: string,
  provider: string,
  options: ResolvedLongDocuments,
): LongDocumentsPlan | undefined {
  let maxTokens = options.maxTokens;
  if (maxTokens === undefined) {
    const window = modelWindow(model, provider);
    if (window === undefined) {
      throw new RerankInputError(
        `longDocuments: no published window is known for ${model}: set longDocuments.maxTokens (the model's window less the query).`,
        { field: "longDocuments.maxTokens", provider },
      );
    }
    maxTokens = documentBudget(window, estimateTokens(query));
  }
  const overlapTokens = options.overlapTokens ?? Math.floor(maxTokens / 10);
  const windows = planWindows(unique, { maxTokens, overlapTokens: Math.min(overlapTokens, Math.floor(maxTokens / 2) - 1) });
  if (!windows.split) return undefined;
  return { documents: unique, documentOf: uniqueOf, windows, aggregate: options.aggregate, reportWindow: options.reportWindow };
}

/**
 * Scores per window → scores per distinct document, and for each the best window's number (only
 * for documents that were split; -1 for the others).
 */
export function mergeWindowScores(
  plan: LongDocumentsPlan,
  windowScores: Float64Array,
  windowScored: Uint8Array,
): { scores: Float64Array; scored: Uint8Array; bestWindow: Int32Array } {
  const { scores, scored, best } = aggregateWindows(plan.windows, windowScores, windowScored, plan.aggregate);
  const { start } = plan.windows;
  for (let d = 0; d < best.length; d++) if (start[d + 1]! - start[d]! < 2) best[d] = -1;
  return { scores, scored, bestWindow: best };
}
