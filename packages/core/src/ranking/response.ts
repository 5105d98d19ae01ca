/** The response half of the ranking kit: scores in, a checked, sorted, cut response out. */
import { checkRerankResponse } from "../check.js";
import { RerankResponseError } from "../errors.js";
import { rankResults } from "../call/merge.js";
import type { RerankResponse, RerankUsage, ScoreKind } from "../types.js";
import type { RankingRequest } from "./request.js";

/** What {@link rankingResponse} reports beside the results. */
export interface RankingResponseInit {
  /** The model that scored, as the response's `model`. */
  model: string;
  /** The response's `provider`, e.g. `"bm25"`. */
  provider: string;
  /** What the scores are: `"probability"` only when they are. */
  scoreKind: ScoreKind;
  /** @default { requests: 0 } (nothing went over the network) */
  usage?: RerankUsage;
  /** @default [] */
  requestIds?: string[];
}

/**
 * The response for `scores`, one per distinct text (`ranking.unique[u]` scored `scores[u]`):
 * every document gets its text's score, results are sorted by score descending (ties by index
 * ascending), checked by `checkRerankResponse`'s rules (a non-finite score is a
 * `RerankResponseError` naming the document, whether or not `topN` would have cut it), then
 * `minScore` drops what scores below it and `topN` cuts. With `returnDocuments` each result
 * carries the caller's own document.
 *
 * @throws RerankResponseError when `scores` does not hold one finite score per distinct text.
 * @example return rankingResponse(ranking, scores, { model: "my-model", provider: "mine", scoreKind: "probability" });
 */
export function rankingResponse(ranking: RankingRequest, scores: ArrayLike<number>, init: RankingResponseInit): RerankResponse {
  const { provider } = init;
  if (scores.length !== ranking.unique.length) {
    throw new RerankResponseError(`The reranker scored ${scores.length} texts for ${ranking.unique.length} distinct documents.`, {
      provider,
    });
  }
  const { request, uniqueOf, topN, minScore } = ranking;
  const uniqueScores = scores instanceof Float64Array ? scores : Float64Array.from(scores);
  let results = rankResults(uniqueScores, new Uint8Array(uniqueScores.length).fill(1), uniqueOf, {
    documents: request.returnDocuments ? request.documents : undefined,
  });
  const response: RerankResponse = {
    results,
    model: init.model,
    provider,
    scoreKind: init.scoreKind,
    usage: init.usage ?? { requests: 0 },
    requestIds: init.requestIds ?? [],
  };
  // Every document, before anything is cut: one rule with the client's and the adapters' check.
  checkRerankResponse(response, { documents: uniqueOf.length });
  if (minScore !== undefined) results = results.filter((r) => r.relevanceScore >= minScore);
  if (topN !== undefined && results.length > topN) results.length = topN;
  response.results = results;
  return response;
}
