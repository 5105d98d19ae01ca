/** Each metric pinned to hand-computed values (trec_eval definitions), ties and graded labels included. */
import { describe, expect, it } from "vitest";
import { metricValue, parseMetric, parseMetrics, parseTrecRun, scoreRankings } from "../src/index.js";

const judged = new Map([
  ["d1", 2],
  ["d2", 1],
  ["d3", 0],
  ["d4", 1],
]);
// d3 is judged non-relevant, d5 unjudged, d4 (relevant) not retrieved: 3 relevant documents in all.
const ranking = ["d3", "d1", "d5", "d2"];
const value = (spec: string, r: readonly string[] = ranking, j: ReadonlyMap<string, number> = judged) =>
  metricValue(parseMetric(spec), r, j);

describe("metrics", () => {
  it("nDCG@k: gain = grade, log2 discount, ideal from all judged relevant documents", () => {
    // DCG@3 = 0/log2(2) + 2/log2(3) + 0/log2(4); ideal grades 2, 1, 1.
    expect(value("ndcg@3")).toBeCloseTo(2 / Math.log2(3) / (2 + 1 / Math.log2(3) + 1 / 2), 12);
    // DCG@10 adds d2 at rank 4; the ideal has all three.
    expect(value("ndcg@10")).toBeCloseTo((2 / Math.log2(3) + 1 / Math.log2(5)) / (2 + 1 / Math.log2(3) + 1 / 2), 12);
    expect(value("ndcg@1")).toBe(0);
    expect(value("ndcg@2", ["d1", "d2"])).toBeCloseTo((2 + 1 / Math.log2(3)) / (2 + 1 / Math.log2(3)), 12);
    expect(value("ndcg")).toBeCloseTo((2 / Math.log2(3) + 1 / Math.log2(5)) / (2 + 1 / Math.log2(3) + 1 / 2), 12);
  });

  it("nDCG uses the grade: the grade-2 document first scores higher than a grade-1 one first", () => {
    const best = value("ndcg@2", ["d1", "d2"]);
    const swapped = value("ndcg@2", ["d2", "d1"]);
    expect(swapped).toBeCloseTo((1 + 2 / Math.log2(3)) / (2 + 1 / Math.log2(3)), 12);
    expect(best).toBeGreaterThan(swapped);
  });

  it("MRR@k: 1 / rank of the first relevant document within k, else 0", () => {
    expect(value("mrr@10")).toBe(1 / 2);
    expect(value("mrr@1")).toBe(0);
    expect(value("mrr@10", ["d5", "d3"])).toBe(0);
  });

  it("recall@k: relevant in the top k over all relevant (grade ≥ 1)", () => {
    expect(value("recall@2")).toBeCloseTo(1 / 3, 12);
    expect(value("recall@100")).toBeCloseTo(2 / 3, 12);
    expect(value("recall@1")).toBe(0);
  });

  it("MAP@k: precision at each relevant rank within k, over all relevant", () => {
    // relevant at rank 2 (precision 1/2) and rank 4 (precision 2/4)
    expect(value("map@100")).toBeCloseTo((1 / 2 + 2 / 4) / 3, 12);
    expect(value("map@3")).toBeCloseTo(1 / 2 / 3, 12);
  });

  it("P@k: relevant in the top k over k, even when fewer were retrieved", () => {
    expect(value("p@4")).toBe(2 / 4);
    expect(value("p@10")).toBe(2 / 10);
    expect(value("p@1")).toBe(0);
  });

  it("breaks score ties by document id descending (string order), as trec_eval does", () => {
    const run = parseTrecRun(["q Q0 d1 1 0.5 t", "q Q0 d10 2 0.5 t", "q Q0 d9 3 0.5 t", "q Q0 d2 4 0.9 t"].join("\n"));
    const ids = run.get("q")!.map((h) => h.id);
    expect(ids).toEqual(["d2", "d9", "d10", "d1"]);
    // Only d1 relevant: last among the tied documents, rank 4.
    expect(metricValue(parseMetric("mrr@10"), ids, new Map([["d1", 1]]))).toBe(1 / 4);
  });

  it("averages over the given queries only", () => {
    const qrels = new Map([
      ["a", new Map([["x", 1]])],
      ["b", new Map([["y", 1]])],
    ]);
    const scores = scoreRankings(new Map([["a", ["x"]]]), qrels, parseMetrics("mrr@10"), ["a", "b"]);
    expect(scores.perQuery["mrr@10"]).toEqual({ a: 1, b: 0 }); // a query missing from the run ranks nothing
    expect(scores.means["mrr@10"]).toBe(0.5);
  });

  it("parses metric names and rejects unknown ones", () => {
    expect(parseMetrics("ndcg@10,MRR@10,recall@100,map@100,P@10,ndcg@10").map((m) => m.name)).toEqual([
      "ndcg@10",
      "mrr@10",
      "recall@100",
      "map@100",
      "p@10",
    ]);
    expect(() => parseMetric("bleu@4")).toThrow(/unknown metric "bleu@4"/);
    expect(() => parseMetric("p")).toThrow(/needs a cutoff/);
    expect(() => parseMetric("ndcg@0")).toThrow(/positive integer/);
    expect(() => metricValue(parseMetric("ndcg@10"), ["d"], new Map([["d", 0]]))).toThrow(/no relevant/);
  });
});
