import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { RerankInputError } from "@rerankit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RerankServer, startRerankServer } from "../src/index.js";
import { DOCUMENTS, post, QUERY, WordCountReranker } from "./helpers.js";

const NATIVE = "/api/v1/services/rerank/text-rerank/text-rerank";
const COMPATIBLE = "/compatible-api/v1/reranks";

let server: RerankServer;
const reranker = new WordCountReranker();

beforeAll(async () => {
  server = await startRerankServer({ reranker });
});
afterAll(async () => {
  await server.close();
});

describe("startRerankServer", () => {
  it("listens on an ephemeral loopback port and reports a url without a trailing slash", () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
  });

  it("brackets an IPv6 host in the url", async () => {
    const v6 = await startRerankServer({ host: "::1", reranker });
    try {
      expect(v6.url).toBe(`http://[::1]:${v6.port}`);
      expect((await fetch(`${v6.url}/health`)).status).toBe(200);
    } finally {
      await v6.close();
    }
  });

  it("refuses bad options", async () => {
    await expect(startRerankServer({ port: -1 })).rejects.toThrow(TypeError);
    await expect(startRerankServer({ port: 1.5 })).rejects.toThrow(TypeError);
    await expect(startRerankServer({ apiKey: "" })).rejects.toThrow(/apiKey/);
    await expect(startRerankServer({ maxBodyBytes: 0 })).rejects.toThrow(/maxBodyBytes/);
  });

  it("rejects when the port is taken", async () => {
    await expect(startRerankServer({ port: server.port })).rejects.toThrow(/EADDRINUSE/);
  });

  it("close() ends idle keep-alive sockets, is idempotent, and refuses new connections after", async () => {
    const local = await startRerankServer({ reranker });
    const socket = connect(local.port, "127.0.0.1");
    const reply = new Promise<string>((resolve) => {
      let text = "";
      socket.on("data", (chunk) => {
        text += chunk.toString();
        if (text.includes('"ok"')) resolve(text);
      });
    });
    socket.write("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n");
    expect(await reply).toMatch(/^HTTP\/1\.1 200/);
    const socketClosed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    await Promise.all([local.close(), local.close()]);
    await socketClosed;
    await expect(fetch(`${local.url}/health`)).rejects.toThrow();
  });
});

