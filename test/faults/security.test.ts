/**
 * Key privacy and transport safety: a canary key never shows up in an error (message, stack,
 * inspect, JSON), in console output or in the client object; redirects are never followed and the
 * key never reaches another origin; plain http off loopback is refused unless allowed.
 */
import { inspect } from "node:util";
import { RerankClient, RerankError, RerankInputError, RerankResponseError } from "@rerankit/core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { coveredFamilies, validItems } from "./families.js";
import {
  type Action,
  always,
  failFirst,
  type FaultServer,
  hangBeforeHeaders,
  json,
  redirect,
  resetBeforeHeaders,
  respond,
  startFaultServer,
} from "./fault-server.js";

const CANARY = "sk-canary-9e1d4b7a5c3f2e80";
const captured: string[] = [];
const restore: (() => void)[] = [];

// DEBUG=rerankit makes every client built in this file log each request, retry, response and error
// to stderr (read when a client is built), so the last test below has real output to search.
const debugBefore = process.env.DEBUG;
process.env.DEBUG = "rerankit";
restore.push(() => {
  if (debugBefore === undefined) delete process.env.DEBUG;
  else process.env.DEBUG = debugBefore;
});

beforeAll(() => {
  for (const method of ["log", "info", "warn", "error", "debug", "trace"] as const) {
    const spy = vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      captured.push(args.map((a) => (typeof a === "string" ? a : inspect(a, { depth: 6 }))).join(" "));
    });
    restore.push(() => spy.mockRestore());
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      captured.push(String(chunk));
      // The DEBUG lines are kept for the check below, not echoed into the test run's output.
      if (String(chunk).startsWith("rerankit ")) return true;
      return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => {
      stream.write = original as typeof stream.write;
    });
  }
});
afterAll(() => {
  for (const undo of restore) undo();
});

/** Every way an error can be rendered, its cause chain included. */
function renderings(error: unknown): string[] {
  const out = [String(error), inspect(error, { depth: 8, showHidden: true }), JSON.stringify(error) ?? ""];
  if (error instanceof Error) out.push(error.message, error.stack ?? "");
  const cause = (error as { cause?: unknown })?.cause;
  if (cause !== undefined) out.push(...renderings(cause));
  return out;
}

function expectNoCanary(texts: string[]) {
  for (const text of texts) expect(text).not.toContain(CANARY);
}

const families = coveredFamilies();

