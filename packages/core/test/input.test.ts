/** Every bad input is a RerankInputError naming the field, raised before any request is sent. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RerankClient, RerankInputError, type RerankRequest } from "../src/index.js";
import { cohereReply, startTestServer, type TestServer } from "./helpers/http.js";

let server: TestServer;
let client: RerankClient;
beforeAll(async () => {
  server = await startTestServer(cohereReply((text) => text.length));
  client = new RerankClient({ provider: "siliconflow", apiKey: "sk-input", baseURL: `${server.url}/v1` });
});
afterAll(async () => {
  await client.close();
  await server.close();
});

const good = { query: "q", documents: ["a", "b"] };
const cases: { name: string; request: unknown; field: string }[] = [
  { name: "a missing request", request: undefined, field: "request" },
  { name: "a query that is not a string", request: { ...good, query: 42 }, field: "query" },
  { name: "documents that are not an array", request: { ...good, documents: "a" }, field: "documents" },
  { name: "a document that is a number", request: { ...good, documents: ["a", 3] }, field: "documents[1]" },
  { name: "a document that is null", request: { ...good, documents: [null] }, field: "documents[0]" },
  { name: "a document object without text", request: { ...good, documents: [{ title: "x" }] }, field: "documents[0].text" },
  { name: "a document object with non-string text", request: { ...good, documents: ["a", { text: 5 }] }, field: "documents[1].text" },
  { name: "an empty document", request: { ...good, documents: ["a", "  "] }, field: "documents[1]" },
  { name: "topN of 0", request: { ...good, topN: 0 }, field: "topN" },
  { name: "a negative topN", request: { ...good, topN: -2 }, field: "topN" },
  { name: "a fractional topN", request: { ...good, topN: 1.5 }, field: "topN" },
  { name: "a string topN", request: { ...good, topN: "3" }, field: "topN" },
  { name: "a NaN minScore", request: { ...good, minScore: Number.NaN }, field: "minScore" },
  { name: "an infinite minScore", request: { ...good, minScore: Number.POSITIVE_INFINITY }, field: "minScore" },
  { name: "an empty instruct", request: { ...good, instruct: "" }, field: "instruct" },
  { name: "an empty model", request: { ...good, model: "" }, field: "model" },
  { name: "a non-boolean returnDocuments", request: { ...good, returnDocuments: "yes" }, field: "returnDocuments" },
  { name: "a signal that is not an AbortSignal", request: { ...good, signal: {} }, field: "signal" },
  { name: "a zero timeoutMs", request: { ...good, timeoutMs: 0 }, field: "timeoutMs" },
];

describe("request validation", () => {
  for (const c of cases) {
    it(`rejects ${c.name} (field ${c.field})`, async () => {
      const error = await client.rerank(c.request as RerankRequest).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RerankInputError);
      expect((error as RerankInputError).field).toBe(c.field);
      expect((error as RerankInputError).message).toContain(c.field);
      expect((error as RerankInputError).attempts).toBe(0);
      expect(server.requests).toHaveLength(0);
    });
  }

  it("answers no documents with an empty result and no request", async () => {
    const response = await client.rerank({ query: "q", documents: [] });
    expect(response.results).toEqual([]);
    expect(response.usage.requests).toBe(0);
    expect(server.requests).toHaveLength(0);
  });

  it("refuses a blank or whitespace-only query (field query) and sends nothing, so no document is lost silently", async () => {
    for (const query of ["", "   ", "\n\t"]) {
      const error = await client.rerank({ query, documents: ["a"] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RerankInputError);
      expect((error as RerankInputError).field).toBe("query");
      expect((error as Error).message).toMatch(/query must not be empty/);
    }
    expect(server.requests).toHaveLength(0);
  });

  it("still answers a blank query with no documents by an empty result (empty list first)", async () => {
    const response = await client.rerank({ query: " ", documents: [] });
    expect(response.results).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    ["a NaN topN", { topN: Number.NaN }, "topN must be a positive integer"],
    ["a string minScore", { minScore: "0.5" }, "minScore must be a finite number"],
    ["a numeric query", { query: 3 }, "query must be a string"],
    ["a string timeoutMs", { timeoutMs: "10" }, "timeoutMs must be a positive number"],
  ])("words %s in its own terms, never a schema library's", async (_name, patch, message) => {
    const error = await client.rerank({ query: "q", documents: ["a"], ...patch } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankInputError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toMatch(/Invalid input|expected \w+, received/);
  });

  it("tells a caller who passes LangChain documents to pass text", async () => {
    const error = await client
      .rerank({ query: "q", documents: [{ pageContent: "hello", metadata: {} }] as never })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankInputError);
    expect((error as RerankInputError).field).toBe("documents[0].text");
    expect((error as Error).message).toMatch(/pass \{ text: doc\.pageContent \}/);
  });

  it("clamps topN to the number of documents and applies minScore after ranking", async () => {
    const response = await client.rerank({ query: "q", documents: ["aaa", "a", "aa"], topN: 10, minScore: 2 });
    expect((server.requests.at(-1)!.json as { top_n: number }).top_n).toBe(3);
    expect(response.results).toEqual([
      { index: 0, relevanceScore: 3 },
      { index: 2, relevanceScore: 2 },
    ]);
  });

  it("returns the caller's own document objects, never mutated", async () => {
    const documents = [{ text: "bb", id: "x", meta: { a: 1 } }, "a"];
    const snapshot = structuredClone(documents);
    const response = await client.rerank({ query: "q", documents, returnDocuments: true });
    expect(response.results[0]!.document).toBe(documents[0]);
    expect(documents).toEqual(snapshot);
  });
});

describe("client options", () => {
  const env = process.env;
  const withEnv = <T>(vars: Record<string, string | undefined>, fn: () => T): T => {
    const saved = { ...env };
    Object.assign(env, vars);
    for (const [k, v] of Object.entries(vars)) if (v === undefined) delete env[k];
    try {
      return fn();
    } finally {
      for (const k of Object.keys(vars)) delete env[k];
      Object.assign(env, saved);
    }
  };

  it("refuses an unknown provider", () => {
    expect(() => new RerankClient({ provider: "nope" as "dmxapi" })).toThrow(RerankInputError);
  });

  it("reads the key from the preset's env var, then RERANK_API_KEY, and says which to set when none is found", async () => {
    const seen: string[] = [];
    const s = await startTestServer((req, res) => {
      seen.push(String(req.headers.authorization));
      cohereReply(() => 1)(req, res, 0);
    });
    const baseURL = `${s.url}/v1`;
    try {
      for (const vars of [
        { DMXAPI_API_KEY: "sk-from-preset-env", RERANK_API_KEY: "sk-generic" },
        { DMXAPI_API_KEY: undefined, RERANK_API_KEY: "sk-generic" },
      ]) {
        const c = withEnv(vars, () => new RerankClient({ provider: "dmxapi", baseURL }));
        await c.rerank({ query: "q", documents: ["a"] });
        await c.close();
      }
      expect(seen).toEqual(["Bearer sk-from-preset-env", "Bearer sk-generic"]);
      const error = withEnv({ DMXAPI_API_KEY: undefined, RERANK_API_KEY: undefined }, () => {
        try {
          new RerankClient({ provider: "dmxapi" });
        } catch (e) {
          return e;
        }
      });
      expect(error).toBeInstanceOf(RerankInputError);
      expect((error as RerankInputError).field).toBe("apiKey");
      expect((error as Error).message).toContain("DMXAPI_API_KEY");
    } finally {
      await s.close();
    }
  });

  it("refuses plain http to a non-loopback host unless allowInsecureHttp", () => {
    const make = (allowInsecureHttp?: boolean) => () =>
      new RerankClient({
        provider: "rerankit",
        baseURL: "http://rerank.internal:8080/v1",
        ...(allowInsecureHttp ? { allowInsecureHttp } : {}),
      });
    expect(make()).toThrow(/Refusing plain http/);
    expect(make(true)).not.toThrow();
    for (const host of ["127.0.0.1", "localhost", "[::1]", "127.8.9.10"]) {
      expect(() => new RerankClient({ provider: "rerankit", baseURL: `http://${host}:1/v1` })).not.toThrow();
    }
  });

  it("appends the dialect path to the base URL, trailing slash or not", async () => {
    for (const suffix of ["/v1", "/v1/"]) {
      const c = new RerankClient({ provider: "siliconflow", apiKey: "k", baseURL: `${server.url}${suffix}` });
      await c.rerank({ query: "q", documents: ["a"] });
      await c.close();
      expect(server.requests.at(-1)!.url).toBe("/v1/rerank");
    }
  });

  it("requires a model when the preset has no default and none is given per call", async () => {
    const c = new RerankClient({ provider: "vllm", baseURL: `${server.url}/v1` });
    const error = await c.rerank({ query: "q", documents: ["a"] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankInputError);
    expect((error as RerankInputError).field).toBe("model");
    const named = await c.rerank({ query: "q", documents: ["a"], model: "BAAI/bge-reranker-v2-m3" });
    expect(named.model).toBe("BAAI/bge-reranker-v2-m3");
    await c.close();
  });

  it("rejects bad numeric options by name", () => {
    for (const field of ["maxRetries", "concurrency", "maxDocumentsPerRequest", "maxResponseBytes"] as const) {
      expect(() => new RerankClient({ provider: "rerankit", [field]: -1 })).toThrow(expect.objectContaining({ field }));
    }
    expect(() => new RerankClient({ provider: "rerankit", timeoutMs: 0 })).toThrow(expect.objectContaining({ field: "timeoutMs" }));
  });
});
