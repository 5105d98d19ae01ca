/** Bm25Reranker: sensible English, Chinese and mixed rankings, BM25's k1/b behaviour, and the Reranker contract. */
import { describe, expect, it } from "vitest";
import { Bm25Reranker, RerankInputError, type Reranker, type RerankRequest } from "../src/index.js";

const reranker: Reranker = new Bm25Reranker();

const english = [
  "The stock market closed higher today as technology shares rallied.",
  "Hybrid search combines BM25 keyword scores with vector similarity; a reranker then reorders the candidates.",
  "Our bakery sells fresh bread, croissants and cakes every morning.",
  "To rerank retrieved passages, a cross-encoder scores each query and document pair.",
  "Weather forecast: sunny with light winds and a high of 24 degrees.",
];

const chinese = [
  "今日股票市场大幅上涨，科技板块领涨。", // 0: stocks
  "预防感冒要勤洗手、多喝水，保证充足睡眠。", // 1: preventing colds
  "明天天气晴朗，气温适宜，适合户外活动。", // 2: weather
  "接种流感疫苗可以有效预防流行性感冒。", // 3: flu vaccine prevents influenza
  "这家餐厅的红烧肉非常好吃。", // 4: a restaurant
];

function indices(results: { index: number }[]): number[] {
  return results.map((r) => r.index);
}

describe("ranking", () => {
  it("ranks the passage about reranking first for an English query among distractors", async () => {
    const { results } = await reranker.rerank({ query: "How do rerankers reorder retrieved passages?", documents: english });
    expect(results[0]!.index).toBe(3);
    expect(results[1]!.index).toBe(1);
    for (const distractor of [0, 2, 4]) expect(results.find((r) => r.index === distractor)!.relevanceScore).toBe(0);
  });

  it("ranks the cold-prevention passages first for 如何预防感冒, above weather, stocks and food", async () => {
    const { results } = await reranker.rerank({ query: "如何预防感冒", documents: chinese });
    expect(indices(results.slice(0, 2)).sort()).toEqual([1, 3]);
    expect(results[0]!.index).toBe(1); // it names both 预防 and 感冒 as words
    for (const r of results.slice(2)) expect(r.relevanceScore).toBe(0);
  });

  it("matches a Chinese query word inside a compound word of a passage (流感 / 流行性感冒)", async () => {
    const { results } = await reranker.rerank({ query: "流行性感冒疫苗", documents: chinese });
    expect(results[0]!.index).toBe(3);
    expect(results[1]!.index).toBe(1); // 感冒 only
    expect(results[1]!.relevanceScore).toBeGreaterThan(0);
  });

  it("ranks mixed Chinese and English text against a mixed query", async () => {
    const documents = [
      "今天的天气不错，适合去公园散步。",
      "BM25 是一种经典的关键词检索算法，常用于 rerank 之前的召回。",
      "The BM25 ranking function scores documents by term frequency.",
      "使用 cross-encoder 模型对检索结果进行 rerank 可以提升 RAG 的效果。",
    ];
    const { results } = await reranker.rerank({ query: "用BM25算法做检索", documents });
    expect(results[0]!.index).toBe(1);
    expect(results[1]!.index).toBe(2);
    expect(results.find((r) => r.index === 0)!.relevanceScore).toBe(0);

    const second = await reranker.rerank({ query: "rerank模型的效果", documents });
    expect(second.results[0]!.index).toBe(3);
  });

  it("scores a document with no query term 0 and still returns every document", async () => {
    const { results } = await reranker.rerank({ query: "quantum chromodynamics", documents: english });
    expect(results).toHaveLength(english.length);
    expect(indices(results)).toEqual([0, 1, 2, 3, 4]); // all 0: ties by index
    for (const r of results) expect(r.relevanceScore).toBe(0);
  });

  it("scores a query of only stop words and punctuation 0 everywhere, every document kept", async () => {
    const { results } = await reranker.rerank({ query: "what is the?", documents: english });
    expect(results.map((r) => r.relevanceScore)).toEqual([0, 0, 0, 0, 0]);
  });

  it("keeps scores in 0..1, sorted descending with ties by index", async () => {
    const documents = ["apple pie", "banana", "apple pie", "apple apple apple apple apple", "apple"];
    const { results } = await reranker.rerank({ query: "apple pie", documents });
    for (let i = 0; i < results.length; i++) {
      expect(results[i]!.relevanceScore).toBeGreaterThanOrEqual(0);
      expect(results[i]!.relevanceScore).toBeLessThanOrEqual(1);
      if (i > 0) {
        const [a, b] = [results[i - 1]!, results[i]!];
        expect(a.relevanceScore > b.relevanceScore || (a.relevanceScore === b.relevanceScore && a.index < b.index)).toBe(true);
      }
    }
    expect(new Set(indices(results)).size).toBe(documents.length);
  });
});

