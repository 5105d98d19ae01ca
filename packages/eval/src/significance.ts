/**
 * Is a difference between two systems real? A paired, two-sided randomization (permutation) test
 * over queries, the test Smucker, Allan and Carterette (CIKM 2007) recommend for IR: under the null
 * hypothesis the two systems are exchangeable on each query, so each per-query difference's sign is
 * a coin flip. The p-value is the share of sign assignments whose mean difference is at least as
 * far from 0 as the observed one.
 *
 * With up to {@link EXACT_LIMIT} queries that differ, all 2^n assignments are enumerated (an exact
 * p-value); above that, `trials` random assignments are drawn from a seeded PRNG (so a report is
 * reproducible), and p = (hits + 1) / (trials + 1), which never reports an impossible 0.
 */

/** Options of {@link pairedRandomizationTest}. */
export interface SignificanceOptions {
  /**
   * Random sign assignments drawn when the test is not exact.
   * @default 10000
   */
  trials?: number;
  /**
   * Seed of the PRNG (mulberry32): the same inputs and seed give the same p-value.
   * @default 42
   */
  seed?: number;
}

/** The outcome of comparing system B against system A over the same queries. */
export interface PairedComparison {
  /** Mean of B − A over the queries. */
  delta: number;
  /** Two-sided p-value. */
  p: number;
  /** Queries where B scored higher than A. */
  wins: number;
  /** Queries where they scored the same (within 1e-12). */
  ties: number;
  /** Queries where B scored lower. */
  losses: number;
  /** `"exact"` (every sign assignment enumerated) or `"sampled"` (`trials` random ones). */
  method: "exact" | "sampled";
}

/** Queries that differ up to which the test enumerates every sign assignment (2^16 = 65,536). */
export const EXACT_LIMIT = 16;
const EPSILON = 1e-12;

/** mulberry32: a small, well-distributed 32-bit PRNG; enough for resampling signs, and seedable. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Compares per-query scores `b` against `a` (same length, same query order): paired two-sided
 * randomization test, plus win/tie/loss counts.
 *
 * @example
 * pairedRandomizationTest([0.2, 0.5, 0.1], [0.4, 0.6, 0.3]) // { delta: 0.1667, p: 0.25, wins: 3, … }
 */
export function pairedRandomizationTest(a: readonly number[], b: readonly number[], options: SignificanceOptions = {}): PairedComparison {
  if (a.length !== b.length) throw new RangeError(`pairedRandomizationTest: ${a.length} scores against ${b.length}: pair them by query`);
  const trials = options.trials ?? 10_000;
  if (!Number.isInteger(trials) || trials < 1) throw new RangeError("pairedRandomizationTest: trials must be a positive integer");
  let wins = 0;
  let ties = 0;
  let losses = 0;
  const diffs: number[] = [];
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = b[i]! - a[i]!;
    sum += d;
    if (d > EPSILON) wins++;
    else if (d < -EPSILON) losses++;
    else ties++;
    if (Math.abs(d) > EPSILON) diffs.push(d);
  }
  const n = a.length;
  const delta = n === 0 ? 0 : sum / n;
  // Zero differences do not change under a sign flip: only the others matter.
  if (diffs.length === 0) return { delta, p: 1, wins, ties, losses, method: "exact" };
  const observed = Math.abs(diffs.reduce((s, d) => s + d, 0));
  // Compare sums with a relative tolerance so that float rounding does not hide the observed assignment itself.
  const threshold = observed - 1e-9 * Math.max(1, observed);

  if (diffs.length <= EXACT_LIMIT) {
    const total = 2 ** diffs.length;
    let hits = 0;
    for (let mask = 0; mask < total; mask++) {
      let s = 0;
      for (let i = 0; i < diffs.length; i++) s += mask & (1 << i) ? -diffs[i]! : diffs[i]!;
      if (Math.abs(s) >= threshold) hits++;
    }
    return { delta, p: hits / total, wins, ties, losses, method: "exact" };
  }

  const random = mulberry32(options.seed ?? 42);
  let hits = 0;
  for (let t = 0; t < trials; t++) {
    let s = 0;
    for (let i = 0; i < diffs.length; i++) s += random() < 0.5 ? -diffs[i]! : diffs[i]!;
    if (Math.abs(s) >= threshold) hits++;
  }
  return { delta, p: (hits + 1) / (trials + 1), wins, ties, losses, method: "sampled" };
}
