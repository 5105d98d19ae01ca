export type { ScoreCache, ScoreCacheOperationOptions } from "./types.js";
export {
  scoreCacheKeys,
  scoreContextHash,
  sha256Hex,
  sha256HexWebCrypto,
  canonicalJson,
  SCORE_KEY_PREFIX,
  type ScoreContext,
} from "./key.js";
export { memoryScoreCache, type MemoryScoreCacheOptions } from "./memory.js";
export { readCachedScores, writeCachedScores, type CacheWarning } from "./use.js";
export { lookupScores, storeScores, type CacheLookup } from "./step.js";
