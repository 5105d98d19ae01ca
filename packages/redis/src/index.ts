export { redisScoreCache, type RedisScoreCacheOptions } from "./cache.js";
export { keyvScoreCache, type KeyvLike, type KeyvScoreCacheOptions } from "./keyv.js";
export { redisRateLimitStore, type RedisRateLimitStoreOptions, SLIDING_WINDOW_LUA } from "./rate-limit.js";
export type { RedisConnection, RedisOptions } from "./connection.js";
