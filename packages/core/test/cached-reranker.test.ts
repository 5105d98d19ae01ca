import { describe, expect, it } from "vitest";
import {
  Bm25Reranker,
  cachedReranker,
  memoryScoreCache,
  RerankInputError,
  type Reranker,
  type RerankRequest,
  type RerankResponse,
  type ScoreCache,
} from "../src/index.js";

/** A deterministic score in [0, 1) from the text alone (pointwise, like a cross-encoder). */
function pointwiseScore(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) / 2 ** 32;
}

/** A pointwise reranker that records every request it gets. */
function countingReranker(): Reranker & { calls: RerankRequest[] } {
  const calls: RerankRequest[] = [];
  return {
    calls,
    async rerank(request): Promise<RerankResponse> {
      calls.push(request);
      const texts = request.documents.map((d) => (typeof d === "string" ? d : d.text));
      let results = texts.map((text, index) => ({ index, relevanceScore: pointwiseScore(text) }));
      results.sort((a, b) => b.relevanceScore - a.relevanceScore || a.index - b.index);
      if (request.minScore !== undefined) results = results.filter((r) => r.relevanceScore >= request.minScore!);
      if (request.topN !== undefined) results = results.slice(0, request.topN);
      return { results, model: "pointwise-1", provider: "counting", scoreKind: "probability", usage: { requests: 1 }, requestIds: ["r"] };
    },
  };
}

const DOCS = Array.from({ length: 12 }, (_, i) => `document number ${i} about ${i % 3 === 0 ? "colds" : "towers"}`);

