/** ListwiseReranker over the AI SDK's mock language model: prompts, window arithmetic, forgiving parsing, usage, abort and deadline. */
import { RerankInputError, RerankServerError, RerankTimeoutError } from "@rerankit/core";
import { APICallError } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import { ListwiseReranker, RANKGPT_SYSTEM_PROMPT } from "../src/index.js";
import { rankingReply } from "./support/mock-model.js";

type CallOptions = Parameters<MockLanguageModelV3["doGenerate"]>[0];

const reply = (text: string, input = 100, output = 10) => rankingReply(text, input, output);

/** The prompt's user text and its passages, in the order shown. */
function passagesOf(options: CallOptions): string[] {
  const user = options.prompt.find((m) => m.role === "user")!;
  const text = (user.content as { type: string; text: string }[]).map((p) => p.text).join("");
  return [...text.matchAll(/^\[(\d+)\] (.*)$/gm)].map((m) => m[2]!);
}

/** A model that ranks by the number in each passage ("doc 42" → 42), highest first, answering RankGPT-style. */
function numericJudge() {
  return new MockLanguageModelV3({
    modelId: "mock-judge",
    doGenerate: async (options) => {
      const passages = passagesOf(options);
      const order = passages.map((p, i) => ({ i, v: Number(p.replace(/\D/g, "")) })).sort((a, b) => b.v - a.v);
      return reply(order.map((o) => `[${o.i + 1}]`).join(" > "));
    },
  });
}

const docs = (n: number) => Array.from({ length: n }, (_, i) => `doc ${i}`);

