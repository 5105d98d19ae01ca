/** Edges of the metric parser and scorer: spelling, lists, grade-0 judgments, absent queries, hasRelevant. */
import { describe, expect, it } from "vitest";
import { hasRelevant, metricValue, parseMetric, parseMetrics, scoreRankings } from "../src/index.js";

describe("parseMetric / parseMetrics", () => {
  it("reads a name with or without a cutoff, trimmed, in any case", () => {
    expect(parseMetric("  NDCG@10 ")).toEqual({ name: "ndcg@10", kind: "ndcg", k: 10 });
    expect(parseMetric("map")).toEqual({ name: "map", kind: "map", k: undefined });
  });

  it.each(["xndcg@10", "1ndcg@10", "-map", "ndcg@10x", "ndcg@", "@10", "ndcg@10@5"])("refuses %s", (spec) => {
    expect(() => parseMetric(spec)).toThrow(RangeError);
  });

  it("splits a comma list, skipping blanks, keeping each metric once, in order", () => {
    expect(parseMetrics("ndcg@10, ,mrr@10,,NDCG@10").map((m) => m.name)).toEqual(["ndcg@10", "mrr@10"]);
    expect(parseMetrics(["recall@100", "p@5"]).map((m) => m.name)).toEqual(["recall@100", "p@5"]);
  });

  it("refuses an empty list", () => {
    expect(() => parseMetrics(" , ")).toThrow(/no metrics given/);
    expect(() => parseMetrics([])).toThrow(/no metrics given/);
  });
});

describe("metricValue with grade-0 judgments", () => {
  // Stored lowest grade first: the ideal ranking must sort them.
  const judged = new Map([
    ["negative", -1],
    ["judged-not-relevant", 0],
    ["rel1", 1],
    ["rel2", 2],
  ]);

  it("nDCG: a judged non-relevant document earns nothing and is not in the ideal ranking", () => {
    const ndcg = parseMetric("ndcg@3");
    // Ideal: 2, 1 → 2/log2(2) + 1/log2(3). Got: 0, 2, 1 at ranks 1-3.
    const idcg = 2 + 1 / Math.log2(3);
    const dcg = 2 / Math.log2(3) + 1 / Math.log2(4);
    expect(metricValue(ndcg, ["judged-not-relevant", "rel2", "rel1"], judged)).toBeCloseTo(dcg / idcg, 12);
    expect(metricValue(ndcg, ["negative", "rel2", "rel1"], judged)).toBeCloseTo(dcg / idcg, 12);
    // The ideal is sorted by grade: the best order scores exactly 1, the reverse less.
    expect(metricValue(ndcg, ["rel2", "rel1"], judged)).toBeCloseTo(1, 12);
    expect(metricValue(ndcg, ["rel1", "rel2"], judged)).toBeLessThan(1);
    // Without a cutoff the ideal ranking holds only the relevant: a negative grade does not lower it.
    expect(metricValue(parseMetric("ndcg"), ["rel2", "rel1", "negative"], judged)).toBeCloseTo(1, 12);
  });
});

describe("scoreRankings", () => {
  it("a query with no ranking scores 0; no queries give means of 0", () => {
    const qrels = new Map([["q1", new Map([["d1", 1]])]]);
    const scores = scoreRankings(new Map(), qrels, [parseMetric("mrr@10")], ["q1"]);
    expect(scores.perQuery["mrr@10"]).toEqual({ q1: 0 });
    expect(scoreRankings(new Map(), qrels, [parseMetric("mrr@10")], []).means).toEqual({ "mrr@10": 0 });
  });
});

describe("hasRelevant", () => {
  it("is true only when some document has a grade of at least 1", () => {
    expect(hasRelevant(undefined)).toBe(false);
    expect(hasRelevant(new Map())).toBe(false);
    expect(hasRelevant(new Map([["d", 0]]))).toBe(false);
    expect(hasRelevant(new Map([["d", 0.5]]))).toBe(false);
    expect(hasRelevant(new Map([["d", 1]]))).toBe(true);
    expect(
      hasRelevant(
        new Map([
          ["a", 0],
          ["b", 2],
        ]),
      ),
    ).toBe(true);
  });
});
