import { estimateTokens } from "./internal/batching.js";

/**
 * The tokens a rerank request is estimated to cost: the query once per document plus every
 * document, with the estimate batches are sized by (one token per CJK character, one per four
 * other characters; generous on purpose). For a server to report `usage` when its reranker counts
 * none (`rerankit serve` with BM25).
 */
export function estimateRerankTokens(query: string, documents: readonly string[]): number {
  let total = estimateTokens(query) * documents.length;
  for (const document of documents) total += estimateTokens(document);
  return total;
}
