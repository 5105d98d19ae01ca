import { RerankInputError } from "@rerankit/core";
import { beforeAll, describe, expect, it } from "vitest";
import { CrossEncoderReranker } from "../src/index.js";
import { expectedCases, sigmoid, softmaxSecond, TINY, TINY_2LOGIT } from "./fixtures.js";

const TOLERANCE = 1e-4;
const CLS = 2;
const SEP = 3;

describe("CrossEncoderReranker on the one-logit fixture", () => {
  const cases = expectedCases(TINY);
  const plain = cases.filter((c) => c.maxLength === null && c.inputIds.length < 512);
  let reranker: CrossEncoderReranker;
  beforeAll(async () => {
    reranker = new CrossEncoderReranker({ model: TINY });
    await reranker.load();
  });

  it("scores every pair as the sigmoid of PyTorch's logit, within 1e-4", async () => {
    for (const c of plain) {
      const response = await reranker.rerank({ query: c.query, documents: [c.document] });
      expect(response.results[0]!.relevanceScore).toBeCloseTo(sigmoid(c.logits[0]!), 4);
      expect(Math.abs(response.results[0]!.relevanceScore - sigmoid(c.logits[0]!))).toBeLessThan(TOLERANCE);
    }
  });

  it("tokenizes query first, then the document, with the reference's token and segment ids", async () => {
    for (const c of plain) {
      const [pair] = await reranker.encode(c.query, [c.document]);
      expect(pair!.inputIds).toEqual(c.inputIds);
      expect(pair!.tokenTypeIds).toEqual(c.tokenTypeIds);
      expect(pair!.inputIds[0]).toBe(CLS);
      expect(pair!.tokenTypeIds[0]).toBe(0);
      expect(pair!.tokenTypeIds.at(-1)).toBe(1);
    }
  });

  it("gives the swapped pair its own score: the order is query, document", async () => {
    const forward = cases.find((c) => c.query === "what is the capital of france" && c.document.startsWith("paris is the capital"))!;
    const swapped = cases.find((c) => c.document === "what is the capital of france")!;
    expect(swapped.query).toBe("paris is the capital of france");
    const one = await reranker.rerank({ query: forward.query, documents: [forward.document] });
    const other = await reranker.rerank({ query: swapped.query, documents: [swapped.document] });
    expect(Math.abs(one.results[0]!.relevanceScore - sigmoid(forward.logits[0]!))).toBeLessThan(TOLERANCE);
    expect(Math.abs(other.results[0]!.relevanceScore - sigmoid(swapped.logits[0]!))).toBeLessThan(TOLERANCE);
    expect(Math.abs(one.results[0]!.relevanceScore - other.results[0]!.relevanceScore)).toBeGreaterThan(0.01);
  });

  it("ranks a list like the reference: sorted by score, with topN, minScore and returnDocuments", async () => {
    const query = "what is the capital of france";
    const list = plain.filter((c) => c.query === query);
    const documents = list.map((c) => ({ text: c.document, id: c.document.length }));
    const expectedOrder = list
      .map((c, index) => ({ index, score: sigmoid(c.logits[0]!) }))
      .sort((a, b) => b.score - a.score)
      .map((r) => r.index);
    const response = await reranker.rerank({ query, documents, returnDocuments: true });
    expect(response.results.map((r) => r.index)).toEqual(expectedOrder);
    expect(response.results.map((r) => r.document)).toEqual(expectedOrder.map((i) => documents[i]));
    expect(response).toMatchObject({ model: TINY, provider: "transformers", scoreKind: "probability", usage: { requests: 0 } });
    expect(response.usage.totalTokens).toBe(list.reduce((sum, c) => sum + c.inputIds.length, 0));
    const top2 = await reranker.rerank({ query, documents, topN: 2 });
    expect(top2.results.map((r) => r.index)).toEqual(expectedOrder.slice(0, 2));
    const threshold = sigmoid(list[expectedOrder[1]!]!.logits[0]!);
    const above = await reranker.rerank({ query, documents, minScore: threshold });
    expect(above.results.map((r) => r.index)).toEqual(expectedOrder.slice(0, 2));
  });

  it("gives the same scores with batch sizes 1, 2 and 7", async () => {
    const query = "how to prevent a cold";
    const documents = plain.map((c) => c.document);
    const byBatch = await Promise.all(
      [1, 2, 7].map(async (batchSize) => {
        const r = new CrossEncoderReranker({ model: TINY, batchSize });
        const { results } = await r.rerank({ query, documents });
        return [...results].sort((a, b) => a.index - b.index).map((x) => x.relevanceScore);
      }),
    );
    expect(byBatch[0]).toHaveLength(documents.length);
    for (const scores of byBatch.slice(1)) {
      scores.forEach((score, i) => {
        expect(Math.abs(score - byBatch[0]![i]!)).toBeLessThan(1e-6);
      });
    }
  });

  it("truncates an over-long document on the document side and keeps the closing [SEP]", async () => {
    const truncated = cases.filter((c) => c.inputIds.length >= 32 && c.document.length > 2000);
    expect(truncated.map((c) => c.maxLength)).toEqual([32, 128, null, 64]);
    for (const c of truncated) {
      const r = c.maxLength === null ? reranker : new CrossEncoderReranker({ model: TINY, maxLength: c.maxLength });
      const [pair] = await r.encode(c.query, [c.document]);
      expect(pair!.inputIds).toEqual(c.inputIds);
      expect(pair!.inputIds).toHaveLength(c.maxLength ?? 512);
      expect(pair!.inputIds.at(-1)).toBe(SEP);
      expect(pair!.tokenTypeIds).toEqual(c.tokenTypeIds);
      const { results } = await r.rerank({ query: c.query, documents: [c.document] });
      expect(Math.abs(results[0]!.relevanceScore - sigmoid(c.logits[0]!))).toBeLessThan(TOLERANCE);
    }
  });

  it("keeps the whole query while the document can give way, and cuts the query only when it alone is too long", async () => {
    const short = new CrossEncoderReranker({ model: TINY, maxLength: 32 });
    const query = "what is the capital of france";
    const queryIds = (await short.encode(query, ["x"]))[0]!.inputIds.slice(1, -3);
    const [pair] = await short.encode(query, ["the river seine flows through paris. ".repeat(20)]);
    expect(pair!.inputIds.slice(1, 1 + queryIds.length)).toEqual(queryIds);
    expect(pair!.inputIds[1 + queryIds.length]).toBe(SEP);

    const [longQuery, longQueryShortDoc] = cases.filter((c) => c.maxLength === 64);
    const budget = 64 - 3;
    const firstSep = longQuery!.inputIds.indexOf(SEP);
    expect(firstSep - 1).toBe(Math.floor(budget / 2)); // both texts cut to half the budget, the longer document gets the odd token
    expect(longQueryShortDoc!.inputIds.length).toBe(64);
    const r64 = new CrossEncoderReranker({ model: TINY, maxLength: 64 });
    for (const c of [longQuery!, longQueryShortDoc!]) {
      const [p] = await r64.encode(c.query, [c.document]);
      expect(p!.inputIds).toEqual(c.inputIds);
    }
  });

  it("uses pair truncation of its own: transformers.js's would cut the closing [SEP]", async () => {
    const { AutoTokenizer } = await import("@huggingface/transformers");
    const tokenizer = await AutoTokenizer.from_pretrained(TINY, { local_files_only: true });
    const long = cases.find((c) => c.maxLength === 32)!;
    const theirs = tokenizer(long.query, {
      text_pair: long.document,
      truncation: true,
      max_length: 32,
      return_tensor: false,
    }) as unknown as {
      input_ids: number[];
    };
    expect(theirs.input_ids).toHaveLength(32);
    expect(theirs.input_ids.at(-1)).not.toBe(SEP);
    const [ours] = await new CrossEncoderReranker({ model: TINY, maxLength: 32 }).encode(long.query, [long.document]);
    expect(ours!.inputIds.at(-1)).toBe(SEP);
  });

  it("rejects bad input before running the model", async () => {
    await expect(reranker.rerank({ query: " ", documents: ["a"] })).rejects.toMatchObject({ name: "RerankInputError", field: "query" });
    await expect(reranker.rerank({ query: "q", documents: ["a", { text: "" }] })).rejects.toMatchObject({ field: "documents[1].text" });
    await expect(reranker.rerank({ query: "q", documents: ["a"], topN: 0 })).rejects.toMatchObject({ field: "topN" });
    expect(await reranker.rerank({ query: "", documents: [] })).toMatchObject({ results: [] });
    for (const [options, field] of [
      [{ model: "" }, "model"],
      [{ model: TINY, batchSize: 0 }, "batchSize"],
      [{ model: TINY, maxLength: 1.5 }, "maxLength"],
      [{ model: TINY, threads: -1 }, "threads"],
    ] as const) {
      expect(() => new CrossEncoderReranker(options)).toThrow(RerankInputError);
      expect(() => new CrossEncoderReranker(options)).toThrow(expect.objectContaining({ field }));
    }
  });

  it("rejects with the signal's reason when aborted", async () => {
    const controller = new AbortController();
    const reason = new Error("stop");
    controller.abort(reason);
    await expect(reranker.rerank({ query: "q", documents: ["a"], signal: controller.signal })).rejects.toBe(reason);
  });
});

describe("CrossEncoderReranker on the two-logit fixture", () => {
  const cases = expectedCases(TINY_2LOGIT);

  it("scores the softmax of the second logit, within 1e-4, and truncates at the model's own 64 tokens", async () => {
    const reranker = new CrossEncoderReranker({ model: TINY_2LOGIT, threads: 1 });
    expect(await reranker.maxLength()).toBe(64);
    for (const c of cases) {
      const [pair] = await reranker.encode(c.query, [c.document]);
      expect(pair!.inputIds).toEqual(c.inputIds);
      const { results, scoreKind } = await reranker.rerank({ query: c.query, documents: [c.document] });
      expect(scoreKind).toBe("probability");
      expect(Math.abs(results[0]!.relevanceScore - softmaxSecond(c.logits))).toBeLessThan(TOLERANCE);
    }
    expect(cases.at(-1)!.inputIds).toHaveLength(64);
    expect(cases.at(-1)!.inputIds.at(-1)).toBe(SEP);
  });
});
