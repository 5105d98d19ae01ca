import { RerankResponseError } from "./errors.js";
import type { RerankResponse } from "./types.js";

/**
 * Checks what any {@link Reranker} returned for `documentCount` documents: every index an integer
 * in range and unique, every score finite. `RerankClient` checks provider replies itself; adapters
 * and the server call this so that a custom reranker cannot lose or invent documents either.
 *
 * @throws RerankResponseError naming the offending index.
 * @example checkRerankResponse(await reranker.rerank(request), request.documents.length);
 */
export function checkRerankResponse(response: RerankResponse, documentCount: number): void {
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
}