describe("BM25 parameters", () => {
  it("scores a document that holds each query term once, at average length, 1 / (k1 + 1)", async () => {
    for (const k1 of [0, 1.2, 2]) {
      const { results } = await new Bm25Reranker({ k1 }).rerank({ query: "apple", documents: ["apple banana", "cherry grape"] });
      expect(results[0]!.index).toBe(0);
      expect(results[0]!.relevanceScore).toBeCloseTo(1 / (k1 + 1), 12);
    }
  });

  it("matches the Okapi BM25 formula on a small corpus", async () => {
    const k1 = 1.5;
    const b = 0.6;
    const documents = ["apple apple pear", "apple fig fig fig kiwi", "pear plum", "lime"];
    const { results } = await new Bm25Reranker({ k1, b }).rerank({ query: "apple pear", documents });
    const lengths = [3, 5, 2, 1];
    const avg = 11 / 4;
    const idf = (df: number) => Math.log(1 + (4 - df + 0.5) / (df + 0.5));
    const term = (tf: number, len: number, df: number) => (idf(df) * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * len) / avg));
    const supremum = (idf(2) + idf(2)) * (k1 + 1);
    const expected = [
      (term(2, lengths[0]!, 2) + term(1, lengths[0]!, 2)) / supremum,
      term(1, lengths[1]!, 2) / supremum,
      term(1, lengths[2]!, 2) / supremum,
      0,
    ];
    for (const r of results) expect(r.relevanceScore).toBeCloseTo(expected[r.index]!, 12);
  });

  it("with b = 0 ignores document length; with b > 0 a longer document scores lower", async () => {
    const documents = ["apple", "apple banana cherry grape melon", "kiwi"];
    const flat = await new Bm25Reranker({ b: 0 }).rerank({ query: "apple", documents });
    const score = (res: typeof flat, i: number) => res.results.find((r) => r.index === i)!.relevanceScore;
    expect(score(flat, 0)).toBe(score(flat, 1));
    const normalised = await new Bm25Reranker({ b: 0.75 }).rerank({ query: "apple", documents });
    expect(score(normalised, 0)).toBeGreaterThan(score(normalised, 1));
  });

  it("with k1 = 0 counts presence only; a larger k1 rewards repeated terms more", async () => {
    const documents = ["apple kiwi kiwi kiwi", "apple apple apple apple", "grape"];
    const score = async (k1: number, i: number) =>
      (await new Bm25Reranker({ k1 }).rerank({ query: "apple", documents })).results.find((r) => r.index === i)!.relevanceScore;
    expect(await score(0, 0)).toBe(await score(0, 1));
    expect(await score(1.2, 1)).toBeGreaterThan(await score(1.2, 0));
    const gap = async (k1: number) => (await score(k1, 1)) / (await score(k1, 0));
    expect(await gap(3)).toBeGreaterThan(await gap(1.2));
  });

  it("rejects k1 and b outside their ranges with RerankInputError naming the option", () => {
    for (const [options, field] of [
      [{ k1: -1 }, "k1"],
      [{ k1: Number.NaN }, "k1"],
      [{ k1: Number.POSITIVE_INFINITY }, "k1"],
      [{ b: 1.5 }, "b"],
      [{ b: -0.1 }, "b"],
      [{ b: Number.NaN }, "b"],
    ] as const) {
      let error: unknown;
      try {
        new Bm25Reranker(options);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RerankInputError);
      expect((error as RerankInputError).field).toBe(field);
    }
  });
});

