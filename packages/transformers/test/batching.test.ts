import { RerankServerError } from "@rerankit/core";
import { type RerankServer, startRerankServer } from "@rerankit/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { BatchingReranker, CrossEncoderReranker, type EncodedPair, type PairScorer, RerankOverloadedError } from "../src/index.js";
import { expectedCases, TINY } from "./fixtures.js";

/**
 * Wraps the model to record every forward pass (its rows and padded size). `holdFirstPass(n)`
 * makes the next forward pass wait until `n` requests have been tokenized, and so queued: the tiny
 * fixture answers in about a millisecond, faster than sixteen HTTP requests arrive, so without the
 * hold there could be nothing to gather. Explicit synchronisation, not a delay: it holds however
 * fast the model and however slow the machine.
 */
function recording(model: CrossEncoderReranker) {
  const passes: { rows: number; paddedTokens: number }[] = [];
  let encoded = 0;
  let hold: { requests: number; open: () => void; gate: Promise<void> } | undefined;
  let holdNextPass = false;
  const scorer: PairScorer = {
    model: model.model,
    load: () => model.load(),
    encode: async (query, documents) => {
      const pairs = await model.encode(query, documents);
      encoded++;
      if (hold && encoded >= hold.requests) hold.open();
      return pairs;
    },
    score: async (pairs: readonly EncodedPair[]) => {
      passes.push({ rows: pairs.length, paddedTokens: pairs.length * Math.max(...pairs.map((p) => p.inputIds.length)) });
      if (holdNextPass && hold) {
        holdNextPass = false;
        await hold.gate;
        // A tokenized request is queued in the microtasks after its encode() resolves; a
        // macrotask runs only once they all have, so every request is in the queue by then.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      return model.score(pairs);
    },
  };
  const holdFirstPass = (requests: number) => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    encoded = 0;
    hold = { requests, open, gate };
    holdNextPass = true;
  };
  return { scorer, passes, holdFirstPass };
}

const cases = expectedCases(TINY).filter((c) => c.maxLength === null && c.inputIds.length < 100);
const QUERIES = [...new Set(cases.map((c) => c.query))];
const DOCUMENTS = [...new Set(cases.map((c) => c.document))];

