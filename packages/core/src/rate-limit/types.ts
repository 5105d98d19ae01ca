/** The rate-limit store contract: where the sliding windows and fleet pauses live. */

/** One budget: `limit` points (requests or estimated tokens) in any `windowMs`. */
export interface RateLimitBudget {
  /** A stable name for the budget, e.g. `"requests"` or `"tokens"`; part of the store key. */
  name: string;
  limit: number;
  windowMs: number;
}

export type RateLimitDecision =
  | {
      ok: true;
      /** Where the points went: pass it back to `adjust` to correct them. */
      bucket: number;
      /** Set when the shared store failed and a per-process limit decided instead. */
      fallback?: { message: string; error?: unknown };
    }
  | {
      ok: false;
      /** When to ask again; Infinity when the cost can never fit (it exceeds the limit). */
      retryInMs: number;
      fallback?: { message: string; error?: unknown };
    };

/**
 * Holds sliding windows (one per budget and key) and fleet-wide pauses. `memoryRateLimitStore()`
 * serves one process; `redisRateLimitStore()` from `@rerankit/redis` serves a fleet. Keys are
 * built by the limiter from the provider and a hash of the API key, never the key itself.
 */
export interface RateLimitStore {
  /** Admits `cost` points into the window of `key` if they fit, atomically. */
  consume(key: string, cost: number, budget: RateLimitBudget): Promise<RateLimitDecision>;
  /** Adds `delta` (negative: gives back) to the points of a bucket `consume` returned. */
  adjust(key: string, bucket: number, delta: number, budget: RateLimitBudget): Promise<void>;
  /** Pauses `key` for `ms` (a provider's Retry-After) for every process sharing the store. */
  pause(key: string, ms: number): Promise<void>;
  /** Milliseconds `key` stays paused (0 when it is not). */
  pausedFor(key: string): Promise<number>;
  /** Releases what the store owns (a connection it opened). Never called by `RerankClient.close()`. */
  close?(): Promise<void>;
}

/** `RerankClientOptions.rateLimit`. */
export interface RateLimitOptions {
  /**
   * Requests (retries included) allowed in any 60-second window, for this provider and API key.
   * @example 2_000
   */
  requestsPerMinute?: number;
  /**
   * Estimated tokens (the batch planner's estimate, corrected by the provider's reported usage)
   * allowed in any 60-second window.
   * @example 500_000
   */
  tokensPerMinute?: number;
  /**
   * The longest fleet pause a provider's 429 can set, in milliseconds. A `Retry-After` longer
   * than this (`86400`, or an HTTP date in 9999) pauses every process sharing the store for this
   * long only; the call that got the 429 still fails at once when the provider's own wait passes
   * its deadline. `0` turns fleet pauses off. Without an API key (a self-hosted server) the pause
   * holds for that server's URL only.
   * @default 60_000 (the window of the limits)
   * @example 5_000
   */
  maxPauseMs?: number;
  /**
   * Where the windows live. @default an in-memory store for this client alone
   * @example redisRateLimitStore({ url: process.env.REDIS_URL }) // from @rerankit/redis: shared by the fleet
   */
  store?: RateLimitStore;
}