describe("cachedReranker", () => {
  it("sends only the misses, without topN/minScore, and ranks exactly as an uncached call (topN and minScore too)", async () => {
    const inner = countingReranker();
    const reranker = cachedReranker(inner, memoryScoreCache(), { model: "m" });
    const first = await reranker.rerank({ query: "q", documents: DOCS.slice(0, 6) });
    expect(first.usage).toMatchObject({ requests: 1, cacheHits: 0, cacheMisses: 6 });
    expect(inner.calls[0]!.documents).toEqual(DOCS.slice(0, 6));

    // Half known: a duplicate text too, which is sent once.
    const documents = [...DOCS.slice(3, 12), DOCS[4]!];
    const scores = documents.map(pointwiseScore).sort((a, b) => b - a);
    const minScore = scores[7]!;
    const request: RerankRequest = { query: "q", documents, topN: 5, minScore, returnDocuments: true };
    const cached = await reranker.rerank(request);
    const uncached = await countingReranker().rerank(request);
    expect(inner.calls).toHaveLength(2);
    expect(inner.calls[1]!.documents).toEqual(DOCS.slice(6, 12));
    expect(inner.calls[1]!.topN).toBeUndefined();
    expect(inner.calls[1]!.minScore).toBeUndefined();
    expect(cached.results.map(({ index, relevanceScore }) => ({ index, relevanceScore }))).toEqual(uncached.results);
    expect(cached.results).toHaveLength(5);
    for (const r of cached.results) expect(r.document).toBe(documents[r.index]);
    expect(cached.usage).toMatchObject({ requests: 1, cacheHits: 3, cacheMisses: 6 });

    // minScore cutting below topN: the same rule as an uncached call.
    const strict = { query: "q", documents, topN: 8, minScore: scores[2]! };
    expect((await reranker.rerank(strict)).results).toEqual((await countingReranker().rerank(strict)).results);

    // All known: no call at all; model, provider and scoreKind as the reranker last answered.
    const again = await reranker.rerank({ query: "q", documents });
    expect(inner.calls).toHaveLength(2 + 0);
    expect(again.usage).toMatchObject({ requests: 0, cacheHits: 9, cacheMisses: 0 });
    expect(again).toMatchObject({ model: "pointwise-1", provider: "counting", scoreKind: "probability" });
  });

  it("keys on query, model, instruct and extra body: any of them changed is a miss", async () => {
    const inner = countingReranker();
    const reranker = cachedReranker(inner, memoryScoreCache());
    const base = { query: "q", documents: DOCS.slice(0, 3) };
    await reranker.rerank(base);
    for (const change of [{ query: "q2" }, { model: "other" }, { instruct: "i" }, { extraBody: { x: 1 } }]) {
      const response = await reranker.rerank({ ...base, ...change });
      expect(response.usage.cacheMisses).toBe(3);
    }
    expect((await reranker.rerank(base)).usage.cacheHits).toBe(3);
  });

  it("never fails a call when the cache fails: all misses, a warning to both hooks, and the same ranking", async () => {
    const broken: ScoreCache = {
      getMany: async () => {
        throw new Error("ECONNREFUSED 127.0.0.1:6379");
      },
      setMany: async () => {
        throw new Error("ECONNREFUSED 127.0.0.1:6379");
      },
    };
    const inner = countingReranker();
    const warnings: string[] = [];
    const callWarnings: string[] = [];
    const reranker = cachedReranker(inner, broken, {
      hooks: {
        onWarning: ({ message }) => {
          warnings.push(message);
          throw new Error("a hook that throws is ignored");
        },
      },
    });
    const request: RerankRequest = {
      query: "q",
      documents: DOCS,
      topN: 4,
      hooks: { onWarning: ({ message }) => callWarnings.push(message) },
    };
    const response = await reranker.rerank(request);
    expect(response.results).toEqual((await countingReranker().rerank(request)).results);
    expect(response.usage).toMatchObject({ cacheHits: 0, cacheMisses: 12 });
    expect(warnings).toEqual([expect.stringMatching(/read failed: ECONNREFUSED/), expect.stringMatching(/write failed: ECONNREFUSED/)]);
    expect(callWarnings).toEqual(warnings);

    // A cache that never answers is abandoned when the call's signal aborts.
    const controller = new AbortController();
    // The read is under way when the call aborts (an event, not a sleep racing it).
    const hanging: ScoreCache = {
      getMany: () => {
        queueMicrotask(() => controller.abort());
        return new Promise(() => {});
      },
      setMany: () => new Promise(() => {}),
    };
    const slow = cachedReranker(countingReranker(), hanging);
    const late = await slow.rerank({ query: "q", documents: DOCS.slice(0, 2), signal: controller.signal });
    expect(late.usage).toMatchObject({ cacheHits: 0, cacheMisses: 2 });
  });

  it("never caches a listwise reranker: every call goes through whole, with topN", async () => {
    const inner = countingReranker();
    const cache = memoryScoreCache();
    const reranker = cachedReranker(inner, cache, { listwise: true });
    await reranker.rerank({ query: "q", documents: DOCS, topN: 2 });
    const second = await reranker.rerank({ query: "q", documents: DOCS, topN: 2 });
    expect(inner.calls.map((c) => [c.documents.length, c.topN])).toEqual([
      [12, 2],
      [12, 2],
    ]);
    expect(second.usage.cacheHits).toBeUndefined();
  });

  it("listDependent (BM25): only the identical list hits, and the ranking equals an uncached BM25 call", async () => {
    const bm25 = new Bm25Reranker();
    let calls = 0;
    const counted: Reranker = {
      rerank: (request) => {
        calls++;
        return bm25.rerank(request);
      },
    };
    const reranker = cachedReranker(counted, memoryScoreCache(), { model: "rerankit-bm25", listDependent: true });
    const request = { query: "colds", documents: DOCS, topN: 5 };
    const first = await reranker.rerank(request);
    const second = await reranker.rerank(request);
    expect(calls).toBe(1);
    expect(second.usage).toMatchObject({ cacheHits: 12, cacheMisses: 0 });
    expect(second.results).toEqual((await bm25.rerank(request)).results);
    expect(first.results).toEqual(second.results);
    // A list with one more document: its idf differs, so nothing is reused.
    const longer = { query: "colds", documents: [...DOCS, "colds colds colds"] };
    const third = await reranker.rerank(longer);
    expect(calls).toBe(2);
    expect(third.usage).toMatchObject({ cacheHits: 0, cacheMisses: 13 });
    expect(third.results).toEqual((await bm25.rerank(longer)).results);
  });

  it("checks topN, minScore and ttlSeconds before anything is sent", async () => {
    const inner = countingReranker();
    const reranker = cachedReranker(inner, memoryScoreCache());
    await expect(reranker.rerank({ query: "q", documents: DOCS, topN: 0 })).rejects.toMatchObject({ field: "topN" });
    await expect(reranker.rerank({ query: "q", documents: DOCS, minScore: Number.NaN })).rejects.toBeInstanceOf(RerankInputError);
    expect(inner.calls).toHaveLength(0);
    expect(() => cachedReranker(inner, memoryScoreCache(), { ttlSeconds: 0 })).toThrow(/ttlSeconds/);
  });

  it("stores fresh scores with its ttlSeconds", async () => {
    const seen: (number | undefined)[] = [];
    const cache: ScoreCache = {
      getMany: async (keys) => keys.map(() => undefined),
      setMany: async (_entries, options) => {
        seen.push(options?.ttlSeconds);
      },
    };
    await cachedReranker(countingReranker(), cache, { ttlSeconds: 60 }).rerank({ query: "q", documents: DOCS });
    await cachedReranker(countingReranker(), cache).rerank({ query: "q", documents: DOCS });
    expect(seen).toEqual([60, undefined]);
  });
});
