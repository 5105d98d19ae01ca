/**
 * Both adapters over the one adapter kit: the same settings get the same answer, a reranker that
 * loses documents is caught in both modes, a closed client is never passed through, and outputs
 * share (or copy) exactly what the READMEs say. Real HTTP to a local server where a client is used.
 */
import { Document } from "@langchain/core/documents";
import { type NodeWithScore, TextNode } from "@llamaindex/core/schema";
import {
  adapterOptionError,
  type RerankAdapterOptions,
  RerankAdapterCore,
  RerankClient,
  RerankResponseError,
  RerankServerError,
  type Reranker,
  type RerankRequest,
  type RerankResponse,
  retrievalOrder,
} from "@rerankit/core";
import { RerankCompressor } from "@rerankit/langchain";
import { RerankPostprocessor } from "@rerankit/llamaindex";
import { type RerankServer, startRerankServer } from "@rerankit/server";
import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Action,
  closeAfterEach as closeFaultsAfterEach,
  failFirst,
  json as faultJson,
  startFaultServer,
} from "./faults/fault-server.js";

let server: RerankServer;
beforeAll(async () => {
  server = await startRerankServer();
});
afterAll(async () => {
  await server?.close();
});

/** Scores documents by their position (first is best), honouring topN; records each request. */
class InOrderReranker implements Reranker {
  readonly requests: RerankRequest[] = [];
  /** Results this reranker drops from the end of its answer (a broken custom reranker). */
  constructor(readonly lose = 0) {}
  async rerank(request: RerankRequest): Promise<RerankResponse> {
    this.requests.push(request);
    const n = request.documents.length;
    // Reversed: the last document is best, so a reranked answer differs from the retrieval order.
    const results = Array.from({ length: n }, (_, rank) => ({ index: n - 1 - rank, relevanceScore: (n - rank) / n }));
    const kept = results
      .filter((r) => request.minScore === undefined || r.relevanceScore >= request.minScore)
      .slice(0, Math.max(0, (request.topN ?? n) - this.lose));
    return {
      results: kept,
      model: request.model ?? "in-order",
      provider: "test",
      scoreKind: "probability",
      usage: { requests: 1 },
      requestIds: [],
    };
  }
}

type Answer = "accepted" | { name: string; field: string; message: string };

async function answer(build: () => { close(): Promise<void> }): Promise<Answer> {
  try {
    await build().close();
    return "accepted";
  } catch (error) {
    const { name, field, message } = error as { name: string; field: string; message: string };
    return { name, field, message };
  }
}

