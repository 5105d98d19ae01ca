export type { RateLimitBudget, RateLimitDecision, RateLimitOptions, RateLimitStore } from "./types.js";
export { memoryRateLimitStore, SlidingWindowMemoryLimiter, WindowRes, consumeWith, BUCKET_MS } from "./memory-store.js";
export {
  admit as admitToWindow,
  adjust as adjustWindow,
  countedRange,
  type WindowBuckets,
  type WindowRule,
  type WindowDecision,
} from "./window.js";
export { RerankRateLimiter, type RateLimitPermit, type RateLimiterContext } from "./limiter.js";