describe("the Reranker contract", () => {
  it("reports model rerankit-bm25 (or the request's), provider bm25, no requests, no request ids", async () => {
    const response = await reranker.rerank({ query: "bread", documents: english });
    expect(response).toMatchObject({
      model: "rerankit-bm25",
      provider: "bm25",
      scoreKind: "unknown",
      usage: { requests: 0 },
      requestIds: [],
    });
    const named = await reranker.rerank({ query: "bread", documents: english, model: "my-bm25" });
    expect(named.model).toBe("my-bm25");
  });

  it("keeps the best topN, clamped to the number of documents", async () => {
    const top2 = await reranker.rerank({ query: "如何预防感冒", documents: chinese, topN: 2 });
    expect(indices(top2.results).sort()).toEqual([1, 3]);
    const all = await reranker.rerank({ query: "如何预防感冒", documents: chinese, topN: 50 });
    expect(all.results).toHaveLength(chinese.length);
  });

  it("drops results below minScore", async () => {
    const { results } = await reranker.rerank({ query: "如何预防感冒", documents: chinese, minScore: 0.01 });
    expect(indices(results).sort()).toEqual([1, 3]);
    const none = await reranker.rerank({ query: "如何预防感冒", documents: chinese, minScore: 1.01 });
    expect(none.results).toEqual([]);
  });

  it("attaches the caller's own document objects with returnDocuments, and only then", async () => {
    const documents = Object.freeze([
      Object.freeze({ text: "BM25 ranks passages by keyword overlap.", id: "a" }),
      "A note about gardening.",
    ]) as RerankRequest["documents"];
    const withDocs = await reranker.rerank({ query: "bm25 keyword ranking", documents, returnDocuments: true });
    expect(withDocs.results[0]!.document).toBe(documents[0]);
    expect(withDocs.results[1]!.document).toBe(documents[1]);
    const without = await reranker.rerank({ query: "bm25 keyword ranking", documents });
    for (const r of without.results) expect("document" in r).toBe(false);
  });

  it("gives identical documents identical scores, and duplicating a document changes no score", async () => {
    const base = ["apple pie recipe", "banana bread", "apple crumble"];
    const once = await reranker.rerank({ query: "apple recipe", documents: base });
    const twice = await reranker.rerank({ query: "apple recipe", documents: [...base, "apple pie recipe", "apple pie recipe"] });
    const scoreOf = (res: typeof once, i: number) => res.results.find((r) => r.index === i)!.relevanceScore;
    expect(scoreOf(twice, 3)).toBe(scoreOf(twice, 0));
    expect(scoreOf(twice, 4)).toBe(scoreOf(twice, 0));
    for (const i of [0, 1, 2]) expect(scoreOf(twice, i)).toBe(scoreOf(once, i));
    expect(indices(twice.results).slice(0, 3)).toEqual([0, 3, 4]);
  });

  it("returns an empty result for no documents, even with a blank query", async () => {
    expect((await reranker.rerank({ query: "apple", documents: [] })).results).toEqual([]);
    expect((await reranker.rerank({ query: "  ", documents: [] })).results).toEqual([]);
  });

  it("rejects a blank or whitespace-only query with documents as a RerankInputError on query", async () => {
    for (const query of ["", "  ", "\n\t\u3000"]) {
      const error = await reranker.rerank({ query, documents: english }).catch((e: unknown) => e);
      expect(error, JSON.stringify(query)).toBeInstanceOf(RerankInputError);
      expect((error as RerankInputError).field).toBe("query");
    }
  });

  it("rejects bad input with RerankInputError naming the field", async () => {
    const cases: [unknown, string][] = [
      [{ query: 42, documents: [] }, "query"],
      [{ query: "q", documents: "not a list" }, "documents"],
      [{ query: "q", documents: ["ok", 7] }, "documents[1]"],
      [{ query: "q", documents: [{ text: 1 }] }, "documents[0].text"],
      [{ query: "q", documents: ["ok", "   "] }, "documents[1]"],
      [{ query: "q", documents: ["ok"], topN: 0 }, "topN"],
      [{ query: "q", documents: ["ok"], topN: 1.5 }, "topN"],
      [{ query: "q", documents: ["ok"], minScore: Number.NaN }, "minScore"],
      [{ query: "q", documents: ["ok"], returnDocuments: "yes" }, "returnDocuments"],
    ];
    for (const [request, field] of cases) {
      const error = await reranker.rerank(request as RerankRequest).catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(RerankInputError);
      expect((error as RerankInputError).field).toBe(field);
      expect((error as RerankInputError).provider).toBe("bm25");
    }
  });

  it("rejects with the signal's reason when the signal is already aborted", async () => {
    const reason = new Error("user cancelled");
    const controller = new AbortController();
    controller.abort(reason);
    await expect(reranker.rerank({ query: "bread", documents: english, signal: controller.signal })).rejects.toBe(reason);
  });

  it("ranks a large candidate list, every document once", async () => {
    const documents = Array.from({ length: 1000 }, (_, i) =>
      i === 737 ? "预防感冒的方法：勤洗手 and wash your hands" : `passage ${i} about topic ${i % 17} 话题${i % 13}`,
    );
    const { results } = await reranker.rerank({ query: "how to prevent colds 预防感冒", documents });
    expect(results).toHaveLength(1000);
    expect(results[0]!.index).toBe(737);
    expect(new Set(indices(results)).size).toBe(1000);
  });

  it("hands the thread to the event loop while it scores a long text", async () => {
    // 80,000 Han characters with no punctuation: many tokenizer windows, so many slices.
    const long = hanRun(80_000);
    const order: string[] = [];
    setImmediate(() => order.push("event loop turn"));
    await reranker.rerank({ query: "感冒", documents: [long, "预防感冒"] }).then(() => order.push("ranked"));
    expect(order).toEqual(["event loop turn", "ranked"]);
  });

  it("stops between slices when the signal is aborted mid-way, with the signal's reason", async () => {
    const reason = new Error("stop now");
    const controller = new AbortController();
    setImmediate(() => controller.abort(reason));
    await expect(reranker.rerank({ query: "感冒", documents: [hanRun(80_000)], signal: controller.signal })).rejects.toBe(reason);
  });

  it("ranks a 6-million-character unbroken run without overflowing the stack", async () => {
    const { results } = await reranker.rerank({ query: "apple", documents: ["a".repeat(6_000_000), "apple pie"] });
    expect(results.map((r) => r.index)).toEqual([1, 0]);
  });
});

/** `n` pseudo-random Han characters (U+4E00…U+9FA5) with no punctuation, the same for the same `n`. */
function hanRun(n: number): string {
  let seed = 1;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    out.push(String.fromCharCode(0x4e00 + ((seed >>> 8) % 0x51a6)));
  }
  return out.join("");
}
