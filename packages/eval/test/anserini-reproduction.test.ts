/**
 * Reproduces Anserini's BM25 "flat" figures on BEIR SciFact (test split, 300 queries) with the
 * first stage of `rerankit eval`: Bm25Index (k1 0.9, b 0.4, Lucene's English analyzer, title + text)
 * and the trec_eval metrics, all computed here from the data. Anserini: nDCG@10 0.6789,
 * R@100 0.9253, R@1000 0.9767. The data sits in ../shared beside the repository (never copied in).
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { evaluate, loadBeir } from "../src/index.js";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const scifact = join(repoRoot, "..", "shared", "data", "beir-scifact");

describe("BEIR SciFact", () => {
  it("matches Anserini's BM25 flat figures within ±0.01", async () => {
    expect(existsSync(scifact), `${scifact} holds BEIR SciFact`).toBe(true);
    const collection = await loadBeir(scifact, { split: "test" });
    expect(collection.documents).toHaveLength(5183);
    expect(collection.queries).toHaveLength(300);
    const { report } = await evaluate({
      ...collection,
      k1: 0.9,
      b: 0.4,
      metrics: "ndcg@10,recall@100,recall@1000",
      firstStageDepth: 1000,
    });
    expect(report.queries).toBe(300);
    expect(report.skipped).toBe(0);
    const m = report.systems[0]!.metrics;
    expect(Math.abs(m["ndcg@10"]! - 0.6789)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(m["recall@100"]! - 0.9253)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(m["recall@1000"]! - 0.9767)).toBeLessThanOrEqual(0.01);
  }, 120_000);
});
