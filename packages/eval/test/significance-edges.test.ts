/** Edges of the paired randomization test: the exact/sampled boundary, the sampled p against the binomial, defaults. */
import { describe, expect, it } from "vitest";
import { EXACT_LIMIT, pairedRandomizationTest } from "../src/significance.js";

/** Two-sided P(|S| ≥ s) for S a sum of n fair ±1 signs, from the binomial distribution. */
function binomialTwoSided(n: number, s: number): number {
  let p = 0;
  let c = 1; // C(n, k)
  for (let k = 0; k <= n; k++) {
    if (Math.abs(2 * k - n) >= s) p += c / 2 ** n;
    c = (c * (n - k)) / (k + 1);
  }
  return p;
}

describe("pairedRandomizationTest edges", () => {
  it("enumerates exactly up to EXACT_LIMIT differing queries, tied ones not counted", () => {
    const a = Array.from({ length: EXACT_LIMIT + 3 }, () => 0);
    const b = a.map((_, i) => (i < EXACT_LIMIT ? 1 : 0)); // 16 wins, 3 ties
    const exact = pairedRandomizationTest(a, b);
    expect(exact).toMatchObject({ method: "exact", wins: EXACT_LIMIT, ties: 3, losses: 0 });
    expect(exact.p).toBe(2 / 2 ** EXACT_LIMIT);
    const b17 = a.map((_, i) => (i <= EXACT_LIMIT ? 1 : 0));
    expect(pairedRandomizationTest(a, b17).method).toBe("sampled");
  });

  it("samples a p close to the exact binomial value (seeded, so the same every run)", () => {
    // 20 differing queries, 14 wins and 6 losses of 1: observed |sum| 8.
    const a = Array.from({ length: 20 }, () => 0);
    const b = a.map((_, i) => (i < 14 ? 1 : -1));
    const r = pairedRandomizationTest(a, b, { trials: 20_000, seed: 7 });
    expect(r.method).toBe("sampled");
    // sd of the estimate is about 0.0023: a bound of 0.01 is four of them.
    expect(Math.abs(r.p - binomialTwoSided(20, 8))).toBeLessThan(0.01);
    expect(r).toMatchObject({ wins: 14, ties: 0, losses: 6 });
    expect(r.delta).toBeCloseTo(8 / 20, 12);
  });

  it("uses seed 42 when none is given", () => {
    const a = Array.from({ length: 30 }, (_, i) => (i % 3) / 10);
    const b = a.map((x, i) => x + (i % 4 === 0 ? -0.05 : 0.07));
    expect(pairedRandomizationTest(a, b).p).toBe(pairedRandomizationTest(a, b, { seed: 42 }).p);
    expect(pairedRandomizationTest(a, b, { trials: 997 }).p).not.toBe(pairedRandomizationTest(a, b, { trials: 997, seed: 43 }).p);
  });

  it("accepts a single trial, and no queries at all", () => {
    const a = Array.from({ length: 20 }, () => 0);
    const b = a.map(() => 1);
    expect(pairedRandomizationTest(a, b, { trials: 1 }).p).toBeGreaterThan(0);
    expect(pairedRandomizationTest([], [])).toEqual({ delta: 0, p: 1, wins: 0, ties: 0, losses: 0, method: "exact" });
  });
});