describe("one table of settings, the same answer from both adapters", () => {
  const custom = new InOrderReranker();
  const loopback = () => ({ provider: "rerankit", baseURL: `${server.url}/v1`, maxRetries: 0 });
  // [settings, the field a RerankInputError names, or "accepted"]
  const table: [string, () => unknown, string][] = [
    ["topN 0", () => ({ reranker: custom, topN: 0 }), "topN"],
    ["topN 1.5", () => ({ reranker: custom, topN: 1.5 }), "topN"],
    ["topN -1", () => ({ reranker: custom, topN: -1 }), "topN"],
    ['topN "3"', () => ({ reranker: custom, topN: "3" }), "topN"],
    ["topN NaN", () => ({ reranker: custom, topN: Number.NaN }), "topN"],
    ["minScore NaN", () => ({ reranker: custom, minScore: Number.NaN }), "minScore"],
    ["minScore Infinity", () => ({ reranker: custom, minScore: Number.POSITIVE_INFINITY }), "minScore"],
    ['minScore "0.3"', () => ({ reranker: custom, minScore: "0.3" }), "minScore"],
    ['instruct ""', () => ({ reranker: custom, instruct: "" }), "instruct"],
    ['instruct "  "', () => ({ reranker: custom, instruct: "  " }), "instruct"],
    ["instruct 5", () => ({ reranker: custom, instruct: 5 }), "instruct"],
    ['onError "ignore"', () => ({ reranker: custom, onError: "ignore" }), "onError"],
    ["reranker {}", () => ({ reranker: {} }), "reranker"],
    ["reranker null", () => ({ reranker: null }), "reranker"],
    ["reranker + provider", () => ({ reranker: custom, provider: "cohere" }), "provider"],
    ["reranker + baseURL", () => ({ reranker: custom, baseURL: "http://127.0.0.1:1/v1" }), "baseURL"],
    ["reranker + apiKey", () => ({ reranker: custom, apiKey: "sk-secret-canary" }), "apiKey"],
    ["reranker + model", () => ({ reranker: custom, model: "m" }), "accepted"],
    ['reranker + model "  "', () => ({ reranker: custom, model: "  " }), "model"],
    ["no reranker, no provider", () => ({}), "provider"],
    ["unknown provider", () => ({ provider: "no-such-provider" }), "provider"],
    ["options null", () => null, "options"],
    ["options a string", () => "cohere", "options"],
    [
      "every shared setting",
      () => ({ reranker: custom, topN: 3, minScore: 0.1, instruct: "Rank passages.", onError: "passthrough" }),
      "accepted",
    ],
    ["client options (owned)", () => ({ ...loopback(), topN: 2, onError: "throw" }), "accepted"],
    [
      "undefined settings",
      () => ({ reranker: custom, topN: undefined, minScore: undefined, instruct: undefined, onError: undefined }),
      "accepted",
    ],
  ];

  it.each(table)("%s", async (_name, settings, expected) => {
    const langchain = await answer(() => new RerankCompressor(settings() as never));
    const llamaindex = await answer(() => new RerankPostprocessor(settings() as never));
    expect(llamaindex).toEqual(langchain);
    if (expected === "accepted") {
      expect(langchain).toBe("accepted");
    } else {
      expect(langchain).toMatchObject({ name: "RerankInputError", field: expected });
      const { message } = langchain as { message: string };
      // Names the field, says what it must be, and shows no schema library's wording or the key.
      expect(message).toContain(expected);
      expect(message).not.toMatch(/Invalid input|expected \w+, received/);
      expect(message).not.toContain("sk-secret-canary");
    }
  });

  it("the messages say what each field must be", async () => {
    const message = async (settings: unknown) =>
      ((await answer(() => new RerankPostprocessor(settings as never))) as { message: string }).message;
    expect(await message({ reranker: custom, topN: 1.5 })).toBe("topN must be a positive integer; got 1.5.");
    expect(await message({ reranker: custom, minScore: Number.NaN })).toBe("minScore must be a finite number; got NaN.");
    expect(await message({ reranker: custom, instruct: "  " })).toBe(
      "instruct must be a string with some non-space text; got a blank string.",
    );
    expect(await message({ reranker: custom, onError: "ignore" })).toBe('onError must be "throw" or "passthrough"; got a string.');
    expect(await message({})).toBe("provider is missing: pass a provider (with its client options) or a reranker.");
  });
});

/** Four inputs in retrieval order, as each framework holds them. */
const texts = ["alpha one", "bravo two", "charlie three", "delta four"];
const docs = () => texts.map((text, i) => new Document({ pageContent: text, metadata: { rank: i, tags: { source: "kb" } }, id: `d${i}` }));
const nodes = (): NodeWithScore[] => texts.map((text, i) => ({ node: new TextNode({ id_: `n${i}`, text }), score: 1 - i / 10 }));

