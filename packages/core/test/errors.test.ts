/** Each error class, produced by a real local server answering that status and that provider's body. */
import { inspect } from "node:util";
import { describe, expect, it, vi } from "vitest";
import {
  RerankAuthenticationError,
  RerankBadRequestError,
  RerankClient,
  type RerankClientOptions,
  RerankConnectionError,
  RerankError,
  RerankRateLimitError,
  RerankResponseError,
  RerankServerError,
  RerankTimeoutError,
} from "../src/index.js";
import { json, type Reply, startTestServer, type TestServer, closeAfterEach } from "./helpers/http.js";

const CANARY = "sk-canary-7f3a9c1e5b2d4680";
const { servers, clients } = closeAfterEach();

async function serve(reply: Reply) {
  const server = await startTestServer(reply);
  servers.push(server);
  return server;
}

function clientFor(server: TestServer, options: Partial<RerankClientOptions> = {}) {
  const client = new RerankClient({
    provider: "siliconflow",
    apiKey: CANARY,
    baseURL: `${server.url}/v1`,
    backoff: { initialDelayMs: 10, maxDelayMs: 50 },
    ...options,
  } as RerankClientOptions);
  clients.push(client);
  return client;
}

const request = { query: "如何预防感冒", documents: ["勤洗手", "多喝水"] };
const ok = (res: Parameters<Reply>[1]) =>
  json(res, 200, {
    results: [
      { index: 1, relevance_score: 0.9 },
      { index: 0, relevance_score: 0.1 },
    ],
  });
const okReply: Reply = (_req, res) => ok(res);

async function failure(promise: Promise<unknown>): Promise<RerankError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(RerankError.isInstance(error), `expected a RerankError, got ${inspect(error)}`).toBe(true);
  assertNoCanary(error);
  return error as RerankError;
}

/** The key appears in no view of an error: message, stack, inspect, JSON. */
function assertNoCanary(error: unknown) {
  const views = [String(error), (error as Error).stack ?? "", inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error)];
  for (const view of views) expect(view).not.toContain(CANARY);
}

