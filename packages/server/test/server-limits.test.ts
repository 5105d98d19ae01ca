/**
 * The server under hostile input, attacked the way issue 12 did, over real sockets on 127.0.0.1:
 * long unpunctuated CJK runs, huge document lists and nesting, half-sent and stalled bodies, a
 * pathological Authorization header, cross-origin simple requests and foreign Host names.
 */
import { request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";
import {
  Bm25Reranker,
  RerankAuthenticationError,
  type Reranker,
  type RerankRequest,
  type RerankResponse,
  RerankServerError,
} from "@rerankit/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { bearerToken, isAllowedHost, isJsonContentType } from "../src/http/guards.js";
import { type RerankServer, type RerankServerOptions, startRerankServer } from "../src/index.js";
import { DOCUMENTS, post, QUERY, WordCountReranker } from "./helpers.js";

const NATIVE = "/api/v1/services/rerank/text-rerank/text-rerank";
const COMPATIBLE = "/compatible-api/v1/reranks";

/**
 * One request per dialect, its body built from `query` and `documents`, and how its error looks:
 * `errorKeys` once the body is read, `earlyKeys` before (a `/rerank` body is known to be TEI only
 * once parsed, so earlier errors there use the Cohere family's shape, as DESIGN.md has it).
 */
const DIALECTS = [
  {
    name: "cohere",
    path: "/v1/rerank",
    body: (q: string, d: unknown[]) => ({ query: q, documents: d }),
    errorKeys: ["message"],
    earlyKeys: ["message"],
  },
  {
    name: "tei",
    path: "/rerank",
    body: (q: string, d: unknown[]) => ({ query: q, texts: d }),
    errorKeys: ["error", "error_type"],
    earlyKeys: ["message"],
  },
  {
    name: "dashscope",
    path: NATIVE,
    body: (q: string, d: unknown[]) => ({ model: "m", input: { query: q, documents: d } }),
    errorKeys: ["code", "message", "request_id"],
    earlyKeys: ["code", "message", "request_id"],
  },
  {
    name: "compatible",
    path: COMPATIBLE,
    body: (q: string, d: unknown[]) => ({ query: q, documents: d }),
    errorKeys: ["code", "message", "request_id"],
    earlyKeys: ["code", "message", "request_id"],
  },
] as const;

const started: RerankServer[] = [];
async function serve(options: RerankServerOptions = {}): Promise<RerankServer> {
  const server = await startRerankServer({ reranker: new WordCountReranker(), ...options });
  started.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

/** `n` pseudo-random Han characters with no punctuation (the freezing input). */
function hanRun(n: number): string {
  let seed = 7;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    out.push(String.fromCharCode(0x4e00 + ((seed >>> 8) % 0x51a6)));
  }
  return out.join("");
}

/** A raw socket: everything it receives until the server closes it, and whether it was closed. */
function raw(port: number): { socket: Socket; reply: Promise<string> } {
  const socket = connect(port, "127.0.0.1");
  const reply = new Promise<string>((resolve) => {
    let text = "";
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
    });
    socket.on("error", () => {});
    socket.on("close", () => resolve(text));
  });
  return { socket, reply };
}

/**
 * Starts an upload of `declared` bytes, sends `first` of them and stops. It asks for
 * `100 Continue` and waits for it: Node sends it as it hands the request to the server's handler,
 * so once it arrives the server has seen the request (no sleeping to let it catch up).
 */
async function stalledUpload(port: number, declared: number, first: string): Promise<{ socket: Socket; reply: Promise<string> }> {
  const upload = raw(port);
  const continued = new Promise<void>((resolve) => {
    const onData = (chunk: Buffer) => {
      if (chunk.toString("latin1").includes("100 Continue")) {
        upload.socket.off("data", onData);
        resolve();
      }
    };
    upload.socket.on("data", onData);
  });
  upload.socket.write(
    `POST /v1/rerank HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\nExpect: 100-continue\r\n\r\n`,
  );
  await continued;
  upload.socket.write(first);
  return upload;
}

function statusOf(response: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);
}

function jsonOf(response: string): Record<string, unknown> {
  return JSON.parse(response.slice(response.indexOf("\r\n\r\n") + 4));
}

