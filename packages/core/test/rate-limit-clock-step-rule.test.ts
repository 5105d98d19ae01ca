/**
 * The sliding-window rule when the clock steps back (an NTP correction of a wall clock), table-
 * tested on a plain clock (rate-limit-hostile.test.ts checks it through the limiter): points in
 * buckets after the current one are folded into the current bucket, so they leave the count one
 * window from now instead of holding for the length of the step.
 */
import { describe, expect, it } from "vitest";
import { admit, type WindowBuckets, type WindowRule } from "../src/rate-limit/window.js";

// 1 s window in 250 ms buckets: at time t the current bucket is floor(t / 250) and the 4 before it count.
const rule: WindowRule = { limit: 10, windowMs: 1_000, bucketMs: 250 };

describe("admit after the clock stepped back", () => {
  it("folds a future bucket into the current one: refused until one window from now", () => {
    // 10 points admitted at 2,000 ms (bucket 8); the clock now reads 1,000 ms (bucket 4).
    const buckets: WindowBuckets = new Map([[8, 10]]);
    // Counted where it stands, bucket 8 would keep its points until bucket 13 (3,250 ms): 2,250 ms away.
    expect(admit(buckets, 1_000, 1, rule)).toEqual({ ok: false, retryInMs: 1_250, used: 10 });
    expect([...buckets]).toEqual([[4, 10]]);
    // At 2,250 ms (bucket 9) bucket 4 no longer counts.
    expect(admit(buckets, 2_250, 10, rule)).toEqual({ ok: true, bucket: 9, used: 10 });
    expect([...buckets]).toEqual([[9, 10]]);
  });

  it("adds the future points to what the current bucket already holds, then the cost", () => {
    const buckets: WindowBuckets = new Map([
      [4, 3],
      [8, 5],
      [7, 1],
    ]);
    expect(admit(buckets, 1_000, 1, rule)).toEqual({ ok: true, bucket: 4, used: 10 });
    expect(new Map(buckets)).toEqual(new Map([[4, 10]]));
  });

  it("leaves the buckets alone when none is in the future", () => {
    const buckets: WindowBuckets = new Map([
      [3, 2],
      [4, 3],
    ]);
    expect(admit(buckets, 1_000, 1, rule)).toEqual({ ok: true, bucket: 4, used: 6 });
    expect([...buckets]).toEqual([
      [3, 2],
      [4, 4],
    ]);
  });
});
