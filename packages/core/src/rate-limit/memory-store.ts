import { RateLimiterRedis, RateLimiterRes, type RateLimiterStoreAbstract } from "rate-limiter-flexible";
import { admit, adjust as adjustWindow, type WindowBuckets, type WindowRule } from "./window.js";
import type { RateLimitBudget, RateLimitStore } from "./types.js";

/** Bucket size of every window: 1 s (about 1.6 % of a 60 s window's throughput, see window.ts). */
export const BUCKET_MS = 1000;

/**
 * rate-limiter-flexible's base of every store limiter (it keeps the insurance-limiter failover).
 * Its types export it but its index does not: reach it through RateLimiterRedis, its subclass.
 */
const StoreLimiterBase = Object.getPrototypeOf(RateLimiterRedis) as typeof RateLimiterStoreAbstract;
if (StoreLimiterBase?.name !== "RateLimiterStoreAbstract") {
  throw new Error("rate-limiter-flexible: RateLimiterRedis no longer extends RateLimiterStoreAbstract; this version is not supported");
}

/** A rate-limiter-flexible result that also says which bucket the points went to. */
export class WindowRes extends RateLimiterRes {
  bucket = 0;
}

/**
 * The sliding-window rule of window.ts as a rate-limiter-flexible store limiter, kept in this
 * process. `@rerankit/redis` uses it as the `insuranceLimiter` of its Redis limiter, so a fleet
 * whose Redis fails keeps a per-process limit.
 */
export class SlidingWindowMemoryLimiter extends StoreLimiterBase {
  readonly rule: WindowRule;
  readonly #windows = new Map<string, WindowBuckets>();
  readonly #now: () => number;

  constructor(options: { limit: number; windowMs: number; keyPrefix?: string; now?: () => number }) {
    super({
      points: options.limit,
      duration: Math.ceil(options.windowMs / 1000),
      keyPrefix: options.keyPrefix ?? "rerankit:rl",
      storeClient: {},
      inMemoryBlockOnConsumed: 0,
    });
    this.rule = { limit: options.limit, windowMs: options.windowMs, bucketMs: BUCKET_MS };
    this.#now = options.now ?? Date.now;
  }

  /** rate-limiter-flexible's store hook: here the whole decision, answered as [points used, ms before next, bucket]. */
  async _upsert(rlKey: string, points: number): Promise<[number, number, number]> {
    let buckets = this.#windows.get(rlKey);
    if (buckets === undefined) {
      buckets = new Map();
      this.#windows.set(rlKey, buckets);
    }
    const decision = admit(buckets, this.#now(), points, this.rule);
    if (buckets.size === 0) this.#windows.delete(rlKey);
    if (decision.ok) return [decision.used, 0, decision.bucket];
    // Over the limit: rate-limiter-flexible rejects a result whose points exceed `points`.
    return [this.rule.limit + 1, Math.min(decision.retryInMs, Number.MAX_SAFE_INTEGER), 0];
  }

  _getRateLimiterRes(_rlKey: string, _changedPoints: number, result: [number, number, number]): WindowRes {
    const res = new WindowRes(Math.max(this.rule.limit - result[0], 0), result[1], result[0], false);
    res.bucket = result[2];
    return res;
  }

  adjust(key: string, bucket: number, delta: number): void {
    const buckets = this.#windows.get(this.getKey(key));
    if (buckets !== undefined) adjustWindow(buckets, this.#now(), bucket, delta, this.rule);
  }

  /** Keys with points still in their window (for leak checks). */
  get size(): number {
    return this.#windows.size;
  }
}

/**
 * Runs one consume on a rate-limiter-flexible limiter and reads its answer: a resolved result is
 * admitted, a rejected {@link RateLimiterRes} is refused (with its wait), anything else is the
 * store's own failure and is thrown.
 */
export async function consumeWith(
  limiter: RateLimiterStoreAbstract,
  key: string,
  cost: number,
): Promise<{ ok: true; bucket: number } | { ok: false; retryInMs: number }> {
  try {
    const res = (await limiter.consume(key, cost)) as WindowRes;
    return { ok: true, bucket: res.bucket };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      const retryInMs = rejection.msBeforeNext >= Number.MAX_SAFE_INTEGER ? Number.POSITIVE_INFINITY : rejection.msBeforeNext;
      return { ok: false, retryInMs };
    }
    throw rejection;
  }
}

/**
 * An in-process {@link RateLimitStore}: what a client uses when `rateLimit.store` is not set.
 * Each process (and each client without a shared store) then keeps its own windows.
 */
export function memoryRateLimitStore(options: { now?: () => number } = {}): RateLimitStore & { readonly size: number } {
  const limiters = new Map<string, SlidingWindowMemoryLimiter>();
  const pauses = new Map<string, number>();
  const now = options.now ?? Date.now;
  const limiterFor = (budget: RateLimitBudget) => {
    const id = `${budget.name}:${budget.limit}:${budget.windowMs}`;
    let limiter = limiters.get(id);
    if (limiter === undefined) {
      limiter = new SlidingWindowMemoryLimiter({
        limit: budget.limit,
        windowMs: budget.windowMs,
        keyPrefix: `rerankit:rl:${budget.name}`,
        now,
      });
      limiters.set(id, limiter);
    }
    return limiter;
  };
  return {
    consume: (key, cost, budget) => consumeWith(limiterFor(budget), key, cost),
    async adjust(key, bucket, delta, budget) {
      limiterFor(budget).adjust(key, bucket, delta);
    },
    async pause(key, ms) {
      const until = now() + ms;
      if ((pauses.get(key) ?? 0) < until) pauses.set(key, until);
    },
    async pausedFor(key) {
      const until = pauses.get(key);
      if (until === undefined) return 0;
      const left = until - now();
      if (left <= 0) pauses.delete(key);
      return Math.max(0, left);
    },
    get size() {
      let n = pauses.size;
      for (const limiter of limiters.values()) n += limiter.size;
      return n;
    },
  };
}