describe("status and body → error class", () => {
  const cases: {
    name: string;
    status: number;
    body: unknown;
    type: typeof RerankError;
    message: string;
    code?: string;
    requestId?: string;
    attempts: number;
  }[] = [
    { name: "SiliconFlow 401", status: 401, body: "Invalid token", type: RerankAuthenticationError, message: "Invalid token", attempts: 1 },
    {
      name: "403 OpenAI-style",
      status: 403,
      body: { error: { message: "model not allowed", type: "permission_error", code: "forbidden" } },
      type: RerankAuthenticationError,
      message: "model not allowed",
      code: "forbidden",
      attempts: 1,
    },
    {
      name: "498 invalid token",
      status: 498,
      body: { message: "invalid api token" },
      type: RerankAuthenticationError,
      message: "invalid api token",
      attempts: 1,
    },
    {
      name: "SiliconFlow 400",
      status: 400,
      body: { code: 20012, message: "Model does not exist. Please check it carefully.", data: null },
      type: RerankBadRequestError,
      message: "Model does not exist",
      code: "20012",
      attempts: 1,
    },
    {
      name: "DashScope 400",
      status: 400,
      body: { code: "InvalidParameter", message: "Range of documents should be [1, 500]", request_id: "ds-req-1" },
      type: RerankBadRequestError,
      message: "Range of documents",
      code: "InvalidParameter",
      requestId: "ds-req-1",
      attempts: 1,
    },
    {
      name: "402 out of credit",
      status: 402,
      body: { error: { message: "Insufficient credits", code: 402 } },
      type: RerankBadRequestError,
      message: "Insufficient credits",
      attempts: 1,
    },
    { name: "404", status: 404, body: { message: "not found" }, type: RerankBadRequestError, message: "not found", attempts: 1 },
    { name: "413", status: 413, body: "", type: RerankBadRequestError, message: "HTTP 413", attempts: 1 },
    {
      name: "422 FastAPI detail",
      status: 422,
      body: { detail: [{ loc: ["body", "query"], msg: "field required", input: "SECRET DOCUMENT TEXT" }] },
      type: RerankBadRequestError,
      message: "body.query: field required",
      attempts: 1,
    },
    {
      name: "424 TEI",
      status: 424,
      body: { error: "model is not a re-ranker model", error_type: "Backend" },
      type: RerankBadRequestError,
      message: "not a re-ranker",
      code: "Backend",
      attempts: 1,
    },
    {
      name: "500 DashScope",
      status: 500,
      body: { code: "InternalError", message: "internal error", request_id: "ds-500" },
      type: RerankServerError,
      message: "internal error",
      requestId: "ds-500",
      attempts: 3,
    },
    {
      name: "501 not retried",
      status: 501,
      body: { error: { message: "This server does not support reranking. Start it with `--reranking`", type: "not_supported_error" } },
      type: RerankServerError,
      message: "does not support reranking",
      attempts: 1,
    },
    {
      name: "502 HTML page",
      status: 502,
      body: "<html><body><h1>502 Bad Gateway</h1></body></html>",
      type: RerankServerError,
      message: "HTML page",
      attempts: 3,
    },
    { name: "503 empty body", status: 503, body: "", type: RerankServerError, message: "HTTP 503", attempts: 3 },
    {
      name: "429 without Retry-After",
      status: 429,
      body: { message: "rate limited" },
      type: RerankRateLimitError,
      message: "rate limited",
      attempts: 3,
    },
    {
      name: "408 request timeout, retried",
      status: 408,
      body: { message: "request timed out" },
      type: RerankTimeoutError,
      message: "request timed out",
      attempts: 3,
    },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.type.name}`, async () => {
      const server = await serve((_req, res) => json(res, c.status, c.body));
      const error = await failure(clientFor(server).rerank(request));
      expect(error).toBeInstanceOf(c.type);
      expect(error.name).toBe(c.type.name);
      expect(error.status).toBe(c.status);
      expect(error.provider).toBe("siliconflow");
      expect(error.message).toContain(c.message);
      if (c.code) expect(error.code).toBe(c.code);
      if (c.requestId) expect(error.requestId).toBe(c.requestId);
      expect(error.attempts).toBe(c.attempts);
      expect(server.requests).toHaveLength(c.attempts);
      expect(error.message).not.toContain("SECRET DOCUMENT TEXT");
    });
  }

  it("takes the request id from a response header when the body has none", async () => {
    const server = await serve((_req, res) => json(res, 400, { message: "bad" }, { "x-request-id": "hdr-42" }));
    const error = await failure(clientFor(server).rerank(request));
    expect(error.requestId).toBe("hdr-42");
  });

  it("scrubs a key that the provider echoes back", async () => {
    const server = await serve((_req, res) => json(res, 401, { message: `Invalid API key: ${CANARY}` }));
    const error = await failure(clientFor(server).rerank(request));
    expect(error.message).toContain("[redacted]");
  });
});

describe("retries", () => {
  it("retries 5xx and succeeds, counting every request", async () => {
    const server = await serve((_req, res, n) => (n < 3 ? json(res, 503, { message: "busy" }) : ok(res)));
    const response = await clientFor(server).rerank(request);
    expect(response.results.map((r) => r.index)).toEqual([1, 0]);
    expect(response.usage.requests).toBe(3);
  });

  it("retries a reset connection as a RerankConnectionError and gives up after maxRetries", async () => {
    const server = await serve((_req, res) => {
      res.socket?.destroy();
    });
    const error = await failure(clientFor(server, { maxRetries: 1 }).rerank(request));
    expect(error).toBeInstanceOf(RerankConnectionError);
    expect(error.retryable).toBe(true);
    expect(error.attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
  });

  it("reports a refused connection as a RerankConnectionError", async () => {
    const server = await serve(okReply);
    const url = server.url;
    await server.close();
    servers.length = 0;
    const client = new RerankClient({ provider: "rerankit", baseURL: `${url}/v1`, maxRetries: 0 });
    clients.push(client);
    const error = await failure(client.rerank(request));
    expect(error).toBeInstanceOf(RerankConnectionError);
    expect(error.code).toBe("ECONNREFUSED");
  });

  const gaps = (_server: TestServer, times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

  it("never retries earlier than Retry-After in seconds", async () => {
    const times: number[] = [];
    const server = await serve((_req, res, n) => {
      times.push(Date.now());
      if (n === 1) json(res, 429, { message: "slow down" }, { "retry-after": "1" });
      else ok(res);
    });
    await clientFor(server).rerank(request);
    expect(gaps(server, times)[0]).toBeGreaterThanOrEqual(990);
  });

  it("honours retry-after-ms", async () => {
    const times: number[] = [];
    const server = await serve((_req, res, n) => {
      times.push(performance.now());
      if (n === 1) json(res, 503, "", { "retry-after-ms": "300" });
      else ok(res);
    });
    await clientFor(server).rerank(request);
    expect(gaps(server, times)[0]).toBeGreaterThanOrEqual(295);
  });

  it("honours Retry-After as an HTTP date", async () => {
    const times: number[] = [];
    let until = 0;
    const server = await serve((_req, res, n) => {
      times.push(Date.now());
      if (n === 1) {
        until = Math.ceil((Date.now() + 1500) / 1000) * 1000; // HTTP dates have whole seconds
        json(res, 429, { message: "later" }, { "retry-after": new Date(until).toUTCString() });
      } else ok(res);
    });
    await clientFor(server).rerank(request);
    expect(times[1]!).toBeGreaterThanOrEqual(until - 20);
  });

  it("fails at once with RerankRateLimitError when the server's wait passes the deadline", async () => {
    const server = await serve((_req, res) => json(res, 429, { message: "quota" }, { "retry-after": "30" }));
    const timeoutMs = 20_000;
    const started = performance.now();
    const error = await failure(clientFor(server, { timeoutMs }).rerank(request));
    // At once: before the deadline it could have waited for (a bound from the configured deadline).
    expect(performance.now() - started).toBeLessThan(timeoutMs);
    expect(error).toBeInstanceOf(RerankRateLimitError);
    expect((error as RerankRateLimitError).retryAfterMs).toBe(30_000);
    expect(error.message).toContain("more than the");
    expect(server.requests).toHaveLength(1);
  });

  it("keeps the deadline against a server that never answers", async () => {
    const server = await serve(() => undefined); // headers never come
    const timeoutMs = 300;
    const started = performance.now();
    const error = await failure(clientFor(server, { timeoutMs }).rerank(request));
    expect(error).toBeInstanceOf(RerankTimeoutError);
    expect(error.attempts).toBe(1);
    // A generous bound derived from the configured deadline, not a speed goal.
    expect(performance.now() - started).toBeLessThan(timeoutMs * 10);
  });

  it("keeps a per-call timeoutMs against a body that stalls half-way", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"results": [');
    });
    const error = await failure(clientFor(server).rerank({ ...request, timeoutMs: 250 }));
    expect(error).toBeInstanceOf(RerankTimeoutError);
  });

  it("an abort during a backoff wait returns promptly with the signal's reason", async () => {
    const server = await serve((_req, res) => json(res, 503, { message: "down" }));
    const controller = new AbortController();
    const reason = new Error("user navigated away");
    const backoffMs = 10_000;
    // Abort as the backoff wait begins (the onRetry event), not after a sleep that might race it.
    const client = clientFor(server, {
      backoff: { initialDelayMs: backoffMs, maxDelayMs: backoffMs },
      hooks: { onRetry: () => controller.abort(reason) },
    });
    const started = performance.now();
    const error = await client.rerank({ ...request, signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBe(reason);
    // Before the backoff would have ended (a bound from the configured wait).
    expect(performance.now() - started).toBeLessThan(backoffMs);
    expect(server.requests).toHaveLength(1);
  });

  it("an already-aborted signal sends nothing", async () => {
    const server = await serve(okReply);
    const error = await clientFor(server)
      .rerank({ ...request, signal: AbortSignal.abort("stop") })
      .catch((e: unknown) => e);
    expect(error).toBe("stop");
    expect(server.requests).toHaveLength(0);
  });
});

describe("untrusted responses", () => {
  const bad: { name: string; body: string; message: string }[] = [
    { name: "invalid JSON", body: '{"results": [', message: "invalid JSON" },
    { name: "an HTML page", body: "<!doctype html><html><body>Login</body></html>", message: "HTML page" },
    { name: "an empty body", body: "", message: "empty body" },
    { name: "a wrong shape", body: '{"data": []}', message: "wrong shape" },
    {
      name: "a string score",
      body: '{"results": [{"index": 0, "relevance_score": "0.9"}, {"index": 1, "relevance_score": 0.1}]}',
      message: "wrong shape",
    },
    {
      name: "an index out of range",
      body: '{"results": [{"index": 0, "relevance_score": 0.9}, {"index": 2, "relevance_score": 0.1}]}',
      message: "index 2, outside",
    },
    {
      name: "a negative index",
      body: '{"results": [{"index": -1, "relevance_score": 0.9}, {"index": 1, "relevance_score": 0.1}]}',
      message: "index -1",
    },
    {
      name: "a repeated index",
      body: '{"results": [{"index": 1, "relevance_score": 0.9}, {"index": 1, "relevance_score": 0.1}]}',
      message: "twice",
    },
    {
      name: "a fractional index",
      body: '{"results": [{"index": 0.5, "relevance_score": 0.9}, {"index": 1, "relevance_score": 0.1}]}',
      message: "index 0.5",
    },
    {
      name: "an infinite score",
      body: '{"results": [{"index": 0, "relevance_score": 1e999}, {"index": 1, "relevance_score": 0.1}]}',
      message: "Infinity",
    },
    {
      name: "a null score",
      body: '{"results": [{"index": 0, "relevance_score": null}, {"index": 1, "relevance_score": 0.1}]}',
      message: "wrong shape",
    },
    { name: "a missing document", body: '{"results": [{"index": 0, "relevance_score": 0.9}]}', message: "1 results for 2 documents" },
    {
      name: "more results than documents",
      body: '{"results": [{"index": 0, "relevance_score": 0.9}, {"index": 1, "relevance_score": 0.1}, {"index": 2, "relevance_score": 0.1}]}',
      message: "outside",
    },
  ];
  for (const c of bad) {
    it(`${c.name} → RerankResponseError, not retried`, async () => {
      const server = await serve((_req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(c.body);
      });
      const error = await failure(clientFor(server).rerank(request));
      expect(error).toBeInstanceOf(RerankResponseError);
      expect(error.message).toContain(c.message);
      expect(server.requests).toHaveLength(1);
    });
  }

  it("caps the response size", async () => {
    const server = await serve((_req, res) => json(res, 200, { results: [], padding: "x".repeat(200_000) }));
    const error = await failure(clientFor(server, { maxResponseBytes: 10_000 }).rerank(request));
    expect(error).toBeInstanceOf(RerankResponseError);
    expect(error.message).toContain("maxResponseBytes");
  });

  it("never follows a redirect, and the key never reaches the other origin", async () => {
    const other = await serve(okReply);
    const server = await serve((_req, res) => {
      res.writeHead(307, { location: `${other.url}/v1/rerank` });
      res.end();
    });
    const error = await failure(clientFor(server).rerank(request));
    expect(error).toBeInstanceOf(RerankResponseError);
    expect(error.status).toBe(307);
    expect(error.message).toContain("never followed");
    expect(other.requests).toHaveLength(0);
  });
});

describe("the client object", () => {
  it("does not reveal its key through inspect or JSON", async () => {
    const server = await serve(okReply);
    const client = clientFor(server);
    expect(inspect(client, { depth: 10, showHidden: true })).not.toContain(CANARY);
    expect(JSON.stringify(client)).not.toContain(CANARY);
  });

  it("sends the key only in the Authorization header", async () => {
    const server = await serve(okReply);
    await clientFor(server).rerank(request);
    const [req] = server.requests;
    expect(req!.headers.authorization).toBe(`Bearer ${CANARY}`);
    expect(req!.body).not.toContain(CANARY);
    expect(req!.url).not.toContain(CANARY);
  });

  it("leaves no socket open after close()", async () => {
    const server = await serve(okReply);
    const client = clientFor(server);
    await Promise.all([client.rerank(request), client.rerank(request), client.rerank(request)]);
    expect(server.openSockets()).toBeGreaterThan(0);
    await client.close();
    // Polled until the server sees the sockets go (vi.waitFor), not read after a fixed sleep.
    await vi.waitFor(() => expect(server.openSockets()).toBe(0), { timeout: 5_000, interval: 5 });
  });
});

describe("RerankError.isInstance", () => {
  it("recognises the class and its parents, not its siblings", () => {
    const error = new RerankRateLimitError("slow down", { provider: "cohere", status: 429 });
    expect(RerankError.isInstance(error)).toBe(true);
    expect(RerankRateLimitError.isInstance(error)).toBe(true);
    expect(RerankServerError.isInstance(error)).toBe(false);
    expect(RerankError.isInstance(new Error("plain"))).toBe(false);
    expect(RerankError.isInstance({ name: "RerankError" })).toBe(false);
  });

  it("holds across copies of the package, where instanceof does not", () => {
    const BRAND = Symbol.for("rerankit.RerankError");
    // What an error from another copy (the CJS build beside the ESM one) looks like to this copy.
    const foreign = Object.assign(new Error("from another copy"), { name: "RerankAuthenticationError" });
    Object.defineProperty(foreign, BRAND, { value: ["RerankAuthenticationError", "RerankError"] });
    expect(foreign instanceof RerankError).toBe(false);
    expect(RerankError.isInstance(foreign)).toBe(true);
    expect(RerankAuthenticationError.isInstance(foreign)).toBe(true);
    expect(RerankServerError.isInstance(foreign)).toBe(false);
  });
});
