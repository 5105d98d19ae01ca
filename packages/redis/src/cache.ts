import type { ScoreCache } from "@rerankit/core";
import { type RedisConnection, type RedisOptions, connect } from "./connection.js";

/** Options of {@link redisScoreCache}. */
export interface RedisScoreCacheOptions extends RedisOptions {
  /**
   * Seconds a score stays in Redis.
   * @example 86_400 // a day
   */
  ttlSeconds: number;
}

/**
 * A {@link ScoreCache} in Redis or Valkey, shared by every worker: one `MGET` per call for the
 * lookups, one pipelined `SET … EX` for the fresh scores. Keys hold hashes only (never the API
 * key, the query or a document's text). A slow or absent Redis is a miss, never a failed call.
 *
 * @example
 * const cache = redisScoreCache({ url: process.env.REDIS_URL! }, { ttlSeconds: 86_400 });
 * const client = new RerankClient({ provider: "siliconflow", cache });
 * // …at shutdown (the cache owns the connection it opened from the URL):
 * await cache.close();
 */
export function redisScoreCache(where: RedisConnection, options: RedisScoreCacheOptions): ScoreCache & { close(): Promise<void> } {
  const ttlSeconds = options?.ttlSeconds;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new TypeError(`redisScoreCache: ttlSeconds must be a positive integer (got ${ttlSeconds})`);
  }
  const connection = connect(where, options.timeoutMs ?? 250, "redisScoreCache");
  const { client } = connection;
  return {
    async getMany(keys, operation) {
      if (keys.length === 0) return [];
      operation?.signal?.throwIfAborted();
      if (!connection.ready()) throw connection.notReady();
      const values = await client.mget(...keys).catch((error: unknown) => {
        throw connection.explain(error);
      });
      return values.map((v) => (v === null ? undefined : Number(v)));
    },
    async setMany(entries, operation) {
      if (entries.length === 0) return;
      operation?.signal?.throwIfAborted();
      if (!connection.ready()) throw connection.notReady();
      const ttl = operation?.ttlSeconds ?? ttlSeconds;
      const pipeline = client.pipeline();
      // String(score) is the shortest text that reads back as the same double.
      for (const [key, score] of entries) pipeline.set(key, String(score), "EX", ttl);
      const results = await pipeline.exec().catch((error: unknown) => {
        throw connection.explain(error);
      });
      const failed = results?.find(([error]) => error !== null);
      if (failed) throw connection.explain(failed[0]);
    },
    close: () => connection.close(),
  };
}
