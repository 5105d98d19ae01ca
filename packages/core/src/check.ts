import { RerankResponseError } from "./errors.js";
import type { RerankResponse } from "./types.js";

/** What {@link checkRerankResponse} expects: the document count, and the call's topN and minScore. */
export interface RerankExpectation {
  documents: number;
  topN?: number | undefined;
  minScore?: number | undefined;
}

/**
 * Checks what any {@link Reranker} returned for a request: every index an integer in range and
 * unique, every score finite, and no document lost: without `minScore`, the results number
 * `documents` (at most `topN`). `RerankClient` checks provider replies itself; adapters and the
 * server call this so that a custom reranker cannot lose or invent documents either.
 *
 * @param expected The request's document count, or `{ documents, topN?, minScore? }`. A bare
 *   number checks indices and scores only.
 * @throws RerankResponseError naming the offending index, or the count.
 * @example checkRerankResponse(await reranker.rerank(request), { documents: request.documents.length, topN: request.topN });
 */
export function checkRerankResponse(response: RerankResponse, expected: number | RerankExpectation): void {
  const documentCount = typeof expected === "number" ? expected : expected.documents;
  const seen = new Uint8Array(documentCount);
  for (const { index, relevanceScore } of response.results) {
    if (!Number.isInteger(index) || index < 0 || index >= documentCount || seen[index] === 1) {
      throw new RerankResponseError(
        `The reranker returned result index ${index} for ${documentCount} documents (out of range or repeated).`,
        { provider: response.provider },
      );
    }
    seen[index] = 1;
    if (!Number.isFinite(relevanceScore)) {
      throw new RerankResponseError(`The reranker returned a non-finite score for index ${index}.`, { provider: response.provider });
    }
  }
  if (typeof expected === "number" || expected.minScore !== undefined) return;
  const want = Math.min(expected.topN ?? documentCount, documentCount);
  if (response.results.length < want) {
    throw new RerankResponseError(
      `The reranker returned ${response.results.length} results for ${documentCount} documents (expected ${want}${expected.topN === undefined ? "" : ` with topN ${expected.topN}`}): documents would be lost.`,
      { provider: response.provider },
    );
  }
}
