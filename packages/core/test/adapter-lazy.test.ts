/** RerankAdapterCore's lazy reranker factory: what the AI SDK provider builds on (owned on first call, refused after close). */
import { describe, expect, it } from "vitest";
import { Bm25Reranker, RerankAdapterCore, type RerankClientOptions, RerankInputError, type RerankRequest } from "../src/index.js";

function factory() {
  const built: { options: RerankClientOptions; requests: RerankRequest[]; closed: number }[] = [];
  const createReranker = (options: RerankClientOptions) => {
    const record = { options, requests: [] as RerankRequest[], closed: 0 };
    built.push(record);
    const inner = new Bm25Reranker();
    return {
      rerank: (request: RerankRequest) => {
        record.requests.push(request);
        return inner.rerank(request);
      },
      close: async () => {
        record.closed++;
      },
    };
  };
  return { built, createReranker };
}

describe("RerankAdapterCore with createReranker", () => {
  it("builds nothing in the constructor, describes the call from the client options, and builds once on the first call", async () => {
    const { built, createReranker } = factory();
    const core = new RerankAdapterCore({ provider: "cohere", model: "rerank-v3.5", topN: 1 }, [], { createReranker });
    expect(built).toHaveLength(0);
    expect(core.describe(2)).toMatchObject({ provider: "cohere", model: "rerank-v3.5", topN: 1 });
    expect(core.owned).toBe(true);

    for (let i = 0; i < 2; i++) {
      const outcome = await core.run({ query: "cold", documents: ["a cold", "a tower"], timeoutMs: 500, extraBody: { x: 1 } });
      expect(outcome.passedThrough).toBe(false);
    }
    expect(built).toHaveLength(1);
    expect(built[0]!.options).toEqual({ provider: "cohere", model: "rerank-v3.5" });
    expect(built[0]!.requests[0]).toMatchObject({ query: "cold", topN: 1, timeoutMs: 500, extraBody: { x: 1 } });
    await core.close();
    await core.close();
    expect(built[0]!.closed).toBe(2);
  });

  it("refuses a call after close() with a RerankInputError on reranker, even in passthrough mode, and never builds", async () => {
    const { built, createReranker } = factory();
    const core = new RerankAdapterCore({ provider: "cohere", onError: "passthrough" }, [], { createReranker });
    await core.close();
    const error = await core.run({ query: "q", documents: ["d"] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankInputError);
    expect(error).toMatchObject({ field: "reranker" });
    expect(built).toHaveLength(0);
  });

  it("leaves a borrowed reranker alone: no factory call, never closed", async () => {
    const { built, createReranker } = factory();
    const borrowed = {
      ...new Bm25Reranker(),
      rerank: (r: RerankRequest) => new Bm25Reranker().rerank(r),
      close: () => Promise.reject(new Error("closed a borrowed reranker")),
    };
    const core = new RerankAdapterCore({ reranker: borrowed }, [], { createReranker });
    expect(core.reranker).toBe(borrowed);
    expect((await core.run({ query: "q", documents: ["q"] })).passedThrough).toBe(false);
    await core.close();
    expect(built).toHaveLength(0);
    expect(core.owned).toBe(false);
  });
});
