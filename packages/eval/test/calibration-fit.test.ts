/**
 * The calibration fits against references written independently: isotonic regression against
 * brute force (the least squared error over every monotone step function on tiny data), Platt
 * scaling against a grid search of its objective; and the measures and thresholds on tables
 * worked by hand.
 */
import { calibrationMap } from "@rerankit/core";
import { describe, expect, it } from "vitest";
import { calibrationMeasures, fitIsotonic, fitPlatt, fitPlattParameters, parseTarget, selectAt, thresholdFor } from "../src/index.js";

/** A seeded generator (no flakiness): Park–Miller. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

/**
 * Brute force: group the pairs by raw score (one value per score), then try every way of cutting
 * the groups, in score order, into consecutive blocks (2^(k−1) ways); a block's best constant is
 * its mean label; keep the cuts whose block means never decrease and take the least squared
 * error. The isotonic fit is a step function of exactly this form, so this finds it.
 */
function bruteForce(scores: number[], labels: number[]): { sse: number; valueOf: Map<number, number> } {
  const xs = [...new Set(scores)].sort((a, b) => a - b);
  const sum = xs.map((x) => scores.reduce((s, v, i) => s + (v === x ? labels[i]! : 0), 0));
  const count = xs.map((x) => scores.filter((v) => v === x).length);
  let best = { sse: Number.POSITIVE_INFINITY, valueOf: new Map<number, number>() };
  for (let mask = 0; mask < 2 ** (xs.length - 1); mask++) {
    const values: number[] = [];
    let start = 0;
    let previous = Number.NEGATIVE_INFINITY;
    let ok = true;
    for (let g = 0; g < xs.length; g++) {
      const cut = g === xs.length - 1 || (mask >> g) & 1;
      if (!cut) continue;
      let s = 0;
      let c = 0;
      for (let h = start; h <= g; h++) {
        s += sum[h]!;
        c += count[h]!;
      }
      const mean = s / c;
      if (mean < previous - 1e-12) ok = false;
      previous = mean;
      for (let h = start; h <= g; h++) values[h] = mean;
      start = g + 1;
    }
    if (!ok) continue;
    let sse = 0;
    scores.forEach((v, i) => {
      sse += (values[xs.indexOf(v)]! - labels[i]!) ** 2;
    });
    if (sse < best.sse - 1e-12) best = { sse, valueOf: new Map(xs.map((x, g) => [x, values[g]!])) };
  }
  return best;
}

function sseOf(points: [number, number][], scores: number[], labels: number[]): number {
  const map = calibrationMap(points);
  return scores.reduce((s, v, i) => s + (map(v) - labels[i]!) ** 2, 0);
}

describe("fitIsotonic against brute force", () => {
  const named: [string, number[], number[]][] = [
    ["ties in raw score pooled", [1, 1, 1, 2, 2, 3], [0, 1, 1, 0, 0, 1]],
    ["all relevant", [0.1, 0.5, 0.5, 0.9], [1, 1, 1, 1]],
    ["none relevant", [3, 1, 2, 2], [0, 0, 0, 0]],
    ["a single score value", [7, 7, 7, 7, 7], [1, 0, 0, 1, 0]],
    ["one pair", [0.3], [1]],
    ["reversed signal", [1, 2, 3, 4], [1, 1, 0, 0]],
  ];
  it.each(named)("%s", (_name, scores, labels) => {
    const points = fitIsotonic(scores, labels);
    const reference = bruteForce(scores, labels);
    expect(sseOf(points, scores, labels)).toBeCloseTo(reference.sse, 10);
    const map = calibrationMap(points);
    for (const [x, p] of reference.valueOf) expect(map(x)).toBeCloseTo(p, 10);
  });

  it("matches on 300 random tiny sets with many ties", () => {
    const rand = random(42);
    for (let t = 0; t < 300; t++) {
      const n = 1 + Math.floor(rand() * 11);
      const scores = Array.from({ length: n }, () => Math.floor(rand() * 6));
      const labels = scores.map((s) => (rand() < 0.15 + s * 0.12 ? 1 : 0));
      const points = fitIsotonic(scores, labels);
      const reference = bruteForce(scores, labels);
      expect(sseOf(points, scores, labels)).toBeCloseTo(reference.sse, 9);
      const map = calibrationMap(points);
      for (const [x, p] of reference.valueOf) expect(map(x)).toBeCloseTo(p, 9);
    }
  });

  it("gives points a profile accepts: strictly increasing raw, p in [0, 1] never decreasing", () => {
    const rand = random(7);
    const scores = Array.from({ length: 2000 }, () => rand() * 30);
    const labels = scores.map((s) => (rand() < s / 40 ? 1 : 0));
    const points = fitIsotonic(scores, labels);
    for (let i = 1; i < points.length; i++) {
      expect(points[i]![0]).toBeGreaterThan(points[i - 1]![0]);
      expect(points[i]![1]).toBeGreaterThanOrEqual(points[i - 1]![1]);
    }
    expect(points.every(([, p]) => p >= 0 && p <= 1)).toBe(true);
  });
});

