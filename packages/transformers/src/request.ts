/**
 * The request → response path of this package's rerankers, on core's ranking kit: the request is
 * checked there (`checkRankingRequest`) and the scores ranked there (`rankingResponse`), so these
 * rerankers answer bad input exactly as every other in-process reranker does.
 */
import type { RankingRequest, RerankResponse } from "@rerankit/core";
import { rankingResponse } from "@rerankit/core";
import { PROVIDER } from "./loader.js";

/**
 * The response of a local reranker for encoded `items` (one per distinct text of `ranking`,
 * `lengthOf` tokens each): scored `batchSize` at a time, shortest first (batches of similar
 * lengths waste less on padding; the scores do not depend on the grouping), then ranked by the
 * kit. Checks the request's signal between batches.
 */
export async function rankEncoded<T>(
  ranking: RankingRequest,
  items: readonly T[],
  lengthOf: (item: T) => number,
  batchSize: number,
  score: (batch: T[]) => Promise<Float64Array>,
  model: string,
): Promise<RerankResponse> {
  const { signal } = ranking.request;
  const scores = new Float64Array(items.length);
  const order = items.map((_, i) => i).sort((a, b) => lengthOf(items[a]!) - lengthOf(items[b]!));
  for (let start = 0; start < order.length; start += batchSize) {
    signal?.throwIfAborted();
    const slice = order.slice(start, start + batchSize);
    const batchScores = await score(slice.map((i) => items[i]!));
    slice.forEach((i, k) => {
      scores[i] = batchScores[k]!;
    });
  }
  return rankingResponse(ranking, scores, {
    model,
    provider: PROVIDER,
    scoreKind: "probability",
    usage: { requests: 0, totalTokens: items.reduce((sum, item) => sum + lengthOf(item), 0) },
  });
}
