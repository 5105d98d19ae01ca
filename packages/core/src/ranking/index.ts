/**
 * The ranking kit: what every in-process reranker shares (BM25, the local models, the server's
 * routes, the eval rerankers, `cachedReranker`, yours). Check the request once
 * ({@link checkRankingRequest}), score the distinct texts, and let {@link rankingResponse} sort,
 * check and cut. See the README's "Write your own reranker" section.
 */
export { checkRankingRequest, type RankingRequest } from "./request.js";
export { rankingResponse, type RankingResponseInit } from "./response.js";
