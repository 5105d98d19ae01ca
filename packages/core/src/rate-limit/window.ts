/**
 * The sliding-window rule every rate-limit store applies (in memory here; the same rule as a Lua
 * script in `@rerankit/redis`). Pure: the caller passes the clock, which may step back (buckets
 * from its future are folded into the present).
 *
 * Time is cut into buckets of `bucketMs`; a bucket holds the points (requests or tokens) admitted
 * in it. A cost is admitted at time `now` only if the points of the current bucket and of the
 * `n = ceil(windowMs / bucketMs)` buckets before it, plus the cost, stay within `limit`.
 *
 * Why no window of `windowMs` ever holds more than `limit`: take any window [t, t + windowMs) and
 * its last admission, at time s. The buckets counted at s start at (b(s) − n)·bucketMs ≤
 * s − windowMs < t, so they hold every point admitted in [t, s]; the rule admitted s's cost only
 * if all of that plus the cost fitted in `limit`. A fixed-window counter has no such bound: it lets
 * `limit` through at the end of one window and `limit` more at the start of the next, twice the
 * limit within a few seconds, which a provider counting by sliding window answers with 429s.
 * The price is at most one bucket of the window: the rule may wait up to `bucketMs` longer than
 * an exact log would (with 1 s buckets in a 60 s window, about 1.6 % of throughput).
 *
 * rate-limiter-flexible (which `@rerankit/redis` uses for its Redis store) only has fixed windows
 * (`SET NX EX` + `INCRBY`); its `BurstyRateLimiter` adds a second fixed window and `execEvenly`
 * delays within one, so neither gives this bound. Hence this small rule of ours, run in memory
 * by `memory-store.ts` and through rate-limiter-flexible's store machinery (results, insurance
 * limiter on store failure) by `@rerankit/redis`.
 */

/** Points per bucket index (`Math.floor(time / bucketMs)`). */
export type WindowBuckets = Map<number, number>;

export interface WindowRule {
  limit: number;
  windowMs: number;
  bucketMs: number;
}

export type WindowDecision =
  | { ok: true; bucket: number; used: number }
  | {
      ok: false;
      /** Milliseconds until the cost could fit if nothing else were admitted; Infinity if it never can (cost > limit). */
      retryInMs: number;
      used: number;
    };

/** Buckets counted at time `now`: the current one and the `n` before it. */
export function countedRange(now: number, rule: WindowRule): { first: number; current: number } {
  const current = Math.floor(now / rule.bucketMs);
  return { first: current - Math.ceil(rule.windowMs / rule.bucketMs), current };
}

/** Admits `cost` into `buckets` (mutating it) if it fits; forgets buckets that no longer count. */
export function admit(buckets: WindowBuckets, now: number, cost: number, rule: WindowRule): WindowDecision {
  const { first, current } = countedRange(now, rule);
  let used = 0;
  let future = 0;
  for (const [bucket, points] of buckets) {
    if (bucket < first) buckets.delete(bucket);
    else {
      used += points;
      if (bucket > current) {
        future += points;
        buckets.delete(bucket);
      }
    }
  }
  // A bucket after `current` means the clock stepped back (an NTP correction of a wall clock).
  // Counted where it stands it would hold its points for the length of the step (1 h back, 61 min
  // refused); folded into the current bucket it leaves the window one window from now.
  if (future !== 0) buckets.set(current, (buckets.get(current) ?? 0) + future);
  if (used + cost <= rule.limit) {
    buckets.set(current, (buckets.get(current) ?? 0) + cost);
    return { ok: true, bucket: current, used: used + cost };
  }
  if (cost > rule.limit) return { ok: false, retryInMs: Number.POSITIVE_INFINITY, used };
  // The oldest buckets leave the count first: bucket j stops counting once the current bucket is
  // j + n + 1, at time (j + n + 1)·bucketMs.
  const n = current - first;
  let freed = 0;
  const ordered = [...buckets.keys()].sort((a, b) => a - b);
  for (const bucket of ordered) {
    freed += buckets.get(bucket)!;
    if (used - freed + cost <= rule.limit) return { ok: false, retryInMs: Math.max(1, (bucket + n + 1) * rule.bucketMs - now), used };
  }
  // Only negative corrections can get here (the points never add up): the whole window then leaves.
  return { ok: false, retryInMs: Math.max(1, (current + n + 1) * rule.bucketMs - now), used };
}

/**
 * Corrects the points of `bucket` (an estimate replaced by the provider's reported usage, or a
 * refund). A bucket that no longer counts is left alone: it cannot change any decision.
 */
export function adjust(buckets: WindowBuckets, now: number, bucket: number, delta: number, rule: WindowRule): void {
  if (bucket < countedRange(now, rule).first || delta === 0) return;
  buckets.set(bucket, (buckets.get(bucket) ?? 0) + delta);
}
