/** The paired two-sided randomization test on cases whose p-values are known. */
import { describe, expect, it } from "vitest";
import { pairedRandomizationTest } from "../src/index.js";

describe("pairedRandomizationTest", () => {
  it("is exact for few queries: 5 equal wins give p = 2/32", () => {
    const r = pairedRandomizationTest([0, 0, 0, 0, 0], [1, 1, 1, 1, 1]);
    expect(r).toEqual({ delta: 1, p: 2 / 32, wins: 5, ties: 0, losses: 0, method: "exact" });
  });

  it("counts the assignments at least as extreme: diffs 0.2, 0.1, 0.2 give p = 2/8", () => {
    const r = pairedRandomizationTest([0.2, 0.5, 0.1], [0.4, 0.6, 0.3]);
    expect(r.p).toBe(0.25);
    expect(r.delta).toBeCloseTo(0.5 / 3, 12);
    // diffs 1, -1, 2: sums |±1 ±1 ±2| ≥ 2 in 6 of 8 assignments
    expect(pairedRandomizationTest([0, 1, 0], [1, 0, 2]).p).toBe(6 / 8);
  });

  it("gives p = 1 and all ties for identical systems, and ignores tied queries in the test", () => {
    expect(pairedRandomizationTest([0.3, 0.7], [0.3, 0.7])).toEqual({ delta: 0, p: 1, wins: 0, ties: 2, losses: 0, method: "exact" });
    const withTies = pairedRandomizationTest([0, 0, 0, 5, 5], [1, 1, 1, 5, 5]);
    expect(withTies.p).toBe(2 / 8);
    expect([withTies.wins, withTies.ties, withTies.losses]).toEqual([3, 2, 0]);
  });

  it("samples with a seeded PRNG above 16 differing queries: reproducible, symmetric, never 0", () => {
    const a = Array.from({ length: 40 }, () => 0);
    const b = Array.from({ length: 40 }, () => 1);
    const strong = pairedRandomizationTest(a, b, { trials: 2000, seed: 7 });
    expect(strong.method).toBe("sampled");
    expect(strong.p).toBe(1 / 2001); // all-equal signs: essentially no random assignment reaches it
    expect(strong.losses).toBe(0);
    // A null case: differences that cancel exactly; every assignment is at least as extreme as 0.
    const alternating = Array.from({ length: 40 }, (_, i) => (i % 2 ? 1 : -1));
    expect(pairedRandomizationTest(a, alternating, { trials: 500 }).p).toBe(1);
    const x = Array.from({ length: 30 }, (_, i) => Math.sin(i) * 0.5 + 0.5);
    const y = x.map((v, i) => v + (i % 3 === 0 ? 0.1 : -0.02));
    const one = pairedRandomizationTest(x, y, { seed: 3 });
    expect(pairedRandomizationTest(x, y, { seed: 3 })).toEqual(one);
    const reversed = pairedRandomizationTest(y, x, { seed: 3 });
    expect(reversed.p).toBe(one.p);
    expect(reversed.delta).toBeCloseTo(-one.delta, 12);
    expect([reversed.wins, reversed.losses]).toEqual([one.losses, one.wins]);
  });

  it("rejects unpaired inputs", () => {
    expect(() => pairedRandomizationTest([1], [1, 2])).toThrow(/pair them/);
    expect(() => pairedRandomizationTest([1], [1], { trials: 0 })).toThrow(/trials/);
  });
});