describe("ListwiseReranker", () => {
  it("sends the RankGPT prompt: the query, the passages as [1] …, the answer format", async () => {
    const model = new MockLanguageModelV3({ doGenerate: reply("[2] > [1] > [3]") });
    const reranker = new ListwiseReranker({ model, instruct: "Find evidence for the claim" });
    const response = await reranker.rerank({ query: "which doc?", documents: ["alpha", "beta", "gamma"] });
    expect(model.doGenerateCalls).toHaveLength(1);
    const call = model.doGenerateCalls[0]!;
    expect(call.prompt[0]).toEqual({ role: "system", content: RANKGPT_SYSTEM_PROMPT });
    expect(call.temperature).toBe(0);
    const user = (call.prompt[1]!.content as { text: string }[])[0]!.text;
    expect(user).toContain("search query: which doc?");
    expect(user).toContain("Task: Find evidence for the claim");
    expect(user).toContain("[1] alpha\n[2] beta\n[3] gamma");
    expect(user).toContain("[] > []");
    expect(response.results.map((r) => r.index)).toEqual([1, 0, 2]);
    expect(response.results.map((r) => r.relevanceScore)).toEqual([1, 1 - 1 / 3, 1 - 2 / 3]);
    expect(response).toMatchObject({
      scoreKind: "rank",
      provider: "listwise",
      model: "mock-model-id",
      usage: { requests: 1, totalTokens: 110 },
    });
    expect(reranker.listDependent).toBe(true);
  });

  it("n=100, windowSize 20, step 10: 9 calls, bottom to top, and the best document reaches the top from the bottom", async () => {
    const model = numericJudge();
    // The best documents start at the bottom (reverse order): only sliding windows can lift them.
    const documents = docs(100).reverse();
    const response = await new ListwiseReranker({ model }).rerank({ query: "q", documents, topN: 10 });
    expect(model.doGenerateCalls).toHaveLength(9);
    expect(passagesOf(model.doGenerateCalls[0]!)).toEqual(documents.slice(80, 100));
    expect(response.results.map((r) => documents[r.index])).toEqual(docs(100).reverse().slice(0, 10));
    expect(response.usage).toEqual({ requests: 9, totalTokens: 9 * 110 });
  });

  it("passes repeat the sweep: two passes make twice the calls", async () => {
    const model = numericJudge();
    await new ListwiseReranker({ model, windowSize: 4, step: 2, passes: 2 }).rerank({ query: "q", documents: docs(10) });
    expect(model.doGenerateCalls).toHaveLength(2 * (Math.ceil((10 - 4) / 2) + 1));
  });

  it("malformed answers never lose or duplicate a document", async () => {
    const answers = ["Sure, [3] > [3] > [7] > [1]", "no idea", "[0] > [2]"];
    const model = new MockLanguageModelV3({ doGenerate: answers.map((a) => reply(a)) });
    const documents = docs(8);
    const response = await new ListwiseReranker({ model, windowSize: 4, step: 2 }).rerank({ query: "q", documents });
    expect(model.doGenerateCalls).toHaveLength(3);
    const indices = response.results.map((r) => r.index);
    expect([...indices].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // Window [4,8): "[3] > [3] > [7] > [1]" → doc 6, doc 4, then the unnamed 5 and 7 in order.
    // Window [2,6) over [2,3,6,4]: "no idea" keeps it. Window [0,4) over [0,1,2,3]: "[0] > [2]" → 1, 0, 2, 3.
    expect(indices).toEqual([1, 0, 2, 3, 6, 4, 5, 7]);
  });

  it("identical texts are ranked once and share a score; maxDocumentChars cuts passages without splitting a surrogate pair", async () => {
    const model = new MockLanguageModelV3({ doGenerate: reply("[2] > [1]") });
    const long = `${"x".repeat(4)}😀tail`;
    const response = await new ListwiseReranker({ model, maxDocumentChars: 5 }).rerank({ query: "q", documents: [long, "b", long] });
    expect(passagesOf(model.doGenerateCalls[0]!)).toEqual(["xxxx", "b"]);
    expect(response.results).toEqual([
      { index: 1, relevanceScore: 1 },
      { index: 0, relevanceScore: 0.5 },
      { index: 2, relevanceScore: 0.5 },
    ]);
  });

  it("topN and minScore cut the rank-based scores; fewer than two documents need no model call", async () => {
    const model = numericJudge();
    const reranker = new ListwiseReranker({ model });
    const half = await reranker.rerank({ query: "q", documents: docs(4), minScore: 0.5 });
    expect(half.results.map((r) => r.index)).toEqual([3, 2, 1]);
    const one = await reranker.rerank({ query: "q", documents: ["only"] });
    expect(one.results).toEqual([{ index: 0, relevanceScore: 1 }]);
    expect(model.doGenerateCalls).toHaveLength(1);
  });

  it("bad input and bad options are RerankInputErrors naming the field, before any model call", async () => {
    const model = numericJudge();
    const reranker = new ListwiseReranker({ model });
    await expect(reranker.rerank({ query: " ", documents: ["a", "b"] })).rejects.toMatchObject({ field: "query" });
    await expect(reranker.rerank({ query: "q", documents: ["a", 3 as never] })).rejects.toMatchObject({ field: "documents[1]" });
    expect(model.doGenerateCalls).toHaveLength(0);
    expect(() => new ListwiseReranker({ model, windowSize: 10, step: 10 })).toThrow(
      expect.objectContaining({ field: "step" }) as unknown as Error,
    );
    expect(() => new ListwiseReranker({ model, windowSize: 1 })).toThrow(RerankInputError);
    expect(() => new ListwiseReranker({} as never)).toThrow(expect.objectContaining({ field: "model" }) as unknown as Error);
  });

  it("the abort signal reaches the model, and an abort rejects with its reason", async () => {
    const seen: (AbortSignal | undefined)[] = [];
    const controller = new AbortController();
    const model = new MockLanguageModelV3({
      doGenerate: async (options) => {
        seen.push(options.abortSignal);
        controller.abort(new Error("user cancelled"));
        options.abortSignal?.throwIfAborted();
        return reply("[1] > [2]");
      },
    });
    const error = await new ListwiseReranker({ model })
      .rerank({ query: "q", documents: ["a", "b"], signal: controller.signal })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe("user cancelled");
    expect(seen[0]).toBeInstanceOf(AbortSignal);
  });

  it("the deadline aborts a model that never answers, with a RerankTimeoutError", async () => {
    const model = new MockLanguageModelV3({
      doGenerate: (options) =>
        new Promise((_, reject) =>
          options.abortSignal?.addEventListener("abort", () => reject(options.abortSignal!.reason), { once: true }),
        ),
    });
    const error = await new ListwiseReranker({ model, timeoutMs: 50 })
      .rerank({ query: "q", documents: ["a", "b"] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankTimeoutError);
  });

  it("a model's HTTP failure is a RerankError by status, the original as its cause", async () => {
    const failure = new APICallError({
      message: "overloaded",
      url: "http://x",
      requestBodyValues: {},
      statusCode: 529,
      isRetryable: false,
    });
    const model = new MockLanguageModelV3({
      doGenerate: async () => {
        throw failure;
      },
    });
    const error = (await new ListwiseReranker({ model, maxRetries: 0 })
      .rerank({ query: "q", documents: ["a", "b"] })
      .catch((e: unknown) => e)) as RerankServerError;
    expect(error).toBeInstanceOf(RerankServerError);
    expect(error.status).toBe(529);
    expect(error.cause).toBe(failure);
  });
});
