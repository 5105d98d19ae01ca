/** The request half of the ranking kit: one check for every in-process reranker. */
import { RerankInputError } from "../errors.js";
import { deduplicate } from "../internal/batching.js";
import { checkQuery, validateRequest } from "../internal/validate.js";
import type { RerankRequest } from "../types.js";

/**
 * A request an in-process reranker may score, as {@link checkRankingRequest} returns it: every
 * field checked, the documents as texts, identical texts once, and `topN` already clamped.
 */
export interface RankingRequest {
  /** The request as the caller gave it (never mutated). */
  readonly request: RerankRequest;
  /** The query; non-blank whenever there are documents. */
  readonly query: string;
  /** The text of each document, in input order. */
  readonly texts: readonly string[];
  /** The distinct texts, in order of first appearance: score these, once each. */
  readonly unique: readonly string[];
  /** `uniqueOf[i]` is the position in `unique` of document `i`. */
  readonly uniqueOf: Int32Array;
  /** `min(topN, documents)`, computed once; undefined for "every document". */
  readonly topN: number | undefined;
  /** The request's `minScore` (finite), if any. */
  readonly minScore: number | undefined;
  /** The request's `instruct` (with some non-space text), if any. */
  readonly instruct: string | undefined;
}

/**
 * Checks a rerank request for an in-process reranker, by the same rules `RerankClient` applies
 * before sending: every field of {@link RerankRequest} (`topN` a positive integer, `minScore`
 * finite, `instruct` and `model` non-empty strings, …), each document a non-blank string or an
 * object with a non-blank string `text` (a LangChain `pageContent` document is named as such), a
 * blank query with documents, and a blank `instruct`. Each is a `RerankInputError` whose `field`
 * names the input (`"documents[3].text"`). Then an aborted `signal` rejects with its reason.
 *
 * No documents is not an error: `texts` is empty and the response has no results.
 *
 * @param provider Named in the errors (`error.provider`), e.g. `"bm25"`.
 * @throws RerankInputError naming the first bad field.
 * @example
 * const ranking = checkRankingRequest(request, "my-reranker");
 * const scores = ranking.unique.map((text) => myScore(ranking.query, text));
 * return rankingResponse(ranking, scores, { model: "my-model", provider: "my-reranker", scoreKind: "unknown" });
 */
export function checkRankingRequest(request: RerankRequest, provider: string): RankingRequest {
  const texts = validateRequest(request, provider);
  const { query, topN, minScore, instruct } = request;
  if (texts.length > 0) checkQuery(query, provider);
  if (instruct !== undefined && instruct.trim() === "") {
    throw new RerankInputError("Invalid rerank request: instruct must be a non-empty string.", { field: "instruct", provider });
  }
  request.signal?.throwIfAborted();
  const { unique, uniqueOf } = deduplicate(texts);
  return {
    request,
    query,
    texts,
    unique,
    uniqueOf,
    topN: topN === undefined ? undefined : Math.min(topN, texts.length),
    minScore,
    instruct,
  };
}