describe("Cohere/Jina form", () => {
  it("ranks string documents on /v1/rerank with id, results, meta and usage", async () => {
    const reply = await post(`${server.url}/v1/rerank`, { model: "m-1", query: QUERY, documents: DOCUMENTS });
    expect(reply.status).toBe(200);
    expect(reply.body.id).toBe(reply.headers.get("x-request-id"));
    expect(reply.body.results.map((r: { index: number }) => r.index)).toEqual([2, 0, 3, 1]);
    expect(reply.body.results[0]).toEqual({ index: 2, relevance_score: 3 });
    expect(reply.body.meta).toEqual({ api_version: { version: "1" }, billed_units: { search_units: 1 } });
    expect(reply.body.usage.total_tokens).toBeGreaterThan(0);
    expect(reply.body.model).toBe("m-1");
    expect(reranker.last).toMatchObject({ query: QUERY, documents: DOCUMENTS, model: "m-1" });
  });

  it("ranks {text} documents on /v2/rerank, honouring top_n and return_documents", async () => {
    const documents = DOCUMENTS.map((text, i) => ({ text, id: `doc-${i}` }));
    const reply = await post(`${server.url}/v2/rerank`, { model: "m", query: QUERY, documents, top_n: 2, return_documents: true });
    expect(reply.status).toBe(200);
    expect(reply.body.results).toEqual([
      { index: 2, relevance_score: 3, document: { text: DOCUMENTS[2] } },
      { index: 0, relevance_score: 2, document: { text: DOCUMENTS[0] } },
    ]);
    expect(reply.body.meta.api_version.version).toBe("2");
    expect(reranker.last?.topN).toBe(2);
  });

  it("serves /rerank too, and clamps a top_n above the document count", async () => {
    const reply = await post(`${server.url}/rerank`, { query: QUERY, documents: DOCUMENTS, top_n: 50 });
    expect(reply.status).toBe(200);
    expect(reply.body.results).toHaveLength(DOCUMENTS.length);
    expect(reply.body.meta).toBeDefined();
  });

  it("counts one search unit per 100 documents", async () => {
    const documents = Array.from({ length: 250 }, (_, i) => `document ${i}`);
    const reply = await post(`${server.url}/v2/rerank`, { query: "document", documents });
    expect(reply.body.meta.billed_units.search_units).toBe(3);
  });

  it("passes instruct and SiliconFlow's instruction through to the reranker", async () => {
    await post(`${server.url}/v1/rerank`, { query: QUERY, documents: DOCUMENTS, instruct: "Find capitals." });
    expect(reranker.last?.instruct).toBe("Find capitals.");
    await post(`${server.url}/v1/rerank`, { query: QUERY, documents: DOCUMENTS, instruction: "Find cities." });
    expect(reranker.last?.instruct).toBe("Find cities.");
  });

  it("ignores unknown request fields, as real servers do", async () => {
    const reply = await post(`${server.url}/v1/rerank`, {
      query: QUERY,
      documents: DOCUMENTS,
      max_chunks_per_doc: 10,
      rank_fields: ["text"],
      truncate: "END",
      something_new: { nested: true },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.results[0].index).toBe(2);
  });

  it("answers an empty documents list with no results, naming the reranker's model (it asks the reranker: empty in, empty out)", async () => {
    const before = reranker.requests.length;
    const reply = await post(`${server.url}/v1/rerank`, { query: QUERY, documents: [] });
    expect(reply.status).toBe(200);
    expect(reply.body.results).toEqual([]);
    expect(reply.body.model).toBe("word-count");
    expect(reranker.requests.slice(before).map((r) => r.documents)).toEqual([[]]);
  });

  it("accepts a query string and a trailing slash on the path", async () => {
    const reply = await post(`${server.url}/v1/rerank/?trace=1`, { query: QUERY, documents: DOCUMENTS });
    expect(reply.status).toBe(200);
  });
});

describe("TEI form", () => {
  it("answers a body with texts with TEI's bare array of { index, score }", async () => {
    const reply = await post(`${server.url}/rerank`, { query: QUERY, texts: DOCUMENTS, raw_scores: false, truncate: true });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual([
      { index: 2, score: 3 },
      { index: 0, score: 2 },
      { index: 3, score: 1 },
      { index: 1, score: 0 },
    ]);
  });

  it("adds each text with return_text", async () => {
    const reply = await post(`${server.url}/v1/rerank`, { query: QUERY, texts: DOCUMENTS, return_text: true });
    expect(reply.body[0]).toEqual({ index: 2, score: 3, text: DOCUMENTS[2] });
    expect(reply.body).toHaveLength(4);
  });
});

describe("DashScope forms", () => {
  it("answers the native body with { request_id, output: { results }, usage }", async () => {
    const reply = await post(`${server.url}${NATIVE}`, {
      model: "qwen3-rerank",
      input: { query: QUERY, documents: DOCUMENTS },
      parameters: { top_n: 2, return_documents: true, instruct: "Retrieve capitals." },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.request_id).toBe(reply.headers.get("x-request-id"));
    expect(reply.body.output.results).toEqual([
      { index: 2, relevance_score: 3, document: { text: DOCUMENTS[2] } },
      { index: 0, relevance_score: 2, document: { text: DOCUMENTS[0] } },
    ]);
    expect(reply.body.usage.total_tokens).toBeGreaterThan(0);
    expect(reranker.last).toMatchObject({ model: "qwen3-rerank", instruct: "Retrieve capitals.", topN: 2 });
  });

  it("answers the native body without parameters with every document", async () => {
    const reply = await post(`${server.url}${NATIVE}`, { model: "qwen3-rerank", input: { query: QUERY, documents: DOCUMENTS } });
    expect(reply.body.output.results).toHaveLength(4);
    expect(reply.body.output.results[0]).toEqual({ index: 2, relevance_score: 3 });
  });

  it("answers the compatible (flat) body with the seed's envelope", async () => {
    const reply = await post(`${server.url}${COMPATIBLE}`, {
      model: "qwen3-rerank",
      query: QUERY,
      documents: DOCUMENTS,
      top_n: 3,
      instruct: "Retrieve semantically similar text.",
    });
    expect(reply.status).toBe(200);
    expect(reply.body.request_id).toBe(reply.headers.get("x-request-id"));
    expect(reply.body.output.results.map((r: { index: number }) => r.index)).toEqual([2, 0, 3]);
    expect(reply.body.usage.total_tokens).toBeGreaterThan(0);
    expect(reranker.last?.instruct).toBe("Retrieve semantically similar text.");
  });
});

describe("health and routing", () => {
  it("GET /health answers { status: 'ok', listDependent } with a request id", async () => {
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", listDependent: false });
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("HEAD /health answers 200 with no body", async () => {
    const response = await fetch(`${server.url}/health`, { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
  });

  it("answers an unknown path with 404", async () => {
    const reply = await post(`${server.url}/v1/embeddings`, { input: "x" });
    expect(reply.status).toBe(404);
    expect(reply.body.message).toMatch(/no route/);
    expect(reply.headers.get("x-request-id")).toBeTruthy();
  });

  it("answers a wrong method with 405 and Allow, in the route's dialect", async () => {
    const cohere = await fetch(`${server.url}/v1/rerank`);
    expect(cohere.status).toBe(405);
    expect(cohere.headers.get("allow")).toBe("POST");
    expect(await cohere.json()).toEqual({ message: expect.stringMatching(/GET is not allowed/) });

    const dashscope = await fetch(`${server.url}${NATIVE}`, { method: "PUT", body: "{}" });
    expect(dashscope.status).toBe(405);
    expect(await dashscope.json()).toEqual({
      code: "MethodNotAllowed",
      message: expect.any(String),
      request_id: dashscope.headers.get("x-request-id"),
    });

    const health = await post(`${server.url}/health`, {});
    expect(health.status).toBe(405);
    expect(health.headers.get("allow")).toBe("GET, HEAD");
  });
});

describe("request validation answers a 4xx in the dialect's own shape", () => {
  const cohereCases: [string, unknown, RegExp][] = [
    ["bad JSON", '{"query": "x", ', /not valid JSON/],
    ["an empty body", "", /empty/],
    ["a JSON array", "[]", /must be a JSON object/],
    ["a missing query", { documents: DOCUMENTS }, /query is required/],
    ["an empty query", { query: "  ", documents: DOCUMENTS }, /query must not be empty/],
    ["a query that is not a string", { query: 5, documents: DOCUMENTS }, /query must be a string/],
    ["missing documents", { query: QUERY }, /documents is required/],
    ["documents that are not an array", { query: QUERY, documents: "abc" }, /documents must be an array/],
    ["a number among the documents", { query: QUERY, documents: ["a", 1] }, /documents\[1\]/],
    ["an object without text", { query: QUERY, documents: [{ title: "x" }] }, /documents\[0\]/],
    ["top_n 0", { query: QUERY, documents: DOCUMENTS, top_n: 0 }, /top_n must be a positive integer/],
    ["a negative top_n", { query: QUERY, documents: DOCUMENTS, top_n: -2 }, /top_n/],
    ["a fractional top_n", { query: QUERY, documents: DOCUMENTS, top_n: 1.5 }, /top_n/],
    ["top_n as a string", { query: QUERY, documents: DOCUMENTS, top_n: "3" }, /top_n/],
    [
      "return_documents that is not a boolean",
      { query: QUERY, documents: DOCUMENTS, return_documents: "yes" },
      /return_documents must be a boolean/,
    ],
    ["instruct that is not a string", { query: QUERY, documents: DOCUMENTS, instruct: 3 }, /instruct must be a string/],
  ];
  it.each(cohereCases)("Cohere family: %s → 400 { message }", async (_name, body, message) => {
    const reply = await post(`${server.url}/v1/rerank`, body);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ message: expect.stringMatching(message) });
  });

  const teiCases: [string, unknown, RegExp][] = [
    ["texts that are not an array", { query: QUERY, texts: "abc" }, /texts must be an array/],
    ["an object among the texts", { query: QUERY, texts: [{ text: "a" }] }, /texts\[0\] must be a string/],
    ["a missing query", { texts: DOCUMENTS }, /query is required/],
    ["return_text that is not a boolean", { query: QUERY, texts: DOCUMENTS, return_text: 1 }, /return_text/],
  ];
  it.each(teiCases)("TEI: %s → 400 { error, error_type: 'Validation' }", async (_name, body, message) => {
    const reply = await post(`${server.url}/rerank`, body);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error: expect.stringMatching(message), error_type: "Validation" });
  });

  const nativeCases: [string, unknown, RegExp][] = [
    ["bad JSON", "{", /not valid JSON/],
    ["a missing input", { model: "m", query: QUERY, documents: DOCUMENTS }, /input is required/],
    ["an empty input.query", { input: { query: "", documents: DOCUMENTS } }, /query must not be empty/],
    ["input.documents that is not an array", { input: { query: QUERY, documents: { text: "a" } } }, /input\.documents must be an array/],
    ["parameters.top_n 0", { input: { query: QUERY, documents: DOCUMENTS }, parameters: { top_n: 0 } }, /parameters\.top_n/],
    [
      "parameters that are not an object",
      { input: { query: QUERY, documents: DOCUMENTS }, parameters: [1] },
      /parameters must be a JSON object/,
    ],
  ];
  it.each(nativeCases)("DashScope native: %s → 400 { code, message, request_id }", async (_name, body, message) => {
    const reply = await post(`${server.url}${NATIVE}`, body);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      code: "InvalidParameter",
      message: expect.stringMatching(message),
      request_id: reply.headers.get("x-request-id"),
    });
  });

  const compatibleCases: [string, unknown, RegExp][] = [
    ["a missing query", { documents: DOCUMENTS }, /query is required/],
    ["top_n 0", { query: QUERY, documents: DOCUMENTS, top_n: 0 }, /top_n/],
    ["a document that is null", { query: QUERY, documents: [null] }, /documents\[0\]/],
  ];
  it.each(compatibleCases)("DashScope compatible: %s → 400 { code, message, request_id }", async (_name, body, message) => {
    const reply = await post(`${server.url}${COMPATIBLE}`, body);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      code: "InvalidParameter",
      message: expect.stringMatching(message),
      request_id: reply.headers.get("x-request-id"),
    });
  });

  it("still answers correctly after all those bad requests, and after garbage on a raw socket", async () => {
    const socket = connect(server.port, "127.0.0.1");
    const answer = new Promise<string>((resolve) => {
      let text = "";
      socket.on("data", (chunk) => (text += chunk.toString()));
      socket.on("close", () => resolve(text));
    });
    socket.end("THIS IS NOT HTTP\r\n\r\n");
    expect(await answer).toMatch(/^HTTP\/1\.1 400/);
    const reply = await post(`${server.url}/v1/rerank`, { query: QUERY, documents: DOCUMENTS });
    expect(reply.status).toBe(200);
    expect(reply.body.results[0].index).toBe(2);
  });
});

