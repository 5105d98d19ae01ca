/**
 * The provider through the AI SDK's own `rerank()`, ai 6 and ai 7, against the local rerank server
 * over real HTTP.
 */
import { NoSuchModelError } from "@ai-sdk/provider";
import {
  Bm25Reranker,
  RerankBadRequestError,
  RerankClient,
  RerankInputError,
  type Reranker,
  type RerankRequest,
  type RerankResponse,
} from "@rerankit/core";
import { type RerankServer, startRerankServer } from "@rerankit/server";
import { createProviderRegistry as registry6, rerank as rerank6 } from "ai6";
import { createProviderRegistry as registry7, rerank as rerank7 } from "ai7";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createRerankit, type RerankitProvider } from "../src/index.js";

/** Records what reached the server's reranker, and can fail or stall on demand. */
class RecordingReranker implements Reranker {
  readonly seen: RerankRequest[] = [];
  failuresLeft = 0;
  failWith: () => Error = () => new Error("flaky backend");
  delayMs = 0;
  readonly #inner = new Bm25Reranker();

  async rerank(request: RerankRequest): Promise<RerankResponse> {
    this.seen.push(request);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw this.failWith();
    }
    return this.#inner.rerank(request);
  }

  reset(): void {
    this.seen.length = 0;
    this.failuresLeft = 0;
    this.delayMs = 0;
    this.failWith = () => new Error("flaky backend");
  }
}

const documents = [
  "Bananas are yellow and rich in potassium.",
  "Cats sleep for most of the day.",
  "Regular handwashing helps prevent the common cold.",
  "The common cold is caused by viruses; rest and fluids help.",
  "Stock markets closed higher on Friday.",
];
const query = "how to prevent the common cold";

let server: RerankServer;
const backend = new RecordingReranker();
let rerankit: RerankitProvider;

beforeAll(async () => {
  server = await startRerankServer({ reranker: backend });
  rerankit = createRerankit({
    provider: "rerankit",
    baseURL: `${server.url}/v1`,
    model: "bm25",
    backoff: { initialDelayMs: 1, maxDelayMs: 5 },
  });
});

afterAll(async () => {
  await rerankit?.close();
  await server?.close();
});

afterEach(() => {
  backend.reset();
  delete (globalThis as { AI_SDK_LOG_WARNINGS?: unknown }).AI_SDK_LOG_WARNINGS;
});