describe("BatchingReranker behind a real rerank server", () => {
  let model: CrossEncoderReranker;
  let server: RerankServer;
  const { scorer, passes, holdFirstPass } = recording(new CrossEncoderReranker({ model: TINY }));
  const MAX_BATCH_TOKENS = 1024;

  beforeAll(async () => {
    model = new CrossEncoderReranker({ model: TINY });
    await model.load();
    await scorer.load();
    server = await startRerankServer({ reranker: new BatchingReranker({ reranker: scorer, maxBatchTokens: MAX_BATCH_TOKENS }) });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("gathers 16 concurrent requests into fewer forward passes, and answers each caller with its own scores", async () => {
    // Each client asks its own query about its own slice of the documents.
    const requests = Array.from({ length: 16 }, (_, i) => ({
      query: QUERIES[i % QUERIES.length]!,
      documents: DOCUMENTS.filter((_, d) => (d + i) % 3 !== 0),
      top_n: 3 + (i % 4),
    }));
    passes.length = 0;
    holdFirstPass(requests.length);
    const replies = await Promise.all(
      requests.map(async (body) => {
        const res = await fetch(`${server.url}/v1/rerank`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        expect(res.status).toBe(200);
        return (await res.json()) as { results: { index: number; relevance_score: number }[] };
      }),
    );
    for (const [i, reply] of replies.entries()) {
      const own = await model.rerank({ query: requests[i]!.query, documents: requests[i]!.documents, topN: requests[i]!.top_n });
      expect(reply.results.map((r) => r.index)).toEqual(own.results.map((r) => r.index));
      reply.results.forEach((r, k) => {
        expect(Math.abs(r.relevance_score - own.results[k]!.relevanceScore)).toBeLessThan(1e-6);
      });
    }
    const pairs = requests.reduce((sum, r) => sum + r.documents.length, 0);
    expect(passes.reduce((sum, p) => sum + p.rows, 0)).toBe(pairs);
    expect(passes.length).toBeLessThan(requests.length);
    expect(Math.max(...passes.map((p) => p.rows))).toBeGreaterThan(requests[0]!.documents.length);
    for (const pass of passes) expect(pass.paddedTokens).toBeLessThanOrEqual(MAX_BATCH_TOKENS);
  });
});

describe("BatchingReranker's bounded queue", () => {
  it("rejects a call beyond maxQueue at once with a retryable 503 RerankServerError carrying retryAfterMs", async () => {
    const model = new CrossEncoderReranker({ model: TINY });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Resolved when the first forward pass starts: what the test waits for instead of a sleep.
    let entered!: () => void;
    const inModel = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const slow: PairScorer = {
      model: model.model,
      load: () => model.load(),
      encode: (q, d) => model.encode(q, d),
      score: async (pairs) => {
        entered();
        await gate;
        return model.score(pairs);
      },
    };
    await model.load();
    const batching = new BatchingReranker({ reranker: slow, maxQueue: 2, retryAfterMs: 250 });
    const call = (i: number) => batching.rerank({ query: QUERIES[0]!, documents: [DOCUMENTS[i]!] });
    const running = call(0);
    await inModel; // the first call is now in the model
    const waiting = [call(1), call(2)];
    await vi.waitFor(() => expect(batching.queued).toBe(2), { timeout: 10_000, interval: 5 });
    const error = await call(3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankOverloadedError);
    expect(RerankServerError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 503, retryable: true, retryAfterMs: 250, provider: "transformers" });
    release();
    const done = await Promise.all([running, ...waiting]);
    expect(done.map((r) => r.results.length)).toEqual([1, 1, 1]);
    expect(batching.queued).toBe(0);
    expect((await call(3)).results).toHaveLength(1);
  });

  it("a failed forward pass rejects only the calls in it, and an aborted call leaves the queue", async () => {
    const model = new CrossEncoderReranker({ model: TINY });
    let fail = true;
    const flaky: PairScorer = {
      model: model.model,
      load: () => model.load(),
      encode: (q, d) => model.encode(q, d),
      score: async (pairs) => {
        if (fail) throw new Error("boom");
        return model.score(pairs);
      },
    };
    await model.load();
    const batching = new BatchingReranker({ reranker: flaky });
    await expect(batching.rerank({ query: "q", documents: ["a"] })).rejects.toThrow("boom");
    fail = false;
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    const aborted = batching.rerank({ query: "q", documents: ["a"], signal: controller.signal });
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    expect((await batching.rerank({ query: "q", documents: ["a", "b"] })).results).toHaveLength(2);
    expect(batching.queued).toBe(0);
  });

  it("behind the server, a full queue is a 503 with Retry-After, and the waiting callers still get their answers", async () => {
    const model = new CrossEncoderReranker({ model: TINY });
    await model.load();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Resolved when the first forward pass starts: what the test waits for instead of a sleep.
    let entered!: () => void;
    const inModel = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const slow: PairScorer = {
      model: model.model,
      load: () => model.load(),
      encode: (q, d) => model.encode(q, d),
      score: async (pairs) => {
        entered();
        await gate;
        return model.score(pairs);
      },
    };
    const batching = new BatchingReranker({ reranker: slow, maxQueue: 1, retryAfterMs: 1500 });
    const server = await startRerankServer({ reranker: batching });
    const post = (i: number) =>
      fetch(`${server.url}/v1/rerank`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: QUERIES[0], documents: [DOCUMENTS[i]] }),
      });
    try {
      const running = post(0);
      await inModel; // the first request is in the model
      const waiting = post(1);
      await vi.waitFor(() => expect(batching.queued).toBe(1), { timeout: 10_000, interval: 5 });
      const refused = await post(2);
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toBe("2");
      await refused.arrayBuffer();
      release();
      expect((await running).status).toBe(200);
      expect((await waiting).status).toBe(200);
    } finally {
      release();
      await server.close();
    }
  });
});
