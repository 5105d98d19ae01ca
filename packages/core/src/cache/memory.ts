import { LRUCache } from "lru-cache";
import { RerankInputError } from "../errors.js";
import type { ScoreCache } from "./types.js";

/** Options of {@link memoryScoreCache}. */
export interface MemoryScoreCacheOptions {
  /** Scores kept; the least recently used go first. @default 100000 */
  maxEntries?: number;
  /** Seconds a score stays; 0 keeps it until evicted. @default 0 */
  ttlSeconds?: number;
}

/**
 * An in-process {@link ScoreCache} on `lru-cache`: bounded by `maxEntries`, optionally expiring.
 * One process only; share scores across workers with `redisScoreCache` from `@rerankit/redis`.
 *
 * @example
 * const client = new RerankClient({ provider: "cohere", cache: memoryScoreCache({ maxEntries: 50_000 }) });
 */
export function memoryScoreCache(options: MemoryScoreCacheOptions = {}): ScoreCache {
  const maxEntries = options.maxEntries ?? 100_000;
  const ttlSeconds = options.ttlSeconds ?? 0;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new RerankInputError(`memoryScoreCache: maxEntries must be a positive integer (got ${maxEntries})`, { field: "maxEntries" });
  }
  if (!Number.isFinite(ttlSeconds) || ttlSeconds < 0) {
    throw new RerankInputError(`memoryScoreCache: ttlSeconds must be 0 or more (got ${ttlSeconds})`, { field: "ttlSeconds" });
  }
  const lru = new LRUCache<string, number>({ max: maxEntries, ttl: ttlSeconds * 1000, ttlAutopurge: false });
  return {
    async getMany(keys) {
      return keys.map((key) => lru.get(key));
    },
    async setMany(entries, setOptions) {
      const ttl = setOptions?.ttlSeconds === undefined ? undefined : setOptions.ttlSeconds * 1000;
      for (const [key, score] of entries) lru.set(key, score, ttl === undefined ? undefined : { ttl });
    },
  };
}
