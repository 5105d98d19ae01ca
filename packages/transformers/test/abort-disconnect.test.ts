/**
 * A client that hangs up abandons its work (issue 20, item 6), behind a real `rerankit` server on
 * the tiny cross-encoder: the server passes the reranker a signal that aborts on disconnect, the
 * batching queue drops the job (no further forward pass for it, its queue slot freed), and the
 * next caller is served. Every step waits on an event (the signal's abort, a forward pass that a
 * gate holds), never on a timer.
 */
import { once } from "node:events";
import { request as httpRequest } from "node:http";
import type { Reranker, RerankRequest } from "@rerankit/core";
import { type RerankServer, startRerankServer } from "@rerankit/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatchingReranker, CrossEncoderReranker, type EncodedPair, type PairScorer } from "../src/index.js";
import { TINY } from "./fixtures.js";

/** The model, with every forward pass recorded and held until the test lets it go. */
function gated(model: CrossEncoderReranker) {
  const passes: { query: string; rows: number }[] = [];
  let release: () => void = () => {};
  let gate = Promise.resolve();
  let entered: (() => void) | undefined;
  const queryOf = new WeakMap<EncodedPair, string>();
  const scorer: PairScorer = {
    model: model.model,
    load: () => model.load(),
    async encode(query, documents) {
      const pairs = await model.encode(query, documents);
      for (const pair of pairs) queryOf.set(pair, query);
      return pairs;
    },
    async score(pairs) {
      passes.push({ query: queryOf.get(pairs[0]!) ?? "?", rows: pairs.length });
      entered?.();
      await gate;
      return model.score(pairs);
    },
  };
  return {
    scorer,
    passes,
    /** Holds the next forward passes; resolves once one of them has started. */
    hold(): Promise<void> {
      gate = new Promise((resolve) => {
        release = resolve;
      });
      return new Promise((resolve) => {
        entered = resolve;
      });
    },
    release: () => release(),
  };
}

describe("a client that hangs up", () => {
  const model = new CrossEncoderReranker({ model: TINY, localOnly: true });
  const { scorer, passes, hold, release } = gated(model);
  // One request may wait: a second one is a 503 while the first still holds its slot.
  const batching = new BatchingReranker({ reranker: scorer, maxBatchTokens: 256, maxQueue: 1 });
  const signals: AbortSignal[] = [];
  // The server's reranker, recording the signal each request brings.
  const spy: Reranker & { model: string } = {
    model: batching.model,
    rerank(request: RerankRequest) {
      if (request.signal) signals.push(request.signal);
      return batching.rerank(request);
    },
  };
  let server: RerankServer;
  beforeAll(async () => {
    await model.load();
    server = await startRerankServer({ reranker: spy });
  });
  afterAll(async () => {
    release();
    await server?.close();
  });

  it("aborts the reranker's signal, the batching queue drops the job, and the next caller is served", async () => {
    // 200 documents of ~20 tokens: ten or more forward passes at 256 padded tokens each.
    const documents = Array.from({ length: 200 }, (_, i) => `document number ${i} about washing hands to prevent a cold`);
    const started = hold();
    const abandoned = httpRequest(`${server.url}/v1/rerank`, { method: "POST", headers: { "content-type": "application/json" } });
    abandoned.on("error", () => {}); // the hang-up is ours
    abandoned.end(JSON.stringify({ query: "abandoned", documents }));
    await started; // its first forward pass is under way (and held)
    expect(batching.queued).toBe(1);
    const signal = signals.at(-1)!;
    expect(signal.aborted).toBe(false);

    abandoned.destroy(); // the client hangs up
    await once(signal, "abort");
    expect(batching.queued).toBe(0); // the queue slot is free at once
    const passesBefore = passes.filter((p) => p.query === "abandoned").length;
    release(); // the pass under way ends; no other pass of the abandoned job may follow

    const reply = await fetch(`${server.url}/v1/rerank`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "next caller", documents: ["wash your hands", "bananas"] }),
    });
    expect(reply.status).toBe(200); // not a 503: the abandoned job holds no slot
    const body = (await reply.json()) as { results: unknown[] };
    expect(body.results).toHaveLength(2);
    expect(passes.filter((p) => p.query === "abandoned").length).toBe(passesBefore);
    expect(passesBefore).toBe(1);
    expect(passes.at(-1)!.query).toBe("next caller");
  });

  it("a request answered in full leaves its signal unaborted (the reply is not an abandonment)", async () => {
    const reply = await fetch(`${server.url}/v1/rerank`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "answered", documents: ["one", "two"] }),
    });
    expect(reply.status).toBe(200);
    await reply.arrayBuffer();
    expect(signals.at(-1)!.aborted).toBe(false);
  });
});