describe("body size cap", () => {
  let small: RerankServer;
  beforeAll(async () => {
    small = await startRerankServer({ reranker, maxBodyBytes: 1024 });
  });
  afterAll(async () => {
    await small.close();
  });
  const big = { query: QUERY, documents: Array.from({ length: 100 }, () => "a document of about fifty bytes, repeated often") };

  it("answers a body over the cap (declared by content-length) with 413 in the dialect's shape", async () => {
    const cohere = await post(`${small.url}/v1/rerank`, big);
    expect(cohere.status).toBe(413);
    expect(cohere.body).toEqual({ message: expect.stringMatching(/larger than the 1024 bytes/) });
    const dashscope = await post(`${small.url}${COMPATIBLE}`, big);
    expect(dashscope.status).toBe(413);
    expect(dashscope.body).toMatchObject({ code: "InvalidParameter", request_id: dashscope.headers.get("x-request-id") });
  });

  it("answers a chunked body that grows over the cap with 413, and keeps serving", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${small.url}/v1/rerank`, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      const chunk = JSON.stringify(big);
      req.write(chunk);
      req.end(chunk);
    });
    expect(status).toBe(413);
    const reply = await post(`${small.url}/v1/rerank`, { query: QUERY, documents: DOCUMENTS });
    expect(reply.status).toBe(200);
  });
});

describe("API key", () => {
  let locked: RerankServer;
  const KEY = "sk-local-canary-4242";
  beforeAll(async () => {
    locked = await startRerankServer({ reranker, apiKey: KEY });
  });
  afterAll(async () => {
    await locked.close();
  });

  it("answers 401 without a key, in the Cohere shape", async () => {
    const reply = await post(`${locked.url}/v1/rerank`, { query: QUERY, documents: DOCUMENTS });
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({ message: expect.stringMatching(/API key/) });
  });

  it("answers 401 for a wrong key, a prefix of the key, and a non-Bearer scheme", async () => {
    for (const authorization of ["Bearer wrong", `Bearer ${KEY.slice(0, -1)}`, `Basic ${KEY}`, KEY]) {
      const reply = await post(`${locked.url}/v2/rerank`, { query: QUERY, documents: DOCUMENTS }, { authorization });
      expect(reply.status).toBe(401);
      expect(JSON.stringify(reply.body)).not.toContain(KEY);
    }
  });

  it("answers 401 in DashScope's shape on the DashScope routes", async () => {
    const reply = await post(`${locked.url}${NATIVE}`, { input: { query: QUERY, documents: DOCUMENTS } }, { authorization: "Bearer nope" });
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({ code: "InvalidApiKey", message: expect.any(String), request_id: reply.headers.get("x-request-id") });
  });

  it("answers 200 with the right key (any case of 'Bearer')", async () => {
    const reply = await post(`${locked.url}/v1/rerank`, { query: QUERY, documents: DOCUMENTS }, { authorization: `Bearer ${KEY}` });
    expect(reply.status).toBe(200);
    const lower = await post(`${locked.url}${COMPATIBLE}`, { query: QUERY, documents: DOCUMENTS }, { authorization: `bearer ${KEY}` });
    expect(lower.status).toBe(200);
  });

  it("leaves /health open", async () => {
    expect((await fetch(`${locked.url}/health`)).status).toBe(200);
  });
});

describe("a failing reranker", () => {
  const failures: [string, () => Promise<never>, number][] = [
    ["throws", async () => Promise.reject(new Error("model exploded")), 500],
    [
      "rejects the input",
      async () => Promise.reject(new RerankInputError("too many documents", { provider: "test", field: "documents" })),
      400,
    ],
  ];
  it.each(failures)("that %s is answered in each dialect's shape, and the server survives", async (_name, rerank, status) => {
    const broken = await startRerankServer({ reranker: { rerank } });
    try {
      const cohere = await post(`${broken.url}/v1/rerank`, { query: QUERY, documents: DOCUMENTS });
      expect(cohere.status).toBe(status);
      expect(cohere.body).toEqual({ message: expect.any(String) });
      const tei = await post(`${broken.url}/rerank`, { query: QUERY, texts: DOCUMENTS });
      expect(tei.status).toBe(status);
      expect(tei.body).toEqual({ error: expect.any(String), error_type: status === 500 ? "Backend" : "Validation" });
      const dashscope = await post(`${broken.url}${COMPATIBLE}`, { query: QUERY, documents: DOCUMENTS });
      expect(dashscope.status).toBe(status);
      expect(dashscope.body).toMatchObject({ code: status === 500 ? "InternalError" : "InvalidParameter" });
      expect((await fetch(`${broken.url}/health`)).status).toBe(200);
    } finally {
      await broken.close();
    }
  });

  it("that returns an index out of range or a non-finite score is a 500, never a bad reply", async () => {
    for (const results of [
      [{ index: 9, relevanceScore: 1 }],
      [{ index: 0, relevanceScore: Number.NaN }],
      [
        { index: 0, relevanceScore: 1 },
        { index: 0, relevanceScore: 0.5 },
      ],
    ]) {
      const liar = await startRerankServer({
        reranker: {
          rerank: async () => ({ results, model: "liar", provider: "test", scoreKind: "unknown", usage: { requests: 0 }, requestIds: [] }),
        },
      });
      try {
        const reply = await post(`${liar.url}/v1/rerank`, { query: QUERY, documents: ["a", "b"] });
        expect(reply.status).toBe(500);
        expect(reply.body.message).toMatch(/the reranker failed: .*(out of range or repeated|non-finite score)/);
      } finally {
        await liar.close();
      }
    }
  });
});
