import type { ScoreCache } from "@rerankit/core";

/**
 * The part of a Keyv instance (https://keyv.org, v5) the cache uses, so any Keyv store works:
 * SQLite, Postgres, MySQL, Mongo, Redis, Valkey, Etcd, or the default in-memory Map.
 */
export interface KeyvLike {
  getMany(keys: string[]): Promise<unknown[]>;
  setMany(entries: { key: string; value: unknown; ttl?: number }[]): Promise<unknown>;
}

/** Options of {@link keyvScoreCache}. */
export interface KeyvScoreCacheOptions {
  /** Seconds a score stays. @default the Keyv instance's own `ttl` (none: kept until deleted) */
  ttlSeconds?: number;
}

/**
 * A {@link ScoreCache} on any Keyv store. The cache never closes the Keyv instance: whoever
 * created it disconnects it.
 *
 * @example
 * import Keyv from "keyv";
 * import KeyvSqlite from "@keyv/sqlite";
 * const cache = keyvScoreCache(new Keyv({ store: new KeyvSqlite("sqlite://scores.sqlite"), namespace: "rerank" }));
 */
export function keyvScoreCache(keyv: KeyvLike, options: KeyvScoreCacheOptions = {}): ScoreCache {
  if (keyv === null || typeof keyv?.getMany !== "function" || typeof keyv.setMany !== "function") {
    throw new TypeError("keyvScoreCache: pass a Keyv instance (keyv 5 or later)");
  }
  const ttlMs = options.ttlSeconds === undefined ? undefined : options.ttlSeconds * 1000;
  return {
    async getMany(keys) {
      if (keys.length === 0) return [];
      const values = await keyv.getMany([...keys]);
      return values.map((v) => (typeof v === "number" ? v : undefined));
    },
    async setMany(entries, operation) {
      if (entries.length === 0) return;
      const ttl = operation?.ttlSeconds === undefined ? ttlMs : operation.ttlSeconds * 1000;
      await keyv.setMany(entries.map(([key, value]) => (ttl === undefined ? { key, value } : { key, value, ttl })));
    },
  };
}
