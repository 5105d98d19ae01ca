import { RerankError, RerankInputError, RerankResponseError } from "./errors.js";
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

/**
 * The one passthrough rule of the adapters (`onError: "passthrough"` in `RerankCompressor` and
 * `RerankPostprocessor`): ride out every failure of the rerank API or its transport (any
 * `RerankError`) and a missing query (nothing to rank by: a `RerankInputError` on `query`), by
 * keeping the retrieval order. Never the caller's other bad input, an abort or a bug: those throw.
 */
export function isPassthroughError(error: unknown): boolean {
  if (!RerankError.isInstance(error)) return false;
  return !RerankInputError.isInstance(error) || error.field === "query";
}
