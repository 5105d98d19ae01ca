/**
 * The sliding-window rule's single decisions, table-tested on a plain clock: what a refusal's
 * `retryInMs` says (the earliest time the cost fits, exactly), which buckets still count, and
 * corrections. The property "never more than the limit in any window" is rate-limit-window.test.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { admit, adjust, countedRange, type WindowBuckets, type WindowRule } from "../src/rate-limit/window.js";

// 1 s window in 250 ms buckets: at time t the current bucket is floor(t / 250) and the 4 before it count.
const rule: WindowRule = { limit: 10, windowMs: 1_000, bucketMs: 250 };

describe("admit", () => {
  it("admits within the limit and reports the points now used, the cost included", () => {
    const buckets: WindowBuckets = new Map();
    expect(admit(buckets, 1_000, 4, rule)).toEqual({ ok: true, bucket: 4, used: 4 });
    expect(admit(buckets, 1_100, 6, rule)).toEqual({ ok: true, bucket: 4, used: 10 });
    expect(buckets).toEqual(new Map([[4, 10]]));
  });

  it("refuses past the limit with the wait until the oldest points leave, and changes nothing", () => {
    const buckets: WindowBuckets = new Map([
      [4, 3], // leaves the count when the current bucket is 4 + 4 + 1 = 9, at 2,250 ms
      [6, 5], // at 2,750 ms
      [8, 2],
    ]);
    // At 2,000 ms: 10 used; a cost of 4 fits once bucket 4 (3) and bucket 6 (5) have left.
    expect(admit(buckets, 2_000, 1, rule)).toEqual({ ok: false, retryInMs: 250, used: 10 });
    expect(admit(buckets, 2_000, 4, rule)).toEqual({ ok: false, retryInMs: 750, used: 10 });
    expect(buckets.size).toBe(3);
  });

  it("frees the oldest bucket first whatever order the buckets were stored in", () => {
    // A correction can store an older bucket after newer ones.
    const buckets: WindowBuckets = new Map([
      [8, 2],
      [6, 5],
      [4, 3],
    ]);
    expect(admit(buckets, 2_000, 1, rule)).toEqual({ ok: false, retryInMs: 250, used: 10 });
  });

  it("refuses a cost above the limit for ever", () => {
    expect(admit(new Map(), 0, 11, rule)).toEqual({ ok: false, retryInMs: Number.POSITIVE_INFINITY, used: 0 });
  });

  it("counts the oldest bucket of the range and forgets the ones before it", () => {
    const { first, current } = countedRange(2_000, rule);
    expect({ first, current }).toEqual({ first: 4, current: 8 });
    const buckets: WindowBuckets = new Map([
      [3, 7],
      [4, 6],
    ]);
    expect(admit(buckets, 2_000, 5, rule)).toMatchObject({ ok: false, used: 6 });
    expect([...buckets.keys()]).toEqual([4]);
    expect(admit(buckets, 2_000, 4, rule)).toEqual({ ok: true, bucket: 8, used: 10 });
  });

  it("a refusal's retryInMs is exact: the same cost fits then, and not a millisecond before", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 400 }), cost: fc.integer({ min: 1, max: 6 }) }), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.integer({ min: 1, max: 10 }),
        (arrivals, cost) => {
          const buckets: WindowBuckets = new Map();
          let now = 0;
          for (const a of arrivals) {
            now += a.gap;
            admit(buckets, now, a.cost, rule);
          }
          const decision = admit(new Map(buckets), now, cost, rule);
          if (decision.ok) return;
          expect(Number.isFinite(decision.retryInMs)).toBe(true);
          expect(admit(new Map(buckets), now + decision.retryInMs, cost, rule).ok).toBe(true);
          if (decision.retryInMs > 1) expect(admit(new Map(buckets), now + decision.retryInMs - 1, cost, rule).ok).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("adjust", () => {
  it("corrects a bucket that still counts, the oldest included", () => {
    const buckets: WindowBuckets = new Map([[4, 6]]);
    adjust(buckets, 2_000, 4, -2, rule);
    expect(buckets.get(4)).toBe(4);
    adjust(buckets, 2_000, 8, 3, rule);
    expect(buckets.get(8)).toBe(3);
  });

  it("leaves alone a bucket that no longer counts, and a zero correction", () => {
    const buckets: WindowBuckets = new Map([[3, 6]]);
    adjust(buckets, 2_000, 3, 5, rule);
    adjust(buckets, 2_000, 5, 0, rule);
    expect(buckets).toEqual(new Map([[3, 6]]));
  });
});