describe("fitPlatt", () => {
  /** Platt's objective: cross-entropy against his smoothed targets. */
  function objective(scores: number[], labels: number[], a: number, b: number): number {
    const pos = labels.filter((y) => y > 0).length;
    const neg = labels.length - pos;
    return scores.reduce((f, s, i) => {
      const t = labels[i]! > 0 ? (pos + 1) / (pos + 2) : 1 / (neg + 2);
      const p = 1 / (1 + Math.exp(a * s + b));
      return f - (t * Math.log(p) + (1 - t) * Math.log(1 - p));
    }, 0);
  }

  it("reaches the least objective of a fine grid search (within the grid's step)", () => {
    const rand = random(3);
    const scores = Array.from({ length: 200 }, () => rand() * 10);
    const labels = scores.map((s) => (rand() < 1 / (1 + Math.exp(-(s - 6))) ? 1 : 0));
    const { a, b } = fitPlattParameters(scores, labels);
    let best = Number.POSITIVE_INFINITY;
    for (let ga = -3; ga <= 0; ga += 0.02) for (let gb = -2; gb <= 10; gb += 0.1) best = Math.min(best, objective(scores, labels, ga, gb));
    expect(objective(scores, labels, a, b)).toBeLessThanOrEqual(best + 1e-9);
    expect(a).toBeLessThan(0);
  });

  it("samples an increasing sigmoid over the fitted range; no signal gives the constant base rate", () => {
    const rand = random(5);
    const scores = Array.from({ length: 100 }, () => rand() * 4);
    const labels = scores.map((s) => (rand() < s / 4 ? 1 : 0));
    const points = fitPlatt(scores, labels);
    expect(points[0]![0]).toBe(Math.min(...scores));
    expect(points[points.length - 1]![0]).toBe(Math.max(...scores));
    for (let i = 1; i < points.length; i++) expect(points[i]![1]).toBeGreaterThan(points[i - 1]![1]);
    expect(fitPlatt([5, 5, 5, 5], [1, 0, 0, 0])).toEqual([[5, 0.25]]);
    expect(fitPlatt([1, 2, 3, 4], [1, 1, 0, 0])).toEqual([[1, 0.5]]);
  });
});

describe("calibrationMeasures: Brier, base-rate Brier, skill, ECE, reliability", () => {
  it("on a table worked by hand", () => {
    const p = [0.05, 0.05, 0.15, 0.95, 1];
    const y = [0, 1, 0, 1, 1];
    const m = calibrationMeasures(p, y, 0.4);
    const brier = (0.05 ** 2 + 0.95 ** 2 + 0.15 ** 2 + 0.05 ** 2 + 0) / 5;
    const base = (0.4 ** 2 * 2 + 0.6 ** 2 * 3) / 5;
    expect(m.pairs).toBe(5);
    expect(m.brier).toBeCloseTo(brier, 12);
    expect(m.brierBaseRate).toBeCloseTo(base, 12);
    expect(m.brierSkill).toBeCloseTo(1 - brier / base, 12);
    // Bins: [0, 0.1): 2 pairs, p 0.05, observed 0.5; [0.1, 0.2): 1, 0.15, 0; [0.9, 1]: 2, 0.975, 1.
    expect(m.reliability).toEqual([
      { from: 0, to: 0.1, count: 2, predicted: 0.05, observed: 0.5 },
      { from: 0.1, to: 0.2, count: 1, predicted: 0.15, observed: 0 },
      { from: 0.9, to: 1, count: 2, predicted: 0.975, observed: 1 },
    ]);
    expect(m.ece).toBeCloseTo((2 / 5) * 0.45 + (1 / 5) * 0.15 + (2 / 5) * 0.025, 12);
  });

  it("has no skill to report when the base rate is exact and the labels all equal", () => {
    expect(calibrationMeasures([0, 0], [0, 0], 0).brierSkill).toBeNull();
  });
});

describe("thresholds for --target", () => {
  const scores = [9, 8, 8, 7, 6, 5, 4, 3];
  const labels = [1, 1, 0, 1, 0, 1, 0, 0];
  it.each([
    ["precision=1", 9],
    ["precision=0.75", 7], // ≥ 7: 3 of 4; ≥ 5: 4 of 6 (0.667)
    ["precision=0.6", 5],
    ["recall=0.5", 8], // ≥ 8: 2 of 4 relevant
    ["recall=1", 5],
  ])("%s → %d", (text, threshold) => {
    expect(thresholdFor(scores, labels, parseTarget(text))).toBe(threshold);
  });

  it("keeps or drops equal scores together, and says when a target is out of reach", () => {
    expect(selectAt(scores, labels, 8)).toEqual({ threshold: 8, selected: 3, precision: 2 / 3, recall: 0.5 });
    expect(thresholdFor([1, 1], [1, 0], parseTarget("precision=0.9"))).toBeUndefined();
    expect(thresholdFor([1, 2], [0, 0], parseTarget("recall=0.5"))).toBeUndefined();
  });

  it.each(["precision", "precision=0", "recall=1.5", "f1=0.5"])("rejects --target %s", (text) => {
    expect(() => parseTarget(text)).toThrow(/--target/);
  });
});
