/**
 * The score cache contract. A score is stored per (provider, endpoint, model, instruct, query,
 * extra body, document text): see {@link scoreCacheKeys}. Implementations: `memoryScoreCache` in
 * core; `redisScoreCache` and `keyvScoreCache` in `@rerankit/redis`.
 */

/** Options of one cache operation. */
export interface ScoreCacheOperationOptions {
  /** Aborted when the call's deadline passes or the caller aborts: stop waiting and give up. */
  signal?: AbortSignal;
}

/**
 * A store of relevance scores keyed by strings from {@link scoreCacheKeys}. A cache that fails
 * may throw or reject: the client then treats every key as a miss (or skips the store), reports
 * the failure through `hooks.onWarning`, and the call goes on.
 */
export interface ScoreCache {
  /** The scores of `keys`, in the same order: `undefined` for a miss. */
  getMany(keys: readonly string[], options?: ScoreCacheOperationOptions): Promise<(number | undefined)[]>;
  /** Stores scores; each entry expires after the cache's TTL (or `ttlSeconds`, when given). */
  setMany(
    entries: readonly (readonly [key: string, score: number])[],
    options?: ScoreCacheOperationOptions & { ttlSeconds?: number },
  ): Promise<void>;
  /**
   * Releases what the cache owns (a connection it opened from a URL). A cache handed a client by
   * the caller never closes it. `RerankClient.close()` never calls this: whoever built the cache
   * closes it.
   */
  close?(): Promise<void>;
}
