import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { passageById, passages, queries } from "../examples/data/corpus.js";
import { Bm25Reranker } from "@rerankit/core";
import { CANDIDATES, DEMO_QUERY_IDS, NDCG_AT, runDemo, SHOWN } from "../examples/demo.js";
import { PassageIndex } from "../examples/lib/retrieval.js";
import { features } from "../examples/lib/embedding.js";
import { dcg, mean, median, ndcgAtK, recallAtK, reciprocalRank } from "../examples/lib/metrics.js";
import { CANDIDATES as AI_CANDIDATES, INSTRUCT, QUERY as AI_QUERY, runAiSdkRerank, TOP_N } from "../examples/ai-sdk-rerank.js";
import { runTracing, QUERY as TRACE_QUERY, spanTree } from "../examples/tracing.js";
import { NEEDLE, QUERY as LONG_QUERY, runLongDocumentsAndCache } from "../examples/long-documents-and-cache.js";

/** The demo's side-by-side blocks: the query line, then rows of (first-stage id, reranked id, score). */
function queryBlocks(lines: string[]) {
  const blocks: {
    lang: string;
    query: string;
    rows: { rank: number; before: string; after: string; was: number; score: number }[];
    footer?: string;
  }[] = [];
  for (const line of lines) {
    const header = /^Query \((en|zh)\): (.+)$/.exec(line);
    if (header) {
      blocks.push({ lang: header[1]!, query: header[2]!, rows: [] });
      continue;
    }
    const block = blocks.at(-1);
    if (!block) continue;
    // #, first-stage id (✓ when relevant) and text, │, reranked id, was, score, text.
    const row = /^(\d+)\s+(?:✓\s+)?([a-z]+-(?:en|zh)-\d\d)\s+.+│\s+(?:✓\s+)?([a-z]+-(?:en|zh)-\d\d)\s+#(\d+)\s+(-?\d+\.\d{4})\s/.exec(line);
    if (row) block.rows.push({ rank: Number(row[1]), before: row[2]!, after: row[3]!, was: Number(row[4]), score: Number(row[5]) });
    else if (line.startsWith("rerankit · ")) block.footer = line;
  }
  return blocks;
}