/** GET or POST with a chosen Host header (fetch does not let a caller set Host). */
function requestWithHost(
  port: number,
  path: string,
  host: string,
  body?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        path,
        method: body === undefined ? "GET" : "POST",
        headers: { host, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      },
      (res) => {
        let text = "";
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("long CJK runs and large requests (issue 12, items 1 and 2)", () => {
  it("answers /health while it ranks a 160,000-character unpunctuated Han document", async () => {
    let started!: () => void;
    const rankingStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    let ranked = false;
    const inner = new Bm25Reranker();
    const reranker: Reranker = {
      async rerank(request: RerankRequest): Promise<RerankResponse> {
        started();
        const response = await inner.rerank(request);
        ranked = true;
        return response;
      },
    };
    const server = await serve({ reranker });
    const big = post(`${server.url}/v1/rerank`, { query: "感冒", documents: [hanRun(160_000), "预防感冒"] });
    await rankingStarted;
    const health = await fetch(`${server.url}/health`);
    const rankedWhenHealthAnswered = ranked;
    expect(health.status).toBe(200);
    expect(rankedWhenHealthAnswered).toBe(false);
    const reply = await big;
    expect(reply.status).toBe(200);
    expect(reply.body.results.map((r: { index: number }) => r.index)).toEqual([1, 0]);
  });

  it("ranks a 6-million-character unbroken run with the default BM25 reranker (no stack overflow)", async () => {
    const server = await serve({ reranker: new Bm25Reranker() });
    const reply = await post(`${server.url}/v1/rerank`, { query: "apple", documents: ["a".repeat(6_000_000), "apple pie"] });
    expect(reply.status).toBe(200);
    expect(reply.body.results.map((r: { index: number }) => r.index)).toEqual([1, 0]);
  });

  it("refuses more documents than maxDocuments with 413 in every dialect's error shape, and takes exactly that many", async () => {
    const server = await serve({ maxDocuments: 5 });
    for (const dialect of DIALECTS) {
      const tooMany = await post(`${server.url}${dialect.path}`, dialect.body("q", ["a", "b", "c", "d", "e", "f"]));
      expect(tooMany.status, dialect.name).toBe(413);
      expect(Object.keys(tooMany.body).sort(), dialect.name).toEqual([...dialect.earlyKeys].sort());
      expect(JSON.stringify(tooMany.body), dialect.name).toMatch(/at most 5/);
      const enough = await post(`${server.url}${dialect.path}`, dialect.body("q", ["a", "b", "c", "d", "e"]));
      expect(enough.status, dialect.name).toBe(200);
    }
  });

  it("caps documents at 10,000 by default", async () => {
    const server = await serve();
    const reply = await post(`${server.url}/v1/rerank`, { query: "q", documents: Array.from({ length: 10_001 }, () => "a") });
    expect(reply.status).toBe(413);
    expect(reply.body.message).toMatch(/at most 10000/);
    const ok = await post(`${server.url}/v1/rerank`, { query: "q", documents: Array.from({ length: 10_000 }, () => "a") });
    expect(ok.status).toBe(200);
  });

  it("refuses nesting deeper than maxJsonDepth with 400 in each dialect's shape, even in an unknown field", async () => {
    const server = await serve({ maxJsonDepth: 8 });
    for (const dialect of DIALECTS) {
      const body = JSON.stringify({ ...dialect.body("q", ["a"]), extra: JSON.parse(`${"[".repeat(9)}${"]".repeat(9)}`) });
      const reply = await post(`${server.url}${dialect.path}`, body);
      expect(reply.status, dialect.name).toBe(400);
      expect(Object.keys(reply.body).sort(), dialect.name).toEqual([...dialect.earlyKeys].sort());
      expect(JSON.stringify(reply.body)).toMatch(/nested deeper than the 8 levels/);
      const fits = JSON.stringify({ ...dialect.body("q", ["a"]), extra: JSON.parse(`${"[".repeat(5)}${"]".repeat(5)}`) });
      expect((await post(`${server.url}${dialect.path}`, fits)).status, dialect.name).toBe(200);
    }
  });

  it("does not count brackets and commas inside strings", async () => {
    const server = await serve({ maxJsonDepth: 4, maxDocuments: 2 });
    const reply = await post(`${server.url}/v1/rerank`, { query: '[[[[[[,,,,\\"', documents: ["[[[[[[[[", ",,,,,,,"] });
    expect(reply.status).toBe(200);
  });

  it("answers a 24 MB bomb of nested [ with 400 after reading only its start, and closes the connection", async () => {
    const server = await serve();
    const { socket, reply } = raw(server.port);
    const size = 24 * 1024 * 1024;
    socket.write(`POST /v1/rerank HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`);
    // Send only the first MiB of the declared 24: the refusal must not wait for the rest.
    socket.write(Buffer.alloc(1024 * 1024, "["));
    const response = await reply;
    expect(statusOf(response)).toBe(400);
    expect(String(jsonOf(response).message)).toMatch(/nested deeper than the 32 levels/);
  });

  it("refuses a body with more JSON values than 64 × maxDocuments with 413", async () => {
    const server = await serve({ maxDocuments: 5 });
    const extra = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`k${i}`, i]));
    const reply = await post(`${server.url}/v1/rerank`, { query: "q", documents: ["a"], extra });
    expect(reply.status).toBe(413);
    expect(reply.body.message).toMatch(/more than 320 JSON values/);
  });
});

