/**
 * `cachedReranker`: the client's score cache around any {@link Reranker} (a `Bm25Reranker`, a local
 * cross-encoder, your own). It uses the same keys and the same never-failing reads and writes as
 * `RerankClient`'s cache step (key.ts, step.ts, use.ts); only the merge is its own, because a
 * `Reranker` answers a ranking, not a score table.
 */
import { RerankInputError, RerankResponseError } from "../errors.js";
import { tellWarning } from "../hooks.js";
import { checkRankingRequest, rankingResponse } from "../ranking/index.js";
import { passSelfDescription } from "../ranking/self-description.js";
import type { RerankHooks, Reranker, RerankRequest, RerankResponse, ScoreKind } from "../types.js";
import { type ScoreContext, withListHash } from "./key.js";
import { lookupScores, storeScores } from "./step.js";
import type { ScoreCache } from "./types.js";
import type { CacheWarning } from "./use.js";

/** Options of {@link cachedReranker}. */
export interface CachedRerankerOptions {
  /**
   * The provider part of every key: give two rerankers that score differently different names.
   * @default "reranker"
   */
  provider?: string;
  /**
   * The model part of every key, for a reranker that always uses one model whatever the request
   * names (a `Bm25Reranker`, a loaded cross-encoder).
   * @default the request's `model`, or "" when it has none
   */
  model?: string;
  /**
   * Seconds a fresh score stays in the cache.
   * @default the cache's own TTL
   */
  ttlSeconds?: number;
  /**
   * The wrapped reranker is listwise (a score depends on the whole list and its order, as with an
   * LLM ranking the list): nothing is read or stored, every call goes straight through.
   * @default false
   */
  listwise?: boolean;
  /**
   * Scores are per document but depend on which documents came with it (BM25: its idf and average
   * length are computed over the request's documents). Keys then cover the whole list, so only a
   * repeated identical list hits (all or nothing) and the ranking never differs from an uncached call.
   * @default false
   */
  listDependent?: boolean;
  /**
   * `onWarning` hears every cache failure (the call goes on with misses); a hook that throws is ignored.
   * A request's own `hooks.onWarning` hears them too.
   * @default none
   */
  hooks?: Pick<RerankHooks, "onWarning">;
}

/**
 * Wraps a pointwise `reranker` with a per-document score cache: each call looks its distinct
 * document texts up (keys from `scoreCacheKeys`: provider, model, instruct, query, extra body,
 * document hash), sends only the misses to `reranker` (without `topN`/`minScore`, which are applied
 * after the merge), stores their fresh scores, and ranks cached and fresh scores together exactly
 * as if all had been sent: score descending, ties by index ascending, then `minScore` and `topN`.
 * `usage.cacheHits`/`cacheMisses` count distinct texts. A cache that fails, hangs past the call's
 * `signal` or answers garbage is a miss plus a warning, never a failed call. The cache is not
 * closed by the wrapper: whoever built it closes it.
 *
 * @example
 * const reranker = cachedReranker(new MyCrossEncoder(), redisScoreCache({ url }, { ttlSeconds: 86_400 }), { model: "my-model" });
 */
export function cachedReranker(reranker: Reranker, cache: ScoreCache, options: CachedRerankerOptions = {}): Reranker {
  const { provider = "reranker", ttlSeconds, listwise = false, listDependent = false, hooks } = options;
  if (ttlSeconds !== undefined && (!Number.isInteger(ttlSeconds) || ttlSeconds < 1)) {
    throw new RerankInputError(`cachedReranker: ttlSeconds must be a positive integer (got ${ttlSeconds})`, { field: "ttlSeconds" });
  }
  // What a call served wholly from the cache answers for model, provider and scoreKind: the last
  // fresh response's, as the same reranker gave them.
  let last: { model: string; provider: string; scoreKind: ScoreKind } | undefined;

  function warn(request: RerankRequest, warning: CacheWarning | undefined): void {
    if (warning === undefined) return;
    const event = warning.error === undefined ? { message: warning.message } : { message: warning.message, error: warning.error };
    tellWarning(event, hooks?.onWarning, request.hooks?.onWarning);
  }

  // What the inner reranker says of itself (model, listDependent) passes through, so a cached
  // reranker behind `startRerankServer` is still named, and a list-dependent one still said so.
  return passSelfDescription(
    {
      async rerank(request: RerankRequest): Promise<RerankResponse> {
        // The kit's one check: bad input is named before the cache is read.
        const ranking = checkRankingRequest(request, provider);
        if (listwise || ranking.texts.length === 0) return reranker.rerank(request);
        const { unique, uniqueOf } = ranking;

        // The whole list (duplicates included: the inner reranker scores the request as given).
        const extraBody = listDependent ? await withListHash(request.extraBody, ranking.texts) : request.extraBody;
        const context: ScoreContext = {
          provider,
          endpoint: "",
          model: options.model ?? request.model ?? "",
          instruct: request.instruct,
          query: request.query,
          extraBody,
        };
        const lookup = await lookupScores(cache, context, unique, request.signal);
        warn(request, lookup.warning);

        const scores = new Float64Array(unique.length);
        const scored = new Uint8Array(unique.length);
        for (let u = 0; u < unique.length; u++) {
          const score = lookup.cached[u];
          if (score !== undefined) {
            scores[u] = score;
            scored[u] = 1;
          }
        }

        let fresh: RerankResponse | undefined;
        if (lookup.misses.length > 0) {
          // Each missing text once, as the caller's own document (its first occurrence).
          const firstIndex = new Int32Array(unique.length).fill(-1);
          for (let i = uniqueOf.length - 1; i >= 0; i--) firstIndex[uniqueOf[i]!] = i;
          const { topN: _topN, minScore: _minScore, returnDocuments: _returnDocuments, documents: _documents, ...rest } = request;
          fresh = await reranker.rerank({ ...rest, documents: lookup.misses.map((u) => request.documents[firstIndex[u]!]!) });
          for (const result of fresh.results) {
            const u = lookup.misses[result.index];
            if (u === undefined || !Number.isFinite(result.relevanceScore)) continue;
            scores[u] = result.relevanceScore;
            scored[u] = 1;
          }
          const missing = lookup.misses.filter((u) => scored[u] !== 1);
          if (missing.length > 0) {
            throw new RerankResponseError(
              `the wrapped reranker returned no score for ${missing.length} of the ${lookup.misses.length} documents it was sent`,
              { provider: fresh.provider },
            );
          }
          last = { model: fresh.model, provider: fresh.provider, scoreKind: fresh.scoreKind };
          warn(request, await storeScores(cache, lookup, scores, scored, request.signal, ttlSeconds));
        }

        const usage: RerankResponse["usage"] = fresh ? { ...fresh.usage } : { requests: 0 };
        usage.cacheHits = lookup.hits;
        usage.cacheMisses = lookup.misses.length;
        // Cached and fresh scores ranked together by the kit: sorted, checked, then minScore and topN.
        return rankingResponse(ranking, scores, {
          model: fresh?.model ?? last?.model ?? context.model,
          provider: fresh?.provider ?? last?.provider ?? provider,
          scoreKind: fresh?.scoreKind ?? last?.scoreKind ?? "unknown",
          usage,
          requestIds: fresh?.requestIds ?? [],
        });
      },
    },
    reranker,
  );
}
