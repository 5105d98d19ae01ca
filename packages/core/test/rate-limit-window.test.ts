/**
 * The sliding-window guarantee: in ANY window of `windowMs`, never more than `limit` points are
 * admitted — checked over random arrival times and costs (fast-check), against every window that
 * starts at an admission (the windows that hold the most), and contrasted with a fixed-window
 * counter, which lets twice the limit through across a boundary.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { memoryRateLimitStore } from "../src/index.js";
import { admit as admitToWindow, adjust as adjustWindow, type WindowBuckets, type WindowRule } from "../src/rate-limit/window.js";

/** The largest sum of points admitted within any half-open window of `windowMs`. */
function busiestWindow(admitted: { at: number; cost: number }[], windowMs: number): number {
  let best = 0;
  // Some busiest window starts at an admission: slide its start over every admission time.
  for (let i = 0; i < admitted.length; i++) {
    let sum = 0;
    for (let j = i; j < admitted.length && admitted[j]!.at < admitted[i]!.at + windowMs; j++) sum += admitted[j]!.cost;
    best = Math.max(best, sum);
  }
  return best;
}

const ruleArb = fc.record({
  limit: fc.integer({ min: 1, max: 200 }),
  windowMs: fc.integer({ min: 1_000, max: 60_000 }),
  bucketMs: fc.constantFrom(100, 250, 1_000),
});

describe("sliding window", () => {
  it("never admits more than the limit in any window (random arrivals and costs)", () => {
    fc.assert(
      fc.property(
        ruleArb,
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 3_000 }), cost: fc.integer({ min: 1, max: 40 }) }), {
          minLength: 1,
          maxLength: 400,
        }),
        (rule: WindowRule, arrivals) => {
          const buckets: WindowBuckets = new Map();
          const admitted: { at: number; cost: number }[] = [];
          let now = 1_700_000_000_000 + 123; // not aligned to a bucket
          for (const { gap, cost } of arrivals) {
            now += gap;
            const decision = admitToWindow(buckets, now, cost, rule);
            if (decision.ok) admitted.push({ at: now, cost });
            else expect(decision.retryInMs).toBeGreaterThan(0);
          }
          expect(busiestWindow(admitted, rule.windowMs)).toBeLessThanOrEqual(rule.limit);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a requester that waits the advised time is never refused then, and gets at least limit × window/(window + bucket)", () => {
    fc.assert(
      fc.property(ruleArb, fc.integer({ min: 1, max: 10 }), (rule: WindowRule, cost) => {
        fc.pre(cost <= rule.limit);
        const buckets: WindowBuckets = new Map();
        const admitted: { at: number; cost: number }[] = [];
        let now = 5_000_017;
        const end = now + rule.windowMs * 5;
        while (now < end) {
          const decision = admitToWindow(buckets, now, cost, rule);
          if (decision.ok) admitted.push({ at: now, cost });
          else {
            now += decision.retryInMs;
            // Asked again exactly when advised (nobody else is using the window): admitted.
            const retry = admitToWindow(buckets, now, cost, rule);
            expect(retry.ok).toBe(true);
            admitted.push({ at: now, cost });
          }
        }
        expect(busiestWindow(admitted, rule.windowMs)).toBeLessThanOrEqual(rule.limit);
        const points = admitted.reduce((s, a) => s + a.cost, 0);
        const floorPerWindow = Math.floor(rule.limit / cost) * cost; // whole requests only
        // The rule counts at most one bucket more than the window: each stretch of window + bucket
        // admits at least a window's worth.
        const span = Math.ceil(rule.windowMs / rule.bucketMs) * rule.bucketMs + rule.bucketMs;
        expect(points).toBeGreaterThanOrEqual(floorPerWindow * Math.floor((end - 5_000_017) / span));
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    // [limit, arrivals at (ms) with cost 1]: a fixed 60 s counter would admit them all.
    ["60 at 59.9 s then 60 at 60.1 s", 60, [...Array(60).fill(59_900), ...Array(60).fill(60_100)]],
    ["10 in the last second of one window, 10 in the first of the next", 10, [...Array(10).fill(59_500), ...Array(10).fill(60_500)]],
  ])("%s: the fixed-window counter lets 2× through, the sliding window does not", (_name, limit, times) => {
    const windowMs = 60_000;
    // A fixed-window counter (what rate-limiter-flexible's Redis limiter keeps): count per floor(t / window).
    const fixed = new Map<number, number>();
    const fixedAdmitted: { at: number; cost: number }[] = [];
    const buckets: WindowBuckets = new Map();
    const slidingAdmitted: { at: number; cost: number }[] = [];
    for (const at of times) {
      const w = Math.floor(at / windowMs);
      if ((fixed.get(w) ?? 0) < limit) {
        fixed.set(w, (fixed.get(w) ?? 0) + 1);
        fixedAdmitted.push({ at, cost: 1 });
      }
      if (admitToWindow(buckets, at, 1, { limit, windowMs, bucketMs: 1_000 }).ok) slidingAdmitted.push({ at, cost: 1 });
    }
    expect(busiestWindow(fixedAdmitted, windowMs)).toBe(2 * limit);
    expect(busiestWindow(slidingAdmitted, windowMs)).toBe(limit);
  });

  it("a cost above the limit is refused for ever (Infinity), never admitted", () => {
    const decision = admitToWindow(new Map(), 0, 11, { limit: 10, windowMs: 60_000, bucketMs: 1_000 });
    expect(decision).toMatchObject({ ok: false, retryInMs: Number.POSITIVE_INFINITY });
  });

  it("corrections change the points of the bucket they name; old buckets are left alone", () => {
    const rule = { limit: 100, windowMs: 10_000, bucketMs: 1_000 };
    const buckets: WindowBuckets = new Map();
    const first = admitToWindow(buckets, 500, 80, rule);
    expect(first.ok).toBe(true);
    expect(admitToWindow(buckets, 600, 30, rule).ok).toBe(false);
    adjustWindow(buckets, 700, first.ok ? first.bucket : -1, -60, rule); // the provider reported 20, not 80
    expect(admitToWindow(buckets, 800, 30, rule).ok).toBe(true);
    adjustWindow(buckets, 60_000, 0, 1_000, rule); // long gone: no effect
    expect(buckets.get(0)).toBe(50);
  });

  it("memoryRateLimitStore forgets windows and pauses once they no longer count (nothing leaks)", async () => {
    let now = 1_000_000;
    const store = memoryRateLimitStore({ now: () => now });
    const budget = { name: "requests", limit: 5, windowMs: 2_000 };
    for (let k = 0; k < 100; k++) await store.consume(`key-${k}`, 1, budget);
    await store.pause("p", 500);
    expect(store.size).toBe(101);
    now += 5_000;
    for (let k = 0; k < 100; k++) expect((await store.consume(`key-${k}`, 5, budget)).ok).toBe(true);
    expect(await store.pausedFor("p")).toBe(0);
    expect(store.size).toBe(100);
  });
});
