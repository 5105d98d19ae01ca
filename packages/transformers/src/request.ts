/**
 * Request checks and ranking shared by the rerankers of this package. Core keeps its own versions
 * internal, so these follow the same rules (DESIGN.md: every bad field is a RerankInputError naming
 * it; a blank query with documents is an error; empty in, empty out).
 */
import { RerankInputError, type RerankRequest, type RerankResponse, type RerankResult } from "@rerankit/core";

export const PROVIDER = "transformers";

/** Checks `request` and returns the text of each document. */
export function documentTexts(request: RerankRequest): string[] {
  const fail = (field: string, what: string): never => {
    throw new RerankInputError(`Invalid rerank request: ${field} ${what}.`, { field, provider: PROVIDER });
  };
  if (typeof request !== "object" || request === null) fail("request", "must be an object");
  if (typeof request.query !== "string") fail("query", "must be a string");
  if (!Array.isArray(request.documents)) fail("documents", "must be an array");
  const { topN, minScore } = request;
  if (topN !== undefined && !(Number.isSafeInteger(topN) && topN > 0)) fail("topN", "must be a positive integer");
  if (minScore !== undefined && !(typeof minScore === "number" && Number.isFinite(minScore))) fail("minScore", "must be a finite number");
  if (request.model !== undefined && (typeof request.model !== "string" || request.model === ""))
    fail("model", "must be a non-empty string");
  if (request.signal !== undefined && !(request.signal instanceof AbortSignal)) fail("signal", "must be an AbortSignal");
  const texts = request.documents.map((doc, i) => {
    const text = typeof doc === "string" ? doc : typeof doc === "object" && doc !== null && !Array.isArray(doc) ? doc.text : undefined;
    const field = typeof doc === "object" && doc !== null ? `documents[${i}].text` : `documents[${i}]`;
    if (typeof text !== "string") return fail(field, "must be a string");
    if (text.trim() === "") return fail(field, "must not be blank");
    return text;
  });
  if (texts.length > 0 && request.query.trim() === "") fail("query", "must not be blank");
  return texts;
}

/** Sorted results (score descending, ties by index), then `minScore` and `topN`. */
export function rankScores(scores: ArrayLike<number>, request: RerankRequest): RerankResult[] {
  const order = Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  const results: RerankResult[] = [];
  for (const index of order) {
    if (request.minScore !== undefined && scores[index]! < request.minScore) continue;
    if (request.topN !== undefined && results.length >= request.topN) break;
    const result: RerankResult = { index, relevanceScore: scores[index]! };
    if (request.returnDocuments) result.document = request.documents[index];
    results.push(result);
  }
  return results;
}

/**
 * The response of a local reranker for encoded `items` (one per document, `lengthOf` tokens each): scored `batchSize` at a
 * time, shortest first (batches of similar lengths waste less on padding; the scores do not depend
 * on the grouping), then ranked. Checks the request's signal between batches.
 */
export async function rankEncoded<T>(
  items: readonly T[],
  lengthOf: (item: T) => number,
  batchSize: number,
  score: (batch: T[]) => Promise<Float64Array>,
  request: RerankRequest,
  model: string,
): Promise<RerankResponse> {
  const scores = new Float64Array(items.length);
  const order = items.map((_, i) => i).sort((a, b) => lengthOf(items[a]!) - lengthOf(items[b]!));
  for (let start = 0; start < order.length; start += batchSize) {
    request.signal?.throwIfAborted();
    const slice = order.slice(start, start + batchSize);
    const batchScores = await score(slice.map((i) => items[i]!));
    slice.forEach((i, k) => {
      scores[i] = batchScores[k]!;
    });
  }
  return {
    results: rankScores(scores, request),
    model,
    provider: PROVIDER,
    scoreKind: "probability",
    usage: { requests: 0, totalTokens: items.reduce((sum, item) => sum + lengthOf(item), 0) },
    requestIds: [],
  };
}
