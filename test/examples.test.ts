import { describe, expect, it } from "vitest";
import { passageById, passages, queries } from "../examples/data/corpus.js";
import { runDemo } from "../examples/demo.js";
import { features } from "../examples/lib/embedding.js";
import { dcg, mean, median, ndcgAtK, recallAtK, reciprocalRank } from "../examples/lib/metrics.js";

/** Splits the demo's output into one block per query: its header line and the ranked rows. */
function queryBlocks(lines: string[]): { lang: string; query: string; rows: { rank: number; score: number; text: string }[] }[] {
  const blocks: { lang: string; query: string; rows: { rank: number; score: number; text: string }[] }[] = [];
  for (const line of lines) {
    const header = /^Query \((en|zh)\): (.+)$/.exec(line);
    if (header) {
      blocks.push({ lang: header[1]!, query: header[2]!, rows: [] });
      continue;
    }
    // A ranked row: rank, score, first-stage position, optional ✓, passage id, text.
    const row = /^\s*(\d+)\s+(-?\d+\.\d{4})\s+#\d+\s+(?:✓\s+)?[a-z]+-(?:en|zh)-\d\d\s+(.+)$/.exec(line);
    if (row && blocks.length > 0) blocks.at(-1)!.rows.push({ rank: Number(row[1]), score: Number(row[2]), text: row[3]! });
  }
  return blocks;
}

describe("pnpm demo", () => {
  it("prints ranked, scored results for English and Chinese queries from the local server over HTTP", async () => {
    const lines: string[] = [];
    // An empty environment: no RERANKIT_PROVIDER, so the demo must start and use the local server.
    await runDemo({ env: {}, print: (line) => lines.push(...line.split("\n")) });

    expect(lines.some((l) => l.startsWith("Reranker: local Rerankit server"))).toBe(true);
    const blocks = queryBlocks(lines);
    const en = blocks.find((b) => b.lang === "en");
    const zh = blocks.find((b) => b.lang === "zh");
    for (const block of [en, zh]) {
      expect(block).toBeDefined();
      expect(block!.rows.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
      const scores = block!.rows.map((r) => r.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(scores[0]).toBeGreaterThan(0);
    }
    expect(zh!.rows[0]!.text).toMatch(/\p{Script=Han}/u);
    expect(en!.rows[0]!.text).toMatch(/^[A-Za-z]/);
    // The footer of every query names the local provider and the one HTTP request it sent.
    expect(lines.filter((l) => /^rerankit · rerankit-bm25 · 1 request\(s\)/.test(l))).toHaveLength(blocks.length);
  });
});

describe("example metrics", () => {
  it("nDCG@k matches hand-computed values", () => {
    // One grade-2 passage at rank 2: (2²−1)/log2(3) over the ideal (2²−1)/log2(2) = 1/log2(3).
    expect(ndcgAtK(["a", "b", "c"], { b: 2 }, 5)).toBeCloseTo(0.6309297536, 9);
    // Grades 2 and 1 at ranks 2 and 3: (3/log2(3) + 1/2) / (3 + 1/log2(3)).
    expect(ndcgAtK(["x", "a", "b"], { a: 2, b: 1 }, 5)).toBeCloseTo(0.6590018048, 9);
    expect(ndcgAtK(["a", "b", "x"], { a: 2, b: 1 }, 5)).toBe(1);
    // A relevant passage below the cut-off counts for nothing; no labels gives 0, not NaN.
    expect(ndcgAtK(["x", "y", "a"], { a: 2 }, 2)).toBe(0);
    expect(ndcgAtK(["x"], {}, 5)).toBe(0);
    expect(dcg([1, 1])).toBeCloseTo(1 + 1 / Math.log2(3), 12);
  });

  it("MRR is one over the rank of the first relevant result, 0 when there is none", () => {
    expect(reciprocalRank(["a", "b"], { a: 1 })).toBe(1);
    expect(reciprocalRank(["x", "y", "a", "b"], { a: 1, b: 2 })).toBeCloseTo(1 / 3, 12);
    expect(reciprocalRank(["x", "y"], { a: 2 })).toBe(0);
    expect(mean([1, 1 / 3, 0])).toBeCloseTo(4 / 9, 12);
  });

  it("recall@k and median behave as defined", () => {
    expect(recallAtK(["a", "x", "b"], { a: 2, b: 1, c: 1 }, 2)).toBeCloseTo(1 / 3, 12);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe("example corpus", () => {
  it("has 15+ labelled English and Chinese queries whose relevant ids exist, in the query's language", () => {
    expect(passages.length).toBeGreaterThanOrEqual(90);
    expect(new Set(passages.map((p) => p.id)).size).toBe(passages.length);
    expect(queries.length).toBeGreaterThanOrEqual(15);
    expect(new Set(queries.map((q) => q.lang))).toEqual(new Set(["en", "zh"]));
    for (const q of queries) {
      expect(Object.keys(q.relevant).length).toBeGreaterThan(0);
      for (const id of Object.keys(q.relevant)) expect(passageById.get(id)?.lang, `${q.id} → ${id}`).toBe(q.lang);
    }
  });

  it("the local embedding reads Chinese as characters and character pairs, English as words", () => {
    expect(features("预防感冒 Cold-Brew")).toEqual(["预", "预防", "防", "防感", "感", "感冒", "冒", "cold", "brew"]);
  });
});
