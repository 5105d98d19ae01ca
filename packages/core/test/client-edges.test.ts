/** Edges of the client's contract: odd options, a closed client, long deadlines, replica failover. */
import { Agent } from "undici";
import { describe, expect, it } from "vitest";
import { RerankClient, type RerankClientOptions, RerankConnectionError, RerankInputError } from "../src/index.js";
import { cohereReply, json, type Reply, startTestServer, closeAfterEach } from "./helpers/http.js";

const { servers, clients } = closeAfterEach();

async function serve(reply: Reply = cohereReply((text) => text.length)) {
  const server = await startTestServer(reply);
  servers.push(server);
  return server;
}
function client(options: RerankClientOptions) {
  const c = new RerankClient(options);
  clients.push(c);
  return c;
}
const request = { query: "q", documents: ["a", "bb"] };

describe("empty in, empty out", () => {
  it("answers no documents before any configuration a request would need (model, instruct)", async () => {
    const server = await serve();
    const vllm = client({ provider: "vllm", baseURL: `${server.url}/v1` }); // no default model
    expect((await vllm.rerank({ query: "q", documents: [] })).results).toEqual([]);
    const cohere = client({ provider: "cohere", apiKey: "k", baseURL: `${server.url}/v2` }); // no instruction field
    expect((await cohere.rerank({ query: "q", documents: [], instruct: "be brief" })).results).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it("still rejects an aborted call with the signal's reason", async () => {
    const server = await serve();
    const c = client({ provider: "rerankit", baseURL: `${server.url}/v1` });
    await expect(c.rerank({ query: "q", documents: [], signal: AbortSignal.abort("gone") })).rejects.toBe("gone");
  });
});

describe("keys and headers", () => {
  it("trims a key read with a trailing newline", async () => {
    const server = await serve();
    await client({ provider: "siliconflow", apiKey: "sk-from-file\n", baseURL: `${server.url}/v1` }).rerank(request);
    expect(server.requests[0]!.headers.authorization).toBe("Bearer sk-from-file");
  });

  it("refuses a header value with a line break before sending, without quoting the value", () => {
    const make = () => new RerankClient({ provider: "rerankit", headers: { "x-gateway-key": "sk-secret\r\nx-evil: 1" } });
    expect(make).toThrow(RerankInputError);
    expect(make).toThrow(expect.objectContaining({ field: "headers.x-gateway-key" }));
    expect(make).not.toThrow(/sk-secret/);
    expect(() => new RerankClient({ provider: "rerankit", headers: { "bad name": "v" } })).toThrow(
      expect.objectContaining({ field: "headers" }),
    );
  });

  it("accepts a key given only as an auth header for a preset that requires one", async () => {
    const server = await serve();
    const saved = { s: process.env.SILICONFLOW_API_KEY, r: process.env.RERANK_API_KEY };
    delete process.env.SILICONFLOW_API_KEY;
    delete process.env.RERANK_API_KEY;
    try {
      await client({ provider: "siliconflow", headers: { Authorization: "Bearer sk-gateway" }, baseURL: `${server.url}/v1` }).rerank(
        request,
      );
      expect(server.requests[0]!.headers.authorization).toBe("Bearer sk-gateway");
    } finally {
      if (saved.s !== undefined) process.env.SILICONFLOW_API_KEY = saved.s;
      if (saved.r !== undefined) process.env.RERANK_API_KEY = saved.r;
    }
  });
});

describe("options", () => {
  it.each([
    ["maxTokensPerRequest", { maxTokensPerRequest: 0 }],
    ["maxTokensPerRequest", { maxTokensPerRequest: Number.NaN }],
    ["backoff.initialDelayMs", { backoff: { initialDelayMs: -1 } }],
    ["backoff.maxDelayMs", { backoff: { maxDelayMs: Number.NaN } }],
  ])("refuses a bad %s", (field, extra) => {
    expect(() => new RerankClient({ provider: "rerankit", ...extra })).toThrow(expect.objectContaining({ field }));
  });

  it("takes a deadline longer than a Node timer can hold as 'practically none', without timer warnings", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on("warning", onWarning);
    try {
      const server = await serve(async (req, res, n) => {
        await new Promise((r) => setTimeout(r, 100));
        cohereReply((t) => t.length)(req, res, n);
      });
      const response = await client({ provider: "rerankit", baseURL: `${server.url}/v1`, timeoutMs: 3e9 }).rerank({
        ...request,
        timeoutMs: Number.MAX_SAFE_INTEGER,
      });
      expect(response.results.map((r) => r.index)).toEqual([1, 0]);
      await new Promise((r) => setImmediate(r));
      expect(warnings).not.toContain("TimeoutOverflowWarning");
    } finally {
      process.off("warning", onWarning);
    }
  });
});

describe("a closed client", () => {
  it("fails at once, without retrying or sending", async () => {
    const server = await serve();
    const retries: unknown[] = [];
    const c = client({ provider: "rerankit", baseURL: `${server.url}/v1`, hooks: { onRetry: (e) => retries.push(e) } });
    await c.close();
    const error = await c.rerank(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankConnectionError);
    expect((error as RerankConnectionError).retryable).toBe(false);
    expect((error as Error).message).toContain("closed");
    // "At once" as events, not a stopwatch: no retry was scheduled and nothing was sent.
    expect(retries).toHaveLength(0);
    expect(server.requests).toHaveLength(0);
  });

  it("says CLIENT_CLOSED, also when the dispatcher is the caller's own (which stays open)", async () => {
    const server = await serve();
    const dispatcher = new Agent();
    const c = client({ provider: "rerankit", baseURL: `${server.url}/v1`, dispatcher });
    await c.rerank(request);
    await c.close();
    const error = await c.rerank(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankConnectionError);
    expect((error as RerankConnectionError).code).toBe("CLIENT_CLOSED");
    expect(server.requests).toHaveLength(1);
    expect(dispatcher.closed).toBe(false);
    await dispatcher.close();
  });
});

describe("replica failover", () => {
  it("goes straight to a healthy replica when one asks to be left alone (Retry-After) past the deadline", async () => {
    const busy = await serve((_req, res) => json(res, 503, { message: "overloaded" }, { "retry-after": "30" }));
    const healthy = await serve();
    const c = client({ provider: "vllm", model: "m", baseURL: [`${busy.url}/v1`, `${healthy.url}/v1`], timeoutMs: 5000 });
    const response = await c.rerank(request);
    expect(response.results.map((r) => r.index)).toEqual([1, 0]);
    expect(busy.requests).toHaveLength(1);
    expect(healthy.requests).toHaveLength(1);
    // The busy replica sits out at least its Retry-After: the next calls all go to the healthy one.
    await c.rerank(request);
    await c.rerank(request);
    expect(busy.requests).toHaveLength(1);
    expect(healthy.requests).toHaveLength(3);
  });
});