describe("half-sent and slow bodies (item 3)", () => {
  /** A valid Cohere body of exactly `bytes` bytes. */
  function bodyOf(bytes: number): string {
    const empty = JSON.stringify({ query: "capital", documents: ["Paris is the capital.", ""] });
    return JSON.stringify({ query: "capital", documents: ["Paris is the capital.", "x".repeat(bytes - empty.length)] });
  }

  it("answers 503 with Retry-After at once when half-sent bodies hold maxBufferedBytes, and serves again once they go", async () => {
    const server = await serve({ maxBodyBytes: 64 * 1024, maxBufferedBytes: 100_000 });
    const stalled = await stalledUpload(server.port, 60_000, bodyOf(60_000).slice(0, 30_000));
    for (const dialect of DIALECTS) {
      const body = JSON.stringify(dialect.body("capital", ["Paris is the capital.", "x".repeat(50_000)]));
      const busy = await post(`${server.url}${dialect.path}`, body);
      expect(busy.status, dialect.name).toBe(503);
      expect(busy.headers.get("retry-after"), dialect.name).toBe("1");
      expect(Object.keys(busy.body).sort(), dialect.name).toEqual([...dialect.earlyKeys].sort());
    }
    // A small request still fits beside the stalled one.
    expect((await post(`${server.url}/v1/rerank`, { query: QUERY, documents: DOCUMENTS })).status).toBe(200);
    stalled.socket.destroy();
    await stalled.reply;
    let status = 0;
    for (let attempt = 0; attempt < 100 && status !== 200; attempt++) {
      status = (await post(`${server.url}/v1/rerank`, bodyOf(60_000))).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe(200);
  });

  it("counts a chunked body against maxBufferedBytes as it arrives", async () => {
    const server = await serve({ maxBodyBytes: 40_000, maxBufferedBytes: 60_000 });
    // A stalled upload reserves its declared 30,000 bytes…
    const stalled = await stalledUpload(server.port, 30_000, "{");
    // …so a chunked body of 35,000 bytes (under maxBodyBytes) passes the bound as it arrives.
    const { socket, reply } = raw(server.port);
    socket.write("POST /v1/rerank HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    const piece = `{"query":"q","documents":["${"x".repeat(35_000)}`;
    socket.write(`${piece.length.toString(16)}\r\n${piece}\r\n`);
    const response = await reply;
    stalled.socket.destroy();
    expect(statusOf(response)).toBe(503);
    expect(response).toMatch(/retry-after: 1/i);
  });

  it("answers a body that stalls longer than bodyIdleTimeoutMs with 408 in the dialect's shape and closes the connection", async () => {
    const server = await serve({ bodyIdleTimeoutMs: 200 });
    const { socket, reply } = raw(server.port);
    socket.write(`POST ${NATIVE} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"input":`);
    const response = await reply;
    expect(statusOf(response)).toBe(408);
    expect(Object.keys(jsonOf(response)).sort()).toEqual(["code", "message", "request_id"]);
  });

  it("closes a connection whose headers do not arrive within headersTimeoutMs", async () => {
    const server = await serve({ headersTimeoutMs: 300, requestTimeoutMs: 300 });
    const { socket, reply } = raw(server.port);
    socket.write("POST /v1/rerank HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    expect(statusOf(await reply)).toBe(408);
  });

  it("closes a connection whose body trickles in slower than requestTimeoutMs allows", async () => {
    const server = await serve({ headersTimeoutMs: 500, requestTimeoutMs: 500, bodyIdleTimeoutMs: 10_000 });
    const { socket, reply } = raw(server.port);
    socket.write("POST /v1/rerank HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{");
    const trickle = setInterval(() => socket.writable && socket.write(" "), 50);
    try {
      const response = await reply;
      expect(statusOf(response)).toBe(408);
    } finally {
      clearInterval(trickle);
    }
  });

  it("refuses timeouts that Node cannot apply", async () => {
    await expect(startRerankServer({ headersTimeoutMs: 2000, requestTimeoutMs: 1000 })).rejects.toThrow(/requestTimeoutMs/);
    await expect(startRerankServer({ maxDocuments: 0 })).rejects.toThrow(/maxDocuments/);
    await expect(startRerankServer({ maxBodyBytes: 1000, maxBufferedBytes: 999 })).rejects.toThrow(/maxBufferedBytes/);
    await expect(startRerankServer({ allowedHosts: [""] })).rejects.toThrow(/allowedHosts/);
  });
});

describe("the Authorization header (item 4)", () => {
  it("parses Bearer tokens without a backtracking pattern", () => {
    expect(bearerToken("Bearer key-1")).toBe("key-1");
    expect(bearerToken("  bearer\tkey-1  ")).toBe("key-1");
    expect(bearerToken("BEARER   a b ")).toBe("a b");
    expect(bearerToken("Bearer")).toBeUndefined();
    expect(bearerToken("Bearer    ")).toBeUndefined();
    expect(bearerToken("Bearerkey")).toBeUndefined();
    expect(bearerToken("Basic a2V5")).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
    // A million spaces between two characters: the old pattern took time quadratic in this.
    expect(bearerToken(`Bearer x${" ".repeat(1_000_000)}y`)).toBe(`x${" ".repeat(1_000_000)}y`);
  });

  it("refuses `Bearer x` + 16,000 spaces + `y` with 401, and still takes the right key", async () => {
    const server = await serve({ apiKey: "secret-key" });
    const header = `Bearer x${" ".repeat(16_000)}y`;
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => post(`${server.url}/v1/rerank`, { query: QUERY, documents: DOCUMENTS }, { authorization: header })),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(401));
    const ok = await post(`${server.url}/v1/rerank`, { query: QUERY, documents: DOCUMENTS }, { authorization: "Bearer secret-key" });
    expect(ok.status).toBe(200);
  });
});

describe("cross-origin requests and DNS rebinding (item 5)", () => {
  let server: RerankServer;
  beforeAll(async () => {
    server = await startRerankServer({ reranker: new WordCountReranker() });
  });
  afterAll(async () => {
    await server.close();
  });

  it("refuses a text/plain or untyped body on every rerank route with 415 in the dialect's shape", async () => {
    for (const dialect of DIALECTS) {
      const body = JSON.stringify(dialect.body(QUERY, DOCUMENTS));
      const variants: Record<string, string>[] = [
        { "content-type": "text/plain" },
        { "content-type": "application/x-www-form-urlencoded" },
        {},
      ];
      for (const headers of variants) {
        const response = await fetch(`${server.url}${dialect.path}`, {
          method: "POST",
          headers,
          // A Blob without a type: fetch sends no Content-Type at all, as a page's simple request can.
          body: "content-type" in headers ? body : new Blob([body]),
        });
        expect(response.status, `${dialect.name} ${JSON.stringify(headers)}`).toBe(415);
        expect(Object.keys((await response.json()) as object).sort()).toEqual([...dialect.earlyKeys].sort());
      }
    }
  });

  it("takes JSON with parameters and +json types", async () => {
    for (const type of ["application/json", "Application/JSON; charset=utf-8", "application/vnd.api+json"]) {
      const response = await fetch(`${server.url}/v1/rerank`, {
        method: "POST",
        headers: { "content-type": type },
        body: JSON.stringify({ query: QUERY, documents: DOCUMENTS }),
      });
      expect(response.status, type).toBe(200);
    }
    expect(isJsonContentType("application/jsonp")).toBe(false);
    expect(isJsonContentType("text/json")).toBe(false);
  });

  it("refuses a foreign Host with 403 on /health and the rerank routes, in the dialect's shape", async () => {
    const health = await requestWithHost(server.port, "/health", `evil.example:${server.port}`);
    expect(health.status).toBe(403);
    for (const dialect of DIALECTS) {
      const reply = await requestWithHost(
        server.port,
        dialect.path,
        "rebind.attacker.test",
        JSON.stringify(dialect.body(QUERY, DOCUMENTS)),
      );
      expect(reply.status, dialect.name).toBe(403);
      expect(Object.keys(reply.body).sort(), dialect.name).toEqual([...dialect.earlyKeys].sort());
    }
  });

  it("serves loopback names, IP addresses and *.localhost", async () => {
    for (const host of [
      `127.0.0.1:${server.port}`,
      `localhost:${server.port}`,
      `[::1]:${server.port}`,
      "LOCALHOST.",
      "app.localhost:80",
      "192.168.1.20",
    ]) {
      expect((await requestWithHost(server.port, "/health", host)).status, host).toBe(200);
    }
  });

  it("serves configured allowedHosts (exact and .subdomain) and everything with 'any'", async () => {
    const proxied = await serve({ allowedHosts: ["rerank.internal", ".corp.example"] });
    for (const host of ["rerank.internal:8787", "corp.example", "a.b.corp.example"]) {
      expect((await requestWithHost(proxied.port, "/health", host)).status, host).toBe(200);
    }
    expect((await requestWithHost(proxied.port, "/health", "notcorp.example")).status).toBe(403);
    const open = await serve({ allowedHosts: "any" });
    expect((await requestWithHost(open.port, "/health", "anything.example")).status).toBe(200);
    expect(isAllowedHost("evil.example:abc", "127.0.0.1", [])).toBe(false);
    expect(isAllowedHost("[::1", "127.0.0.1", [])).toBe(false);
  });
});

describe("reranker failures that carry a status, and /health's model", () => {
  class QueueFullError extends RerankServerError {
    readonly retryAfterMs = 2500;
  }

  it("answers a reranker's 503 with its status and Retry-After in every dialect's shape", async () => {
    const reranker: Reranker = {
      async rerank(): Promise<RerankResponse> {
        throw new QueueFullError("the local model's queue is full", { provider: "local", status: 503 });
      },
    };
    const server = await serve({ reranker });
    for (const dialect of DIALECTS) {
      const reply = await post(`${server.url}${dialect.path}`, dialect.body(QUERY, DOCUMENTS));
      expect(reply.status, dialect.name).toBe(503);
      expect(reply.headers.get("retry-after"), dialect.name).toBe("3");
      expect(Object.keys(reply.body).sort(), dialect.name).toEqual([...dialect.errorKeys].sort());
      expect(JSON.stringify(reply.body)).toMatch(/queue is full/);
    }
  });

  it("answers an upstream authentication failure with 502, not the caller's 401", async () => {
    const reranker: Reranker = {
      async rerank(): Promise<RerankResponse> {
        throw new RerankAuthenticationError("upstream refused the key", { provider: "cohere", status: 401 });
      },
    };
    const server = await serve({ reranker });
    const reply = await post(`${server.url}/v1/rerank`, { query: QUERY, documents: DOCUMENTS });
    expect(reply.status).toBe(502);
    expect(reply.headers.get("retry-after")).toBeNull();
  });

  it("reports the model on /health: the option, else the reranker's model, rerankit-bm25 for the default BM25, else none", async () => {
    const named = await serve({ model: "BAAI/bge-reranker-v2-m3" });
    expect(await (await fetch(`${named.url}/health`)).json()).toEqual({
      status: "ok",
      model: "BAAI/bge-reranker-v2-m3",
      listDependent: false,
    });
    const withModel: Reranker & { model: string } = { model: "my-cross-encoder", rerank: (r) => new WordCountReranker().rerank(r) };
    const fromReranker = await serve({ reranker: withModel });
    expect(await (await fetch(`${fromReranker.url}/health`)).json()).toEqual({
      status: "ok",
      model: "my-cross-encoder",
      listDependent: false,
    });
    const bm25 = await serve({ reranker: new Bm25Reranker() });
    expect(await (await fetch(`${bm25.url}/health`)).json()).toEqual({ status: "ok", model: "rerankit-bm25", listDependent: true });
    const plain = await serve({ reranker: new WordCountReranker() });
    expect(await (await fetch(`${plain.url}/health`)).json()).toEqual({ status: "ok", listDependent: false });
  });
});