describe("pnpm demo", () => {
  it("--model (RERANKIT_MODEL) swaps BM25 for a local cross-encoder behind the same server", async () => {
    const model = resolve(import.meta.dirname, "../packages/transformers/test/fixtures/tiny-cross-encoder");
    const lines: string[] = [];
    const result = await runDemo({ env: { RERANKIT_MODEL: model }, print: (line) => lines.push(...line.split("\n")) });
    expect(lines.some((l) => l.startsWith(`Reranker: local Rerankit server (cross-encoder ${model}) on 127.0.0.1, over HTTP`))).toBe(true);
    expect(result.ranked.map((r) => r.query.id)).toEqual(queries.map((q) => q.id));
    for (const r of result.ranked) expect([...r.after].sort()).toEqual([...r.before].sort());
  });

  it("shows both orders side by side over HTTP, and the nDCG and MRR it prints are computed from what the server returned", async () => {
    const lines: string[] = [];
    // An empty environment: no RERANKIT_PROVIDER, so the demo must start and use the local server.
    const result = await runDemo({ env: {}, print: (line) => lines.push(...line.split("\n")) });
    expect(lines.some((l) => l.startsWith("Reranker: local Rerankit server (BM25) on 127.0.0.1, over HTTP"))).toBe(true);

    // Every labelled query: the first stage is the embedding's top CANDIDATES, and the reranked order
    // is a permutation of it equal to what BM25 computes in-process for the same candidates.
    const index = new PassageIndex();
    const bm25 = new Bm25Reranker();
    expect(result.ranked.map((r) => r.query.id)).toEqual(queries.map((q) => q.id));
    for (const r of result.ranked) {
      const hits = index.search(r.query.text, CANDIDATES);
      expect(r.before).toEqual(hits.map((h) => h.passage.id));
      expect([...r.after].sort()).toEqual([...r.before].sort());
      const local = await bm25.rerank({ query: r.query.text, documents: hits.map((h) => h.passage.text) });
      expect(r.after, r.query.id).toEqual(local.results.map((x) => hits[x.index]!.passage.id));
    }

    // The summary is recomputed here from the two orders, and reranking must really improve it.
    const k = NDCG_AT;
    const before = {
      ndcg: mean(result.ranked.map((r) => ndcgAtK(r.before, r.query.relevant, k))),
      mrr: mean(result.ranked.map((r) => reciprocalRank(r.before, r.query.relevant))),
    };
    const after = {
      ndcg: mean(result.ranked.map((r) => ndcgAtK(r.after, r.query.relevant, k))),
      mrr: mean(result.ranked.map((r) => reciprocalRank(r.after, r.query.relevant))),
    };
    expect(result.before).toEqual(before);
    expect(result.after).toEqual(after);
    expect(after.ndcg).toBeGreaterThan(before.ndcg);
    expect(after.mrr).toBeGreaterThan(before.mrr);
    const printed = (label: string) =>
      lines
        .find((l) => l.startsWith(label))!
        .trim()
        .split(/\s+/)
        .slice(-2)
        .map(Number);
    expect(printed("first stage (embedding)")).toEqual([Number(before.ndcg.toFixed(3)), Number(before.mrr.toFixed(3))]);
    expect(printed("reranked (local server)")).toEqual([Number(after.ndcg.toFixed(3)), Number(after.mrr.toFixed(3))]);

    // The side-by-side blocks: the demo's queries, each one's rows matching the two orders, and each
    // one a query where reranking raised nDCG (the point the demo shows).
    const blocks = queryBlocks(lines);
    expect(blocks.map((b) => b.query)).toEqual(DEMO_QUERY_IDS.map((id) => queries.find((q) => q.id === id)!.text));
    expect(new Set(blocks.map((b) => b.lang))).toEqual(new Set(["en", "zh"]));
    for (const block of blocks) {
      const r = result.ranked.find((x) => x.query.text === block.query)!;
      expect(block.rows.map((row) => row.rank)).toEqual(Array.from({ length: SHOWN }, (_, i) => i + 1));
      expect(block.rows.map((row) => row.before)).toEqual(r.before.slice(0, SHOWN));
      expect(block.rows.map((row) => row.after)).toEqual(r.after.slice(0, SHOWN));
      expect(block.rows.map((row) => row.was)).toEqual(r.after.slice(0, SHOWN).map((id) => r.before.indexOf(id) + 1));
      const scores = block.rows.map((row) => row.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(scores[0]).toBeGreaterThan(0);
      expect(ndcgAtK(r.after, r.query.relevant, k)).toBeGreaterThan(ndcgAtK(r.before, r.query.relevant, k));
      // One HTTP request per query to the local server.
      expect(block.footer).toMatch(/^rerankit · rerankit-bm25 · 1 request\(s\) · /);
    }
  });
});

describe("examples/ai-sdk-rerank.ts", () => {
  it("ranks object documents with ai's rerank() over HTTP and in process, as BM25 computes, and the instruction reaches the server", async () => {
    const lines: string[] = [];
    const run = await runAiSdkRerank({ print: (line) => lines.push(...line.split("\n")) });
    const hits = new PassageIndex().search(AI_QUERY, AI_CANDIDATES);
    expect(run.documents.map((d) => d.id)).toEqual(hits.map((h) => h.passage.id));
    // What BM25 computes in process over the same texts is what both rerank() calls returned.
    const local = await new Bm25Reranker().rerank({ query: AI_QUERY, documents: run.documents.map((d) => d.text), topN: TOP_N });
    for (const ranking of [run.http, run.inProcess]) {
      expect(ranking.map((r) => r.originalIndex)).toEqual(local.results.map((r) => r.index));
      expect(ranking.map((r) => r.id)).toEqual(local.results.map((r) => run.documents[r.index]!.id));
      for (const [i, r] of ranking.entries()) expect(r.score).toBeCloseTo(local.results[i]!.relevanceScore, 10);
    }
    expect(run.instructSeen).toBe(INSTRUCT);
    expect(run.metadata).toMatchObject({ provider: "rerankit", requests: 1 });
    // The printed rows are the returned rankings, HTTP first.
    const rows = lines.flatMap((l) => {
      const m = /^ {2}(\d+)\. ([a-z]+-en-\d\d)\s+was #(\d+)\s+(\d+\.\d{4})\s/.exec(l);
      return m ? [{ rank: Number(m[1]), id: m[2]!, was: Number(m[3]), score: Number(m[4]) }] : [];
    });
    expect(rows).toEqual(
      [...run.http, ...run.inProcess].map((r, i) => ({
        rank: (i % TOP_N) + 1,
        id: r.id,
        was: r.originalIndex + 1,
        score: Number(r.score.toFixed(4)),
      })),
    );
    expect(lines).toContain(`  instruct received by the server: ${JSON.stringify(INSTRUCT)}`);
    expect(lines).toContain("  same order as over HTTP: yes");
  });
});

describe("examples/tracing.ts", () => {
  it("prints the call span with one POST child per attempt: a 503 from the first replica, then 200 from the second", async () => {
    const lines: string[] = [];
    const run = await runTracing({ print: (line) => lines.push(...line.split("\n")) });
    const calls = run.spans.filter((s) => s.name.startsWith("rerank "));
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    const posts = run.spans
      .filter((s) => s.name === "POST")
      .sort((a, b) => Number(a.attributes["rerank.attempt"]) - Number(b.attributes["rerank.attempt"]));
    expect(posts).toHaveLength(2);
    for (const post of posts) expect(post.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
    expect(posts.map((p) => p.attributes["url.full"])).toEqual(run.replicas.map((r) => `${r}/rerank`));
    expect(posts.map((p) => p.attributes["http.response.status_code"])).toEqual([503, 200]);
    expect(posts[0]!.status.code).toBe(2); // SpanStatusCode.ERROR
    expect(run.refused).toBe(1);
    expect(call.attributes["rerank.usage.requests"]).toBe(run.response.usage.requests);
    expect(run.response.usage.requests).toBe(2);
    expect(call.events.filter((e) => e.name === "rerank.retry").map((e) => e.attributes?.["error.type"])).toEqual(["RerankServerError"]);
    // The ranking is what BM25 computes for the same documents.
    const documents = new PassageIndex().search(TRACE_QUERY, 8).map((h) => h.passage.text);
    const local = await new Bm25Reranker().rerank({ query: TRACE_QUERY, documents, topN: 3 });
    expect(run.response.results.map((r) => r.index)).toEqual(local.results.map((r) => r.index));
    // The printed tree is the exported spans.
    const tree = spanTree(run.spans);
    expect(lines.slice(-tree.length)).toEqual(tree);
    expect(tree[0]).toMatch(/^rerank \S+ \(\d+\.\d ms\)$/);
    expect(tree.filter((l) => /^ {2}POST /.test(l))).toHaveLength(2);
    expect(tree).toContain(`      url.full = "${run.replicas[0]}/rerank"`);
  });
});

describe("examples/long-documents-and-cache.ts", () => {
  it("ranks the long document first by the window holding the answer, and answers a repeated call from the cache", async () => {
    const lines: string[] = [];
    const run = await runLongDocumentsAndCache({ print: (line) => lines.push(...line.split("\n")) });
    expect(run.documents[run.longIndex]!.length).toBeGreaterThan(4 * 120 * 4);
    expect(run.windowed[0]).toBe(run.longIndex);
    expect(run.window.count).toBeGreaterThan(5);
    expect(run.window.text).toContain(NEEDLE.split(". ")[0]);
    // Sent whole, the handbook ranks lower than by its best window.
    expect(run.whole.indexOf(run.longIndex)).toBeGreaterThan(run.windowed.indexOf(run.longIndex));
    expect([...run.whole].sort()).toEqual([...run.windowed].sort());
    // The first call misses every window and document; the second is all hits, with no request.
    expect(run.first.usage.requests).toBeGreaterThan(0);
    expect(run.first.usage.cacheHits ?? 0).toBe(0);
    expect(run.first.usage.cacheMisses).toBeGreaterThan(run.documents.length);
    expect(run.second.usage).toMatchObject({ requests: 0, cacheHits: run.first.usage.cacheMisses });
    expect(run.second.usage.cacheMisses ?? 0).toBe(0);
    expect(run.first.order).toEqual(run.windowed);
    expect(run.second.order).toEqual(run.first.order);
    expect(lines.find((l) => l.startsWith("  1. "))).toMatch(
      new RegExp(`^ {2}1\\. #${run.longIndex} \\d+\\.\\d{4} {2}handbook, window ${run.window.index} of ${run.window.count}$`),
    );
    expect(lines).toContain(`  second: 0 request(s), cacheHits ${run.second.usage.cacheHits}, cacheMisses 0`);
    expect(lines.some((l) => l.includes(`Query: ${LONG_QUERY}`))).toBe(true);
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