describe("a custom reranker that returns fewer results than documents (no topN, no minScore)", () => {
  it("is a RerankResponseError in throw mode, in both adapters", async () => {
    const compressor = new RerankCompressor({ reranker: new InOrderReranker(1) });
    const postprocessor = new RerankPostprocessor({ reranker: new InOrderReranker(1) });
    await expect(compressor.compressDocuments(docs(), "q")).rejects.toBeInstanceOf(RerankResponseError);
    await expect(compressor.compressDocuments(docs(), "q")).rejects.toThrow(/returned 3 results for 4 documents \(expected 4\)/);
    await expect(compressor.rerank(texts, "q")).rejects.toBeInstanceOf(RerankResponseError);
    await expect(postprocessor.postprocessNodes(nodes(), "q")).rejects.toBeInstanceOf(RerankResponseError);
  });

  it("is caught with topN too: fewer than topN results for enough documents", async () => {
    const compressor = new RerankCompressor({ reranker: new InOrderReranker(1), topN: 2 });
    const postprocessor = new RerankPostprocessor({ reranker: new InOrderReranker(1), topN: 2 });
    await expect(compressor.compressDocuments(docs(), "q")).rejects.toThrow(
      /returned 1 results for 4 documents \(expected 2 with topN 2\)/,
    );
    await expect(postprocessor.postprocessNodes(nodes(), "q")).rejects.toBeInstanceOf(RerankResponseError);
  });

  it("gives every input back in retrieval order in passthrough mode, in both adapters", async () => {
    const seen: unknown[] = [];
    const compressor = new RerankCompressor({ reranker: new InOrderReranker(2), onError: "passthrough" });
    const postprocessor = new RerankPostprocessor({
      reranker: new InOrderReranker(2),
      onError: "passthrough",
      onPassthrough: (e) => seen.push(e),
    });
    const out = await compressor.compressDocuments(docs(), "q");
    expect(out.map((d) => d.pageContent)).toEqual(texts);
    expect(out.every((d) => !("relevanceScore" in d.metadata))).toBe(true);
    const input = nodes();
    const wrapped = await postprocessor.postprocessNodes(input, "q");
    expect(wrapped.map((w) => w.node)).toEqual(input.map((n) => n.node));
    expect(wrapped.map((w) => w.score)).toEqual(input.map((n) => n.score));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(RerankResponseError);
  });

  it("a complete answer still reranks (the check does not reject good rerankers)", async () => {
    const out = await new RerankCompressor({ reranker: new InOrderReranker() }).compressDocuments(docs(), "q");
    expect(out.map((d) => d.pageContent)).toEqual([...texts].reverse());
    const wrapped = await new RerankPostprocessor({ reranker: new InOrderReranker() }).postprocessNodes(nodes(), "q");
    expect(wrapped.map((w) => w.node.id_)).toEqual(["n3", "n2", "n1", "n0"]);
    // minScore may drop results: fewer is then expected.
    const some = await new RerankCompressor({ reranker: new InOrderReranker(), minScore: 0.6 }).compressDocuments(docs(), "q");
    expect(some.map((d) => d.pageContent)).toEqual(["delta four", "charlie three"]);
  });
});

