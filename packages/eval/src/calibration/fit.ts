/**
 * Fitting a calibration map: raw score → probability that a hit is relevant. Pure.
 *
 * Written by hand, after checking npm (2026-12): no package does isotonic regression
 * (`isotonic-regression`, `ml-isotonic-regression` do not exist; the `ml-*` family, `simple-statistics`
 * and `@stdlib/stats` have none), and `ml-logistic-regression` (the one logistic regression of the
 * `ml-*` family) fits by fixed-rate gradient descent over `ml-matrix`, which diverges or stalls on
 * unscaled scores such as BM25's. Pool-adjacent-violators is ~30 lines and Platt's Newton method
 * with backtracking (Lin, Lin & Weng 2007) ~40; both are checked against brute force in the tests.
 */

/** A fitted map as profile points: `[raw, p]`, strictly increasing raw, p never decreasing. */
export type CalibrationPoints = [number, number][];

/** The fitting methods. */
export type CalibrationMethod = "isotonic" | "platt";

function checkPairs(scores: ArrayLike<number>, labels: ArrayLike<number>): void {
  if (scores.length !== labels.length) throw new RangeError("scores and labels differ in length");
  if (scores.length === 0) throw new RangeError("no pairs to fit a calibration on");
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i]!)) throw new RangeError(`score ${i} is not finite`);
  }
}

/** Indices of `scores` in ascending score order. */
function ascending(scores: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => scores[a]! - scores[b]!);
}

/**
 * Isotonic regression by pool-adjacent-violators: the non-decreasing step function of the raw
 * score with the least squared error against the 0/1 labels. Hits with equal raw scores are pooled
 * first (one raw score gets one probability). The points are each pooled block's first and last
 * raw score at the block's mean label; between blocks the map interpolates linearly.
 */
export function fitIsotonic(scores: ArrayLike<number>, labels: ArrayLike<number>): CalibrationPoints {
  checkPairs(scores, labels);
  const order = ascending(scores);
  // Blocks on a stack: raw range, label sum and count. Each distinct raw score starts as one block.
  const lo: number[] = [];
  const hi: number[] = [];
  const sum: number[] = [];
  const count: number[] = [];
  let k = 0;
  while (k < order.length) {
    const x = scores[order[k]!]!;
    let s = 0;
    let c = 0;
    while (k < order.length && scores[order[k]!] === x) {
      s += labels[order[k]!]!;
      c++;
      k++;
    }
    lo.push(x);
    hi.push(x);
    sum.push(s);
    count.push(c);
    // Pool while the block below has a mean at least this one's (equal means pool too: fewer points, same map).
    while (sum.length > 1) {
      const t = sum.length - 1;
      if (sum[t - 1]! * count[t]! < sum[t]! * count[t - 1]!) break;
      sum[t - 1]! += sum[t]!;
      count[t - 1]! += count[t]!;
      hi[t - 1] = hi[t]!;
      lo.pop();
      hi.pop();
      sum.pop();
      count.pop();
    }
  }
  const points: CalibrationPoints = [];
  for (let b = 0; b < lo.length; b++) {
    const p = sum[b]! / count[b]!;
    points.push([lo[b]!, p]);
    if (hi[b]! > lo[b]!) points.push([hi[b]!, p]);
  }
  return points;
}

/** Platt's sigmoid: p = 1 / (1 + exp(a·raw + b)). */
export interface PlattParameters {
  a: number;
  b: number;
}

/**
 * Platt scaling: the logistic fit of the labels on the raw score, with Platt's smoothed targets
 * (a small-data guard against p of exactly 0 or 1), by Newton's method with backtracking (Lin, Lin
 * & Weng, "A note on Platt's probabilistic outputs", 2007).
 */
export function fitPlattParameters(scores: ArrayLike<number>, labels: ArrayLike<number>): PlattParameters {
  checkPairs(scores, labels);
  const n = scores.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i]! > 0 ? 1 : 0;
  const negatives = n - positives;
  const hiTarget = (positives + 1) / (positives + 2);
  const loTarget = 1 / (negatives + 2);
  const target = (i: number) => (labels[i]! > 0 ? hiTarget : loTarget);
  const objective = (a: number, b: number) => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      const z = scores[i]! * a + b;
      f += z >= 0 ? target(i) * z + Math.log1p(Math.exp(-z)) : (target(i) - 1) * z + Math.log1p(Math.exp(z));
    }
    return f;
  };
  let a = 0;
  let b = Math.log((negatives + 1) / (positives + 1));
  let f = objective(a, b);
  for (let iteration = 0; iteration < 100; iteration++) {
    let h11 = 1e-12;
    let h22 = 1e-12;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < n; i++) {
      const s = scores[i]!;
      const z = s * a + b;
      const e = Math.exp(-Math.abs(z));
      const p = z >= 0 ? e / (1 + e) : 1 / (1 + e);
      const q = 1 - p;
      const d2 = p * q;
      h11 += s * s * d2;
      h22 += d2;
      h21 += s * d2;
      const d1 = target(i) - p;
      g1 += s * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < 1e-5 && Math.abs(g2) < 1e-5) break;
    const det = h11 * h22 - h21 * h21;
    const da = -(h22 * g1 - h21 * g2) / det;
    const db = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * da + g2 * db;
    let step = 1;
    while (step >= 1e-10) {
      const fNew = objective(a + step * da, b + step * db);
      if (fNew < f + 1e-4 * step * gd) {
        a += step * da;
        b += step * db;
        f = fNew;
        break;
      }
      step /= 2;
    }
    if (step < 1e-10) break;
  }
  return { a, b };
}

/**
 * How many points a Platt profile samples its sigmoid with. Linear interpolation between samples
 * h apart is off by at most h²·max|σ''|/8 = h²·a²·0.0962/8 (σ'' peaks at a²·0.0962): with 100
 * steps over the fitted range, under 0.012·(a·range/100)²: about 0.003 at most while a·range ≤ 50.
 */
export const PLATT_POINTS = 101;

/**
 * Platt scaling as profile points: the sigmoid sampled at {@link PLATT_POINTS} evenly spaced raw
 * scores from the lowest to the highest fitted one (flat beyond, like every profile). A fit that
 * does not increase with the score (the score carries no signal, or the opposite one) is the
 * constant base rate.
 */
export function fitPlatt(scores: ArrayLike<number>, labels: ArrayLike<number>): CalibrationPoints {
  const { a, b } = fitPlattParameters(scores, labels);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let positives = 0;
  for (let i = 0; i < scores.length; i++) {
    min = Math.min(min, scores[i]!);
    max = Math.max(max, scores[i]!);
    positives += labels[i]! > 0 ? 1 : 0;
  }
  const sigmoid = (x: number) => 1 / (1 + Math.exp(a * x + b));
  if (!(a < 0) || max === min) return [[min, a < 0 ? sigmoid(min) : positives / scores.length]];
  const points: CalibrationPoints = [];
  for (let i = 0; i < PLATT_POINTS; i++) {
    const x = i === PLATT_POINTS - 1 ? max : min + ((max - min) * i) / (PLATT_POINTS - 1);
    points.push([x, sigmoid(x)]);
  }
  return points;
}

/** Fits `method` on (raw score, 0/1 label) pairs. */
export function fitCalibration(method: CalibrationMethod, scores: ArrayLike<number>, labels: ArrayLike<number>): CalibrationPoints {
  return method === "platt" ? fitPlatt(scores, labels) : fitIsotonic(scores, labels);
}
