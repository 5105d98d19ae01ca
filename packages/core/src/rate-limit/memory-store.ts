import type { RateLimitBudget, RateLimitStore } from "./types.js";
import { admit, adjust as adjustWindow, type WindowBuckets, type WindowRule } from "./window.js";

/** Bucket size of every window: 1 s (about 1.6 % of a 60 s window's throughput, see window.ts). */
const BUCKET_MS = 1000;

/**
 * An in-process {@link RateLimitStore}: what a client uses when `rateLimit.store` is not set.
 * Each process (and each client without a shared store) then keeps its own windows.
 *
 * The clock is monotonic (`performance.now()`) unless a test passes one, so an NTP step of the
 * wall clock neither locks the windows (a step back once made every bucket look 1 h in the
 * future) nor empties them; window.ts also folds future buckets into the present, and a pause
 * never lasts longer than it was asked for, so an injected clock that steps back cannot lock it
 * either.
 *
 * Plain maps on window.ts's rule (no rate-limiter-flexible): core keeps no fleet glue, and the
 * whole decision is one pure function call.
 *
 * @param options.now The clock, in milliseconds (tests inject one). @default `performance.now()`
 * @example
 * const store = memoryRateLimitStore();
 * const a = new RerankClient({ provider: "cohere", rateLimit: { requestsPerMinute: 100, store } });
 * const b = new RerankClient({ provider: "cohere", rateLimit: { requestsPerMinute: 100, store } }); // one window for both
 */
export function memoryRateLimitStore(options: { now?: () => number } = {}): RateLimitStore & { readonly size: number } {
  /** `budget id` → `key` → buckets. */
  const windows = new Map<string, Map<string, WindowBuckets>>();
  /** `key` → when the pause ends, and how long it was asked for (the cap after a clock step back). */
  const pauses = new Map<string, { until: number; ms: number }>();
  const now = options.now ?? (() => performance.now());
  const ruleOf = (budget: RateLimitBudget): WindowRule => ({ limit: budget.limit, windowMs: budget.windowMs, bucketMs: BUCKET_MS });
  const windowsOf = (budget: RateLimitBudget) => {
    const id = `${budget.name}:${budget.limit}:${budget.windowMs}`;
    let byKey = windows.get(id);
    if (byKey === undefined) {
      byKey = new Map();
      windows.set(id, byKey);
    }
    return byKey;
  };
  return {
    async consume(key, cost, budget) {
      const byKey = windowsOf(budget);
      let buckets = byKey.get(key);
      if (buckets === undefined) {
        buckets = new Map();
        byKey.set(key, buckets);
      }
      const decision = admit(buckets, now(), cost, ruleOf(budget));
      if (buckets.size === 0) byKey.delete(key);
      return decision.ok ? { ok: true, bucket: decision.bucket } : { ok: false, retryInMs: decision.retryInMs };
    },
    async adjust(key, bucket, delta, budget) {
      const buckets = windowsOf(budget).get(key);
      if (buckets !== undefined) adjustWindow(buckets, now(), bucket, delta, ruleOf(budget));
    },
    async pause(key, ms) {
      const t = now();
      const current = pauses.get(key);
      if (current === undefined || Math.min(current.until - t, current.ms) < ms) pauses.set(key, { until: t + ms, ms });
    },
    async pausedFor(key) {
      const pause = pauses.get(key);
      if (pause === undefined) return 0;
      const left = Math.min(pause.until - now(), pause.ms);
      if (left <= 0) pauses.delete(key);
      return Math.max(0, left);
    },
    get size() {
      let n = pauses.size;
      for (const byKey of windows.values()) n += byKey.size;
      return n;
    },
  };
}