/** What the same documents get from a RerankClient directly: the expected ranking. */
async function direct(request: Omit<RerankRequest, "query"> & { query?: string }): Promise<RerankResponse> {
  const client = new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1`, model: "bm25" });
  try {
    return await client.rerank({ query, ...request });
  } finally {
    await client.close();
  }
}

describe.each([
  ["ai 6", rerank6 as typeof rerank7, registry6 as unknown as typeof registry7],
  ["ai 7", rerank7, registry7],
])("%s rerank()", (_name, rerank, createProviderRegistry) => {
  it("ranks text documents best first, with the scores and original indices the client gives", async () => {
    const expected = await direct({ documents, topN: 3 });
    backend.reset();
    const result = await rerank({ model: rerankit.reranking(), query, documents, topN: 3 });
    expect(result.ranking.map((r) => r.originalIndex)).toEqual(expected.results.map((r) => r.index));
    expect(result.ranking.map((r) => r.score)).toEqual(expected.results.map((r) => r.relevanceScore));
    expect(result.rerankedDocuments).toEqual(expected.results.map((r) => documents[r.index]));
    expect(result.ranking[0]!.originalIndex).toBe(2); // "handwashing … prevent the common cold"
    expect(backend.seen).toHaveLength(1);
    expect(backend.seen[0]!.documents).toEqual(documents);
    expect(result.response.modelId).toBe("bm25");
    expect(result.providerMetadata?.rerankit).toMatchObject({ provider: "rerankit", model: "bm25", requests: 1, scoreKind: "unknown" });
    const requestIds = result.providerMetadata?.rerankit?.requestIds as string[];
    expect(requestIds).toHaveLength(1);
    expect(result.response.id).toBe(requestIds[0]);
  });

  it("works through createProviderRegistry", async () => {
    const registry = createProviderRegistry({ rerankit });
    const result = await rerank({ model: registry.rerankingModel("rerankit:from-registry"), query, documents, topN: 1 });
    expect(result.ranking[0]!.originalIndex).toBe(2);
    expect(backend.seen[0]!.model).toBe("from-registry");
  });

  it("sends a model id given to reranking() as the request's model", async () => {
    await rerank({ model: rerankit.reranking("my-reranker"), query, documents });
    expect(backend.seen[0]!.model).toBe("my-reranker");
    expect(rerankit("my-reranker").modelId).toBe("my-reranker");
    expect(rerankit.rerankingModel("x").provider).toBe("rerankit.rerankit");
  });

  it("ranks object documents by their JSON text, or by documentText, and returns the objects", async () => {
    const objects = documents.map((text, id) => ({ id, text }));
    const result = await rerank({ model: rerankit.reranking(), query, documents: objects, topN: 2 });
    expect(backend.seen[0]!.documents).toEqual(objects.map((o) => JSON.stringify(o)));
    expect(result.rerankedDocuments[0]).toBe(objects[result.ranking[0]!.originalIndex]);

    const custom = createRerankit({ provider: "rerankit", baseURL: `${server.url}/v1`, documentText: (d) => String(d.text) });
    try {
      await rerank({ model: custom.reranking(), query, documents: objects });
      expect(backend.seen[1]!.documents).toEqual(documents);
    } finally {
      await custom.close();
    }
  });

  it("maps providerOptions.rerankit: instruct reaches the server, minScore drops low scores", async () => {
    const all = await direct({ documents });
    backend.reset();
    const threshold = all.results[1]!.relevanceScore;
    const result = await rerank({
      model: rerankit.reranking(),
      query,
      documents,
      providerOptions: { rerankit: { instruct: "Find passages on cold prevention.", minScore: threshold } },
    });
    expect(backend.seen[0]!.instruct).toBe("Find passages on cold prevention.");
    expect(result.ranking.every((r) => r.score >= threshold)).toBe(true);
    expect(result.ranking).toHaveLength(all.results.filter((r) => r.relevanceScore >= threshold).length);
  });

  it("sends providerOptions.rerankit.extraBody over the client's extraBody, for that call only", async () => {
    const bodies: Record<string, unknown>[] = [];
    const capturing = ((input: string, init: RequestInit) => {
      bodies.push(JSON.parse(String(init.body)));
      return fetch(input, init);
    }) as typeof fetch;
    const withExtra = createRerankit({ provider: "rerankit", baseURL: `${server.url}/v1`, fetch: capturing, extraBody: { a: 1, b: 1 } });
    try {
      await rerank({ model: withExtra.reranking(), query, documents, providerOptions: { rerankit: { extraBody: { b: 2, c: 3 } } } });
      await rerank({ model: withExtra.reranking(), query, documents });
      expect(bodies[0]).toMatchObject({ a: 1, b: 2, c: 3 });
      expect(bodies[1]).toMatchObject({ a: 1, b: 1 });
      expect(bodies[1]).not.toHaveProperty("c");
    } finally {
      await withExtra.close();
    }
  });

  it("reports the client's own warnings (a hook that threw) through the SDK's warning channel", async () => {
    const logged: { warnings: { type: string; message?: string }[] }[] = [];
    (globalThis as { AI_SDK_LOG_WARNINGS?: unknown }).AI_SDK_LOG_WARNINGS = (options: (typeof logged)[number]) => logged.push(options);
    const noisy = createRerankit({
      provider: "rerankit",
      baseURL: `${server.url}/v1`,
      hooks: {
        onRequest() {
          throw new Error("my tracer broke");
        },
      },
    });
    try {
      const result = await rerank({ model: noisy.reranking(), query, documents, topN: 1 });
      expect(result.ranking).toHaveLength(1);
      expect(logged).toHaveLength(1);
      expect(logged[0]!.warnings).toEqual([
        expect.objectContaining({ type: "other", message: expect.stringContaining("my tracer broke") }),
      ]);
    } finally {
      await noisy.close();
    }
  });

  it("rejects a bad providerOptions value with a RerankInputError naming it, before any request", async () => {
    const call = rerank({ model: rerankit.reranking(), query, documents, providerOptions: { rerankit: { minScore: "high" } } });
    await expect(call).rejects.toBeInstanceOf(RerankInputError);
    await expect(call).rejects.toMatchObject({ field: "providerOptions.rerankit.minScore" });
    expect(backend.seen).toHaveLength(0);
  });

  it("reports unknown providerOptions and per-call headers through the SDK's warning channel", async () => {
    const logged: { warnings: unknown[]; provider: string; model: string }[] = [];
    (globalThis as { AI_SDK_LOG_WARNINGS?: unknown }).AI_SDK_LOG_WARNINGS = (options: (typeof logged)[number]) => logged.push(options);
    await rerank({
      model: rerankit.reranking(),
      query,
      documents,
      headers: { "x-trace": "1" },
      providerOptions: { rerankit: { retunDocuments: true } },
    });
    expect(logged).toHaveLength(1);
    expect(logged[0]!.provider).toBe("rerankit.rerankit");
    expect(logged[0]!.warnings).toEqual([
      expect.objectContaining({ type: "unsupported", feature: "providerOptions.rerankit.retunDocuments" }),
      expect.objectContaining({ type: "unsupported", feature: "headers" }),
    ]);
  });

  it("retries a 5xx in the client (the SDK's own maxRetries adds none) and counts the requests", async () => {
    backend.failuresLeft = 1;
    const result = await rerank({ model: rerankit.reranking(), query, documents, maxRetries: 0 });
    expect(backend.seen).toHaveLength(2);
    expect(result.providerMetadata?.rerankit?.requests).toBe(2);
  });

  it("throws Rerankit's own error, unwrapped and not retried again by the SDK", async () => {
    backend.failuresLeft = 10;
    backend.failWith = () => new RerankInputError("no such model", { field: "model" });
    const call = rerank({ model: rerankit.reranking(), query, documents, maxRetries: 3 });
    await expect(call).rejects.toBeInstanceOf(RerankBadRequestError);
    await expect(call).rejects.toMatchObject({ status: 400, attempts: 1 });
    expect(backend.seen).toHaveLength(1); // one rerank() call: retried by neither the client nor the SDK
  });

  it("stops at the abort signal with its reason", async () => {
    backend.delayMs = 2_000;
    const controller = new AbortController();
    const reason = new Error("user went away");
    const call = rerank({ model: rerankit.reranking(), query, documents, abortSignal: controller.signal });
    // Aborted once the server's reranker holds the request (polled), not after a sleep racing it.
    await vi.waitFor(() => expect(backend.seen).toHaveLength(1), { timeout: 10_000, interval: 5 });
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
  });

  it("applies the provider's settings (topN, instruct, model beside a reranker) when the call gives none", async () => {
    const defaults = createRerankit({ provider: "rerankit", baseURL: `${server.url}/v1`, topN: 2, instruct: "Find cold advice." });
    try {
      const result = await rerank({ model: defaults.reranking(), query, documents });
      expect(result.ranking).toHaveLength(2);
      expect(backend.seen[0]!.instruct).toBe("Find cold advice.");
      const one = await rerank({ model: defaults.reranking(), query, documents, topN: 1 });
      expect(one.ranking).toHaveLength(1);
    } finally {
      await defaults.close();
    }
    const seen: (string | undefined)[] = [];
    const local = createRerankit({
      reranker: {
        rerank: (request) => {
          seen.push(request.model);
          return new Bm25Reranker().rerank(request);
        },
      },
      model: "my-model",
    });
    await rerank({ model: local.reranking(), query, documents });
    expect(seen).toEqual(["my-model"]);
    expect(local.reranking().modelId).toBe("my-model");
  });

  it('onError: "passthrough" returns the retrieval order when the API fails, with a warning', async () => {
    const logged: { warnings: { type: string; message?: string }[] }[] = [];
    (globalThis as { AI_SDK_LOG_WARNINGS?: unknown }).AI_SDK_LOG_WARNINGS = (options: (typeof logged)[number]) => logged.push(options);
    backend.failuresLeft = 10;
    const lenient = createRerankit({ provider: "rerankit", baseURL: `${server.url}/v1`, maxRetries: 0, onError: "passthrough" });
    try {
      const result = await rerank({ model: lenient.reranking(), query, documents, topN: 3 });
      expect(result.ranking.map((r) => [r.originalIndex, r.score])).toEqual([
        [0, 0],
        [1, 0],
        [2, 0],
      ]);
      expect(result.providerMetadata?.rerankit).toEqual({ passthrough: true, error: "RerankServerError" });
      expect(logged[0]!.warnings[0]!.message).toContain("retrieval order");
      // Bad input still throws: passthrough rides out the API, not a bug.
      await expect(
        rerank({ model: lenient.reranking(), query, documents, providerOptions: { rerankit: { minScore: Number.NaN } } }),
      ).rejects.toBeInstanceOf(RerankInputError);
    } finally {
      await lenient.close();
    }
  });

  it("works over any Reranker, in process", async () => {
    const local = createRerankit({ reranker: new Bm25Reranker() });
    const result = await rerank({ model: local.reranking(), query, documents, topN: 1 });
    expect(result.ranking.map((r) => r.originalIndex)).toEqual([2]);
    expect(local.reranking().provider).toBe("rerankit");
    await local.close(); // never closes a borrowed reranker; a no-op here
    expect(backend.seen).toHaveLength(0);
  });
});

describe("createRerankit", () => {
  it.each([
    [{}, "provider"],
    [{ reranker: {} }, "reranker"],
    [{ reranker: new Bm25Reranker(), provider: "cohere" }, "provider"],
    [{ provider: "rerankit", documentText: "json" }, "documentText"],
    [{ provider: "rerankit", topN: 0 }, "topN"],
    [{ provider: "rerankit", onError: "ignore" }, "onError"],
  ])("rejects %o with a RerankInputError naming %s", (options, field) => {
    const build = () => createRerankit(options as Parameters<typeof createRerankit>[0]);
    expect(build).toThrow(RerankInputError);
    expect(build).toThrow(expect.objectContaining({ field }));
  });

  it("builds no client (and needs no API key) until the first call", async () => {
    const saved = process.env.COHERE_API_KEY;
    const savedGeneric = process.env.RERANK_API_KEY;
    delete process.env.COHERE_API_KEY;
    delete process.env.RERANK_API_KEY;
    try {
      const cohere = createRerankit({ provider: "cohere" });
      const model = cohere.reranking("rerank-v3.5");
      expect(model.provider).toBe("rerankit.cohere");
      await expect(model.doRerank({ query, documents: { type: "text", values: documents } })).rejects.toBeInstanceOf(RerankInputError);
    } finally {
      if (saved !== undefined) process.env.COHERE_API_KEY = saved;
      if (savedGeneric !== undefined) process.env.RERANK_API_KEY = savedGeneric;
    }
  });

  it("offers reranking models only", () => {
    expect(() => rerankit.languageModel("gpt")).toThrow(NoSuchModelError);
    expect(() => rerankit.embeddingModel("e")).toThrow(NoSuchModelError);
    expect(rerankit.specificationVersion).toBe("v3");
  });

  it("refuses calls after close()", async () => {
    const closing = createRerankit({ provider: "rerankit", baseURL: `${server.url}/v1` });
    await closing.close();
    await expect(closing.reranking().doRerank({ query, documents: { type: "text", values: documents } })).rejects.toBeInstanceOf(
      RerankInputError,
    );
  });
});