describe("a closed client throws in every mode (passthrough never hides it)", () => {
  const options = () => ({ provider: "rerankit" as const, baseURL: `${server.url}/v1`, maxRetries: 0, onError: "passthrough" as const });

  it("an adapter's own client, after the adapter's close()", async () => {
    const compressor = new RerankCompressor(options());
    const postprocessor = new RerankPostprocessor(options());
    expect(await compressor.compressDocuments(docs(), "alpha")).toHaveLength(4);
    await compressor.close();
    await postprocessor.close();
    await expect(compressor.compressDocuments(docs(), "alpha")).rejects.toMatchObject({
      name: "RerankConnectionError",
      code: "CLIENT_CLOSED",
    });
    await expect(postprocessor.postprocessNodes(nodes(), "alpha")).rejects.toMatchObject({
      name: "RerankConnectionError",
      code: "CLIENT_CLOSED",
    });
  });

  it("a borrowed client the caller closed, and a client whose dispatcher the caller closed", async () => {
    const client = new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1`, maxRetries: 0 });
    await client.close();
    await expect(
      new RerankCompressor({ reranker: client, onError: "passthrough" }).compressDocuments(docs(), "alpha"),
    ).rejects.toMatchObject({
      code: "CLIENT_CLOSED",
    });
    await expect(
      new RerankPostprocessor({ reranker: client, onError: "passthrough" }).postprocessNodes(nodes(), "alpha"),
    ).rejects.toMatchObject({
      code: "CLIENT_CLOSED",
    });
    const dispatcher = new Agent();
    const shared = new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1`, maxRetries: 0, dispatcher });
    await dispatcher.close();
    await expect(
      new RerankCompressor({ reranker: shared, onError: "passthrough" }).compressDocuments(docs(), "alpha"),
    ).rejects.toMatchObject({
      name: "RerankConnectionError",
      code: expect.stringMatching(/^UND_ERR_(CLOSED|DESTROYED)$/),
    });
    await expect(
      new RerankPostprocessor({ reranker: shared, onError: "passthrough" }).postprocessNodes(nodes(), "alpha"),
    ).rejects.toMatchObject({
      name: "RerankConnectionError",
      code: expect.stringMatching(/^UND_ERR_(CLOSED|DESTROYED)$/),
    });
  });

  it("owned clients are closed by close(); borrowed ones are left open", async () => {
    const client = new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1`, maxRetries: 0 });
    await new RerankCompressor({ reranker: client }).close();
    await new RerankPostprocessor({ reranker: client }).close();
    expect((await client.rerank({ query: "alpha", documents: texts })).results).toHaveLength(4);
    await client.close();
  });
});

describe("model beside a borrowed reranker is sent as the request's model, in both adapters", () => {
  it("reaches the reranker on every call", async () => {
    const reranker = new InOrderReranker();
    await new RerankCompressor({ reranker, model: "m-1" }).compressDocuments(docs(), "q");
    await new RerankPostprocessor({ reranker, model: "m-2" }).postprocessNodes(nodes(), "q");
    expect(reranker.requests.map((r) => r.model)).toEqual(["m-1", "m-2"]);
  });
});

describe("bad call arguments are RerankInputErrors, in every mode", () => {
  it("postprocessNodes with a string or non-nodes, compressDocuments with a non-array", async () => {
    const postprocessor = new RerankPostprocessor({ reranker: new InOrderReranker(), onError: "passthrough" });
    await expect(postprocessor.postprocessNodes("x" as never, "q")).rejects.toMatchObject({
      name: "RerankInputError",
      field: "nodes",
      message: "nodes must be an array of NodeWithScore; got a string.",
    });
    await expect(postprocessor.postprocessNodes([{ score: 1 }] as never, "q")).rejects.toMatchObject({
      name: "RerankInputError",
      field: "nodes[0]",
    });
    const compressor = new RerankCompressor({ reranker: new InOrderReranker(), onError: "passthrough" });
    await expect(compressor.compressDocuments("x" as never, "q")).rejects.toMatchObject({ name: "RerankInputError", field: "documents" });
    await expect(compressor.compressDocuments([{}] as never, "q")).rejects.toMatchObject({
      name: "RerankInputError",
      field: "documents[0]",
    });
  });
});

describe("what outputs share with inputs (the READMEs' “never mutates inputs”)", () => {
  it("LangChain: a new Document with a new top-level metadata object; nested values are the input's own objects", async () => {
    const input = docs();
    const before = structuredClone(input.map((d) => d.metadata));
    const out = await new RerankCompressor({ reranker: new InOrderReranker() }).compressDocuments(input, "q");
    const last = out[0]!; // the input's last document ranks first
    expect(last).not.toBe(input[3]);
    expect(last.metadata).not.toBe(input[3]!.metadata);
    expect(last.metadata.tags).toBe(input[3]!.metadata.tags);
    expect(input.map((d) => d.metadata)).toEqual(before);
    const passed = await new RerankCompressor({ reranker: new InOrderReranker(1), onError: "passthrough" }).compressDocuments(input, "q");
    expect(passed[0]!.metadata).not.toBe(input[0]!.metadata);
    expect(passed[0]!.metadata.tags).toBe(input[0]!.metadata.tags);
  });

  it("LlamaIndex: a new wrapper around the very same node", async () => {
    const input = nodes();
    const out = await new RerankPostprocessor({ reranker: new InOrderReranker() }).postprocessNodes(input, "q");
    expect(out[0]).not.toBe(input[3]);
    expect(out[0]!.node).toBe(input[3]!.node);
    expect(input.map((n) => n.score)).toEqual([1, 0.9, 0.8, 0.7]);
  });
});

// The README's "Writing an adapter" example, as written there.
interface Passage {
  text: string;
  [scoreField: string]: unknown;
}

class PassageReranker {
  readonly #core: RerankAdapterCore<"scoreField">;
  readonly #scoreField: string;

  constructor(options: RerankAdapterOptions & { scoreField?: string }) {
    this.#core = new RerankAdapterCore(options, ["scoreField"]);
    const { scoreField = "score" } = this.#core.framework;
    if (typeof scoreField !== "string" || scoreField === "") throw adapterOptionError("scoreField", "a non-empty string", scoreField);
    this.#scoreField = scoreField;
  }

  async rerank(query: string, passages: Passage[]): Promise<Passage[]> {
    if (passages.length === 0) return [];
    const outcome = await this.#core.run(
      { query, documents: passages.map((p) => p.text) },
      { onError: ({ error, passthrough }) => void (passthrough && console.warn("rerank skipped:", error)) },
    );
    if (outcome.passedThrough) return retrievalOrder(passages, this.#core.settings.topN);
    return outcome.response.results.map(({ index, relevanceScore }) => ({ ...passages[index]!, [this.#scoreField]: relevanceScore }));
  }

  close(): Promise<void> {
    return this.#core.close(); // closes a client it built, never a reranker you passed
  }
}

describe("the README's adapter example on the kit", () => {
  const passages = () => texts.map((text) => ({ text }));

  it("reranks over real HTTP with an owned client, checks its own option, and closes what it built", async () => {
    const adapter = new PassageReranker({ provider: "rerankit", baseURL: `${server.url}/v1`, maxRetries: 0, topN: 2, scoreField: "rel" });
    const out = await adapter.rerank("charlie three", passages());
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ text: "charlie three" });
    expect(typeof out[0]!.rel).toBe("number");
    await adapter.close();
    await expect(adapter.rerank("charlie", passages())).rejects.toMatchObject({ code: "CLIENT_CLOSED" });
    expect(() => new PassageReranker({ reranker: new InOrderReranker(), scoreField: "" })).toThrow(
      "scoreField must be a non-empty string; got an empty string.",
    );
    expect(() => new PassageReranker({ reranker: new InOrderReranker(), instruct: "  " })).toThrow(
      expect.objectContaining({ field: "instruct", message: "instruct must be a string with some non-space text; got a blank string." }),
    );
  });

  it("passes through an outage and a short answer, and throws on a bug", async () => {
    const failing: Reranker = { rerank: () => Promise.reject(new RerankServerError("down", { provider: "test", status: 503 })) };
    const warn = console.warn;
    const warned: unknown[] = [];
    console.warn = (...args: unknown[]) => void warned.push(args[1]);
    try {
      expect(await new PassageReranker({ reranker: failing, onError: "passthrough", topN: 3 }).rerank("q", passages())).toEqual(
        passages().slice(0, 3),
      );
      expect(await new PassageReranker({ reranker: new InOrderReranker(1), onError: "passthrough" }).rerank("q", passages())).toEqual(
        passages(),
      );
    } finally {
      console.warn = warn;
    }
    expect(warned.map((e) => (e as Error).name)).toEqual(["RerankServerError", "RerankResponseError"]);
    const buggy: Reranker = { rerank: () => Promise.reject(new TypeError("bug")) };
    await expect(new PassageReranker({ reranker: buggy, onError: "passthrough" }).rerank("q", passages())).rejects.toThrow(TypeError);
  });
});

describe("the LangChain trace and the LlamaIndex events are built on the client's hooks", () => {
  const faults = closeFaultsAfterEach();
  /** A real local server: 503 to the first request, then 200 in the Cohere form (last document best). */
  async function flakyServer() {
    const ok: Action = (res, _req, recorded) => {
      const n = (JSON.parse(recorded.body) as { documents: string[] }).documents.length;
      const results = Array.from({ length: n }, (_, rank) => ({ index: n - 1 - rank, relevance_score: (n - rank) / n }));
      faultJson(200, { results }, { "x-request-id": "req-ok" })(res, _req, recorded);
    };
    const flaky = await startFaultServer(failFirst(1, faultJson(503, { message: "busy" }), ok));
    faults.servers.push(flaky);
    return flaky;
  }
  const clientOptions = (url: string) => ({
    provider: "rerankit" as const,
    baseURL: `${url}/v1`,
    maxRetries: 1,
    backoff: { initialDelayMs: 1, maxDelayMs: 1 },
  });

  it("LangChain: the child run records the retry and both attempts (custom events and outputs), with a borrowed client", async () => {
    const flaky = await flakyServer();
    const client = new RerankClient(clientOptions(flaky.url));
    faults.clients.push(client);
    const compressor = new RerankCompressor({ reranker: client });
    const custom: { name: string; data: Record<string, unknown>; runId: string }[] = [];
    const ends: { outputs: Record<string, unknown>; runId: string }[] = [];
    const out = await compressor.compressDocuments(docs(), "which one", [
      {
        handleCustomEvent: (name: string, data: Record<string, unknown>, runId: string) => void custom.push({ name, data, runId }),
        handleChainEnd: (outputs: Record<string, unknown>, runId: string) => void ends.push({ outputs, runId }),
      },
    ]);
    expect(out.map((d) => d.pageContent)).toEqual([...texts].reverse());
    expect(flaky.requests).toHaveLength(2);
    expect(custom.map(({ name, data }) => ({ name, data }))).toEqual([
      { name: "rerank_attempt", data: { batch: 0, attempt: 1, status: 503, durationMs: expect.any(Number) } },
      {
        name: "rerank_retry",
        data: { batch: 0, attempt: 1, delayMs: expect.any(Number), error: expect.stringMatching(/^RerankServerError: /) },
      },
      { name: "rerank_attempt", data: { batch: 0, attempt: 2, status: 200, durationMs: expect.any(Number), requestId: "req-ok" } },
    ]);
    expect(ends).toHaveLength(1);
    // The events belong to the RerankCompressor run, the one that ends with the outputs.
    expect(custom.every((e) => e.runId === ends[0]!.runId)).toBe(true);
    const outputs = ends[0]!.outputs;
    expect(outputs.usage).toEqual({ requests: 2 });
    expect(outputs.attempts).toEqual(custom.filter((e) => e.name === "rerank_attempt").map((e) => e.data));
    expect(outputs.retries).toEqual(custom.filter((e) => e.name === "rerank_retry").map((e) => e.data));
  });

  it("LangChain: streamEvents shows the attempts as on_custom_event, with an owned client", async () => {
    const flaky = await flakyServer();
    const compressor = new RerankCompressor(clientOptions(flaky.url));
    faults.clients.push(compressor);
    const names: string[] = [];
    for await (const event of compressor.asRunnable().streamEvents({ query: "q", documents: docs() }, { version: "v2" })) {
      if (event.event === "on_custom_event") names.push(`${event.name}:${(event.data as { attempt: number }).attempt}`);
    }
    expect(names).toEqual(["rerank_attempt:1", "rerank_retry:1", "rerank_attempt:2"]);
  });

  it("LlamaIndex: onAttempt and onRetry see the same attempts, owned or borrowed client", async () => {
    for (const borrowed of [false, true]) {
      const flaky = await flakyServer();
      const client = borrowed ? new RerankClient(clientOptions(flaky.url)) : undefined;
      const seen: string[] = [];
      const callIds = new Set<string>();
      const postprocessor = new RerankPostprocessor({
        ...(client ? { reranker: client } : clientOptions(flaky.url)),
        onAttempt: ({ call, attempt, status, requestId }) => {
          callIds.add(call.id);
          seen.push(`attempt ${attempt} ${status}${requestId ? ` ${requestId}` : ""}`);
        },
        onRetry: ({ call, attempt, error }) => {
          callIds.add(call.id);
          seen.push(`retry after ${attempt}: ${error.name}`);
        },
      });
      faults.clients.push(client ?? postprocessor);
      const out = await postprocessor.postprocessNodes(nodes(), "which one");
      expect(out.map((n) => (n.node as TextNode).text)).toEqual([...texts].reverse());
      expect(seen).toEqual(["attempt 1 503", "retry after 1: RerankServerError", "attempt 2 200 req-ok"]);
      // One call: the postprocessor's own (the adapter kit's id), not the client's.
      expect([...callIds]).toHaveLength(1);
      expect([...callIds][0]).toMatch(/^rerank-\d+$/);
    }
  });

  it("LlamaIndex: a throwing onAttempt never breaks the call (unlike onResult, which rejects it)", async () => {
    const flaky = await flakyServer();
    const postprocessor = new RerankPostprocessor({
      ...clientOptions(flaky.url),
      onAttempt: () => {
        throw new Error("metrics down");
      },
    });
    faults.clients.push(postprocessor);
    const warn = console.warn;
    console.warn = () => {};
    try {
      expect(await postprocessor.postprocessNodes(nodes(), "q")).toHaveLength(texts.length);
    } finally {
      console.warn = warn;
    }
    const failing = new RerankPostprocessor({
      reranker: new InOrderReranker(),
      onResult: () => {
        throw new Error("onResult down");
      },
    });
    await expect(failing.postprocessNodes(nodes(), "q")).rejects.toThrow("onResult down");
  });

  it("the adapter kit forwards attempt hooks only when asked: no hooks, no per-call hooks on the request", async () => {
    const custom = new InOrderReranker();
    const core = new RerankAdapterCore({ reranker: custom });
    await core.run({ query: "q", documents: ["a", "b"] });
    await core.run({ query: "q", documents: ["a", "b"] }, { onResult: () => {} });
    expect(custom.requests.map((r) => r.hooks)).toEqual([undefined, undefined]);
    await core.run({ query: "q", documents: ["a", "b"] }, { onRetry: () => {} });
    expect(Object.keys(custom.requests[2]!.hooks!)).toEqual(["onRetry"]);
  });
});