describe("the API key stays secret", () => {
  const echoes: { name: string; action: Action }[] = [
    {
      name: "401 echoing the key in error.message",
      action: json(401, { error: { message: `Invalid API key: ${CANARY}`, type: "auth", code: `bad_key_${CANARY}` } }),
    },
    {
      name: "403 echoing the Authorization header as text",
      action: respond(403, `Forbidden for Bearer ${CANARY}`, { "content-type": "text/plain" }),
    },
    {
      name: "422 FastAPI detail with the key as loc and msg",
      action: json(422, { detail: [{ loc: ["header", CANARY], msg: `bad ${CANARY}`, input: CANARY }] }),
    },
    { name: "429 echoing the key in message", action: json(429, { message: `quota for ${CANARY}` }, { "retry-after": "3600" }) },
    {
      name: "500 echoing the key, with a request id header echoing it",
      action: json(500, { message: `upstream got ${CANARY}` }, { "x-request-id": `req-${CANARY}` }),
    },
    {
      name: "400 DashScope style with the key in code and request_id",
      action: json(400, { code: CANARY, message: CANARY, request_id: CANARY }),
    },
    { name: "200 whose body is not JSON and quotes the key", action: respond(200, `oops ${CANARY}`, { "content-type": "text/plain" }) },
    { name: "200 with a wrong shape whose keys are the key", action: json(200, { [CANARY]: [CANARY] }) },
    {
      name: "200 with an index out of range, the key as its id and request id header",
      action: json(200, { id: CANARY, request_id: CANARY, results: [{ index: 7, relevance_score: 1 }] }, { "x-request-id": CANARY }),
    },
    { name: "a reset", action: resetBeforeHeaders() },
    { name: "a 302 to a URL holding the key", action: redirect(302, `http://127.0.0.1:1/${CANARY}`) },
  ];

  for (const { family, provider } of families) {
    it.each(echoes)(`${provider}: $name`, async ({ action }) => {
      const server = await startFaultServer(always(action));
      const client = new RerankClient({
        provider,
        apiKey: CANARY,
        model: "m",
        baseURL: `${server.url}/v1`,
        maxRetries: 1,
        backoff: { initialDelayMs: 1, maxDelayMs: 2 },
        timeoutMs: 5_000,
      });
      try {
        const error = await client.rerank({ query: "q", documents: ["a", "b", "c"] }).catch((e: unknown) => e);
        expect(RerankError.isInstance(error)).toBe(true);
        expectNoCanary(renderings(error));
        // The key did reach the configured server (so the check above is meaningful).
        expect(JSON.stringify(server.requests[0]!.headers)).toContain(CANARY);
      } finally {
        await client.close();
        await server.close();
      }
      void family;
    });
  }

  it("a deadline error and an abort carry no key", async () => {
    const server = await startFaultServer(always(hangBeforeHeaders()));
    const client = new RerankClient({ provider: "rerankit", apiKey: CANARY, baseURL: `${server.url}/v1`, timeoutMs: 100 });
    try {
      const timedOut = await client.rerank({ query: "q", documents: ["a"] }).catch((e: unknown) => e);
      expect(RerankError.isInstance(timedOut)).toBe(true);
      expectNoCanary(renderings(timedOut));
      const controller = new AbortController();
      const pending = client.rerank({ query: "q", documents: ["a"], signal: controller.signal }).catch((e: unknown) => e);
      // Abort once the server holds the request (an event, not a sleep).
      await server.waitForRequests(2);
      controller.abort();
      const aborted = await pending;
      expect(aborted).toBeInstanceOf(Error);
      expectNoCanary(renderings(aborted));
    } finally {
      await client.close();
      await server.close();
    }
  });

  it("the client object does not reveal the key through inspect or JSON", async () => {
    const client = new RerankClient({ provider: "rerankit", apiKey: CANARY, headers: { "x-extra": "1" } });
    expectNoCanary([
      inspect(client, { depth: 10, showHidden: true }),
      JSON.stringify(client),
      String(client),
      Object.keys(client).join(","),
    ]);
    await client.close();
  });

  it("a key from the environment is scrubbed the same way", async () => {
    const server = await startFaultServer(always(json(401, { message: `bad key ${CANARY}` })));
    vi.stubEnv("RERANK_API_KEY", CANARY);
    const client = new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1` });
    try {
      const error = await client.rerank({ query: "q", documents: ["a"] }).catch((e: unknown) => e);
      expect(JSON.stringify(server.requests[0]!.headers)).toContain(CANARY);
      expect(RerankError.isInstance(error)).toBe(true);
      expectNoCanary(renderings(error));
    } finally {
      vi.unstubAllEnvs();
      await client.close();
      await server.close();
    }
  });

  it("a key passed through a custom header is scrubbed too", async () => {
    const server = await startFaultServer(
      always(json(403, { message: `gateway rejected x-gateway-api-key=${CANARY}`, request_id: CANARY })),
    );
    const client = new RerankClient({
      provider: "rerankit",
      baseURL: `${server.url}/v1`,
      headers: { "X-Gateway-Api-Key": CANARY, "Proxy-Authorization": `Bearer ${CANARY}x` },
    });
    try {
      const error = await client.rerank({ query: "q", documents: ["a"] }).catch((e: unknown) => e);
      expect(server.requests[0]!.headers["x-gateway-api-key"]).toBe(CANARY);
      expect(RerankError.isInstance(error)).toBe(true);
      expectNoCanary(renderings(error));
    } finally {
      await client.close();
      await server.close();
    }
  });

  // Issue 12: a 2xx body's id, header names nobody knows, and URL-encoded or base64 echoes.
  const encodings = (secret: string) => [
    secret,
    encodeURIComponent(secret),
    Buffer.from(secret).toString("base64"),
    Buffer.from(secret).toString("base64url"),
  ];
  const ODD_KEY = `${CANARY}+/=`; // URL-encoding and base64url change it
  const GATEWAY_KEYS = {
    "Ocp-Apim-Subscription-Key": `${CANARY}-apim`,
    "X-Auth": `${CANARY}-xauth`,
    "X-Client-Credential": `${CANARY}-cred`,
  };
  const echoAll: Action = (res, req) => {
    const creds = [String(req.headers.authorization), ...Object.keys(GATEWAY_KEYS).map((h) => String(req.headers[h.toLowerCase()]))];
    const echo = creds.flatMap(encodings).join(" ");
    const b64Headers = Buffer.from(JSON.stringify(req.headers)).toString("base64");
    json(400, { message: `rejected ${echo} ${b64Headers}`, code: echo, request_id: echo }, { "x-request-id": echo })(
      res,
      req,
      undefined as never,
    );
  };

  for (const { family, provider } of families) {
    const valid = JSON.parse(family.body(validItems([0.2, 0.9, 0.5]))) as unknown;
    if (typeof valid !== "object" || valid === null || Array.isArray(valid)) continue;
    it(`${provider}: a 2xx whose id echoes the Authorization header, raw and encoded, yields clean requestIds and hook events`, async () => {
      const server = await startFaultServer(
        always((res, req) => {
          const auth = String(req.headers.authorization);
          const id = encodings(auth).join(" ");
          json(200, { ...(valid as object), id, request_id: id }, { "x-request-id": id })(res, req, undefined as never);
        }),
      );
      const events: unknown[] = [];
      const client = new RerankClient({
        provider,
        apiKey: ODD_KEY,
        model: "m",
        baseURL: `${server.url}/v1`,
        hooks: { onResponse: (e) => events.push(e), onResult: (e) => events.push(e) },
      });
      try {
        const response = await client.rerank({ query: "q", documents: ["a", "b", "c"] });
        expect(response.results).toHaveLength(3);
        expect(String(server.requests[0]!.headers.authorization ?? server.requests[0]!.headers["x-api-key"] ?? "")).toContain(ODD_KEY);
        for (const text of [JSON.stringify(response), inspect(events, { depth: 8 })]) {
          for (const form of encodings(ODD_KEY)) expect(text).not.toContain(form);
        }
        expect(events).toHaveLength(2);
      } finally {
        await client.close();
        await server.close();
      }
    });
  }

  it("keys under unknown header names, echoed raw, URL-encoded and base64, never reach the error", async () => {
    const server = await startFaultServer(always(echoAll));
    const client = new RerankClient({ provider: "rerankit", apiKey: ODD_KEY, baseURL: `${server.url}/v1`, headers: GATEWAY_KEYS });
    try {
      const error = await client.rerank({ query: "q", documents: ["a"] }).catch((e: unknown) => e);
      expect(server.requests[0]!.headers["ocp-apim-subscription-key"]).toBe(GATEWAY_KEYS["Ocp-Apim-Subscription-Key"]);
      expect(RerankError.isInstance(error)).toBe(true);
      for (const text of renderings(error)) {
        for (const secret of [ODD_KEY, ...Object.values(GATEWAY_KEYS)])
          for (const form of encodings(secret)) expect(text).not.toContain(form);
      }
      expectNoCanary(renderings(error));
    } finally {
      await client.close();
      await server.close();
    }
  });

  it("through the LlamaIndex adapter, a 2xx id echoing the key never reaches onResult", async () => {
    const { RerankPostprocessor } = await import("@rerankit/llamaindex");
    const { TextNode } = await import("@llamaindex/core/schema");
    const server = await startFaultServer(
      always((res, req) => {
        const id = encodings(String(req.headers.authorization)).join(" ");
        json(200, { id, results: [0, 1].map((index) => ({ index, relevance_score: 1 - index / 4 })) })(res, req, undefined as never);
      }),
    );
    const seen: unknown[] = [];
    const reranker = new RerankPostprocessor({
      provider: "rerankit",
      apiKey: ODD_KEY,
      baseURL: `${server.url}/v1`,
      onResult: (response) => seen.push(response),
    });
    try {
      const nodes = ["a", "b"].map((text) => ({ node: new TextNode({ text }), score: 0 }));
      const out = await reranker.postprocessNodes(nodes, "q");
      expect(out).toHaveLength(2);
      expect(seen).toHaveLength(1);
      expect((seen[0] as { requestIds: string[] }).requestIds).toHaveLength(1);
      const text = `${JSON.stringify(seen)} ${inspect(seen, { depth: 8 })}`;
      for (const form of encodings(ODD_KEY)) expect(text).not.toContain(form);
    } finally {
      await reranker.close();
      await server.close();
    }
  });

  it("nothing Rerankit printed during this file holds the key", () => {
    // The DEBUG logger did print, retries and errors whose servers echoed the key included, so an
    // empty capture cannot pass for a clean one.
    const lines = captured.join("").split("\n");
    expect(lines.filter((l) => /^rerankit \S+ retry /.test(l)).length).toBeGreaterThan(families.length);
    expect(lines.filter((l) => /^rerankit \S+ error /.test(l)).length).toBeGreaterThan(families.length * 5);
    expectNoCanary(captured);
  });
});

describe("redirects and origins", () => {
  let other: FaultServer;
  beforeAll(async () => {
    other = await startFaultServer(always(respond(200, JSON.stringify({ results: [{ index: 0, relevance_score: 1 }] }))));
  });
  afterAll(() => other.close());

  it.each([301, 302, 303, 307, 308])("a %i to another origin is not followed and the other origin receives nothing", async (status) => {
    const server = await startFaultServer(
      failFirst(
        1,
        redirect(status, `${other.url}/v1/rerank`),
        respond(200, JSON.stringify({ results: [{ index: 0, relevance_score: 1 }] })),
      ),
    );
    const client = new RerankClient({ provider: "rerankit", apiKey: CANARY, baseURL: `${server.url}/v1` });
    try {
      const error = await client.rerank({ query: "q", documents: ["a"] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RerankResponseError);
      expect((error as RerankResponseError).status).toBe(status);
      expect((error as Error).message).toMatch(/redirects are never followed/);
      expect(server.requests.length).toBe(1);
      expect(other.requests.length).toBe(0);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it("a replica pool sends the key only to its own replicas", async () => {
    const a = await startFaultServer(always(redirect(307, `${other.url}/v1/rerank`)));
    const b = await startFaultServer(always(respond(200, JSON.stringify({ results: [{ index: 0, relevance_score: 1 }] }))));
    const client = new RerankClient({ provider: "rerankit", apiKey: CANARY, baseURL: [`${a.url}/v1`, `${b.url}/v1`] });
    try {
      // Each call either succeeds on b or fails on a's redirect (never followed); nothing else.
      for (let i = 0; i < 4; i++) {
        const outcome = await client.rerank({ query: "q", documents: ["a"] }).catch((e: unknown) => e as Error);
        if (outcome instanceof Error) expect(outcome).toBeInstanceOf(RerankResponseError);
        else expect(outcome.results).toEqual([{ index: 0, relevanceScore: 1 }]);
      }
      expect(a.requests.length + b.requests.length).toBeGreaterThanOrEqual(4);
      expect(other.requests.length).toBe(0);
    } finally {
      await client.close();
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe("plain http", () => {
  it.each([
    "http://10.0.0.5:8000/v1",
    "http://rerank.internal/v1",
    "http://[fe80::1]:8000/v1",
    "http://127.0.0.1.nip.io/v1",
    "http://localhost.example.com/v1",
  ])("refuses %s without allowInsecureHttp", (baseURL) => {
    let error: unknown;
    try {
      new RerankClient({ provider: "rerankit", apiKey: CANARY, baseURL });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RerankInputError);
    expect((error as RerankInputError).field).toBe("baseURL");
    expectNoCanary(renderings(error));
  });

  it.each([
    "http://127.0.0.1:8787/v1",
    "http://localhost:8787/v1",
    "http://[::1]:8787/v1",
    "http://api.localhost:8787/v1",
    "http://127.8.9.10/v1",
  ])("accepts loopback %s", async (baseURL) => {
    const client = new RerankClient({ provider: "rerankit", baseURL });
    expect(client.baseURL).toBe(baseURL);
    await client.close();
  });

  it("accepts a non-loopback http URL with allowInsecureHttp", async () => {
    const client = new RerankClient({ provider: "rerankit", baseURL: "http://10.0.0.5:8000/v1", allowInsecureHttp: true });
    expect(client.baseURL).toBe("http://10.0.0.5:8000/v1");
    await client.close();
  });
});
