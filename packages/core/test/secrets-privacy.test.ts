/**
 * Secrets never leave the client, whatever a gateway echoes back and in whatever form: the key in
 * a 2xx body's id, keys under header names nobody knows, a transport error's code, and the key
 * URL-encoded or base64-encoded. Real servers on 127.0.0.1, canary keys, every rendering checked.
 */
import { inspect } from "node:util";
import { RerankClient, RerankConnectionError, RerankError } from "@rerankit/core";
import { Agent, Dispatcher } from "undici";
import { describe, expect, it } from "vitest";
import { headerSecrets, scrub, scrubError, secretForms } from "../src/transport/redact.js";
import { closeAfterEach, json, type RecordedRequest, startTestServer } from "./helpers/http.js";

// Characters that URL-encoding changes, so that the encoded form differs from the key.
const KEY = "sk-canary+/=9e1d4b7a5c3f2e80";
const HEADER_KEYS = {
  "Ocp-Apim-Subscription-Key": "apim-canary-71c0d2e9b4a35f68",
  "X-Auth": "xauth-canary-5a8e31f0c7d24b96",
  "X-Client-Credential": "cred-canary-0f9b6d2e4c7a1385",
};
const BASIC_PASSWORD = "basic-canary-pw-3d7e9a1c5b";
const CANARIES = [KEY, ...Object.values(HEADER_KEYS), BASIC_PASSWORD];

const { servers, clients } = closeAfterEach();
const documents = ["alpha", "beta", "gamma"];

/** Every form an echo may carry a canary in. */
function forms(secret: string): string[] {
  const b64 = Buffer.from(secret).toString("base64");
  return [secret, encodeURIComponent(secret), b64, b64.replace(/=+$/, ""), Buffer.from(secret).toString("base64url")];
}

/** Fails if `text` holds any canary in any form, or any base64 run in it decodes to one. */
function expectClean(text: string, where: string) {
  for (const canary of CANARIES) {
    for (const form of forms(canary)) expect(text, `${where} holds ${form}`).not.toContain(form);
    // Any base64 run, at any of its alignments, decoded: no canary inside.
    for (const run of text.match(/[A-Za-z0-9+/_-]{12,}/g) ?? []) {
      for (let skip = 0; skip < 4; skip++) {
        const decoded = Buffer.from(run.slice(skip).replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("latin1");
        expect(decoded, `${where}: base64 run ${run}`).not.toContain(canary);
      }
    }
  }
}

function renderings(value: unknown): string[] {
  const out = [String(value), inspect(value, { depth: 8, showHidden: true }), JSON.stringify(value) ?? ""];
  if (value instanceof Error) out.push(value.message, value.stack ?? "");
  const cause = (value as { cause?: unknown } | undefined)?.cause;
  if (cause !== undefined) out.push(...renderings(cause));
  return out;
}

function expectCleanError(error: unknown) {
  expect(RerankError.isInstance(error)).toBe(true);
  const e = error as RerankError;
  for (const field of [e.message, e.code, e.requestId, e.name]) if (field !== undefined) expectClean(field, "an error field");
  for (const text of renderings(error)) expectClean(text, "an error rendering");
}

/** Every credential the request carried, as the server saw it. */
function credentials(req: RecordedRequest): string[] {
  return [
    String(req.headers.authorization ?? ""),
    ...Object.keys(HEADER_KEYS).map((name) => String(req.headers[name.toLowerCase()] ?? "")),
  ];
}

/** The many ways a leaky gateway echoes credentials: raw, URL-encoded, base64, base64url, and inside a base64 JSON blob. */
function echoes(req: RecordedRequest): string {
  const creds = credentials(req);
  const blob = Buffer.from(JSON.stringify({ headers: req.headers })).toString("base64");
  return [
    ...creds,
    ...creds.map(encodeURIComponent),
    ...creds.map((c) => Buffer.from(c).toString("base64")),
    ...creds.map((c) => Buffer.from(c).toString("base64url")),
    ...creds.map((c) => Buffer.from(c.replace(/^Bearer /, "")).toString("base64")),
    blob,
    `pw=${BASIC_PASSWORD}`,
  ].join(" | ");
}

function newClient(url: string, extra: Record<string, unknown> = {}) {
  const client = new RerankClient({
    provider: "cohere",
    baseURL: url,
    apiKey: KEY,
    headers: HEADER_KEYS,
    maxRetries: 0,
    ...extra,
  });
  clients.push(client);
  return client;
}

describe("a key echoed into a 2xx body's id (issue 12, item 6)", () => {
  it("never reaches requestIds or any hook event, raw or encoded", async () => {
    const server = await startTestServer((req, res) => {
      const results = documents.map((_, index) => ({ index, relevance_score: 1 - index / 10 }));
      json(res, 200, { id: `req ${req.headers.authorization} ${echoes(req)}`, results }, { "x-request-id": `hdr ${echoes(req)}` });
    });
    servers.push(server);
    const events: unknown[] = [];
    const hook =
      (name: string) =>
      (event: unknown): void => {
        events.push({ name, event });
      };
    const client = newClient(server.url, {
      hooks: {
        onCallStart: hook("start"),
        onRequest: hook("request"),
        onResponse: hook("response"),
        onResult: hook("result"),
        onError: hook("error"),
      },
    });
    const response = await client.rerank({ query: "q", documents });
    expect(response.results).toHaveLength(3);
    // The id is still there, with the key cut out of it.
    expect(response.requestIds).toHaveLength(1);
    expect(response.requestIds[0]).toMatch(/^req \[redacted\] /);
    for (const id of response.requestIds) expectClean(id, "a request id");
    expect(events.map((e) => (e as { name: string }).name)).toEqual(["start", "request", "response", "result"]);
    for (const event of events) {
      expectClean(JSON.stringify(event), "a hook event (JSON)");
      expectClean(inspect(event, { depth: 8 }), "a hook event (inspect)");
    }
    expectClean(JSON.stringify(response), "the response");
  });

  it("a 2xx whose id carries the key and whose results are short still fails clean", async () => {
    const server = await startTestServer((req, res) => {
      json(res, 200, { id: echoes(req), results: [{ index: 0, relevance_score: 0.5 }] });
    });
    servers.push(server);
    const error = await newClient(server.url)
      .rerank({ query: "q", documents })
      .catch((e: unknown) => e);
    expectCleanError(error);
  });
});

describe("keys under header names the scrubber never heard of (item 7)", () => {
  for (const status of [400, 401, 429, 500, 503]) {
    it(`HTTP ${status} echoing every header, raw and encoded, leaks none of them`, async () => {
      const server = await startTestServer((req, res) => {
        json(
          res,
          status,
          { message: `denied: ${echoes(req)}`, code: echoes(req), request_id: echoes(req) },
          { "x-request-id": echoes(req) },
        );
      });
      servers.push(server);
      const error = await newClient(server.url)
        .rerank({ query: "q", documents })
        .catch((e: unknown) => e);
      expect((error as RerankError).status).toBe(status);
      expectCleanError(error);
    });
  }

  it("a Basic credential's password, echoed decoded, is scrubbed too", async () => {
    const server = await startTestServer((req, res) => {
      const basic = String(req.headers.authorization ?? "").replace(/^Basic /, "");
      const decoded = Buffer.from(basic, "base64").toString("utf8");
      json(res, 403, { message: `bad login ${decoded} (${decoded.split(":")[1]})` });
    });
    servers.push(server);
    const client = new RerankClient({
      provider: "cohere",
      baseURL: server.url,
      headers: { authorization: `Basic ${Buffer.from(`alice:${BASIC_PASSWORD}`).toString("base64")}` },
      maxRetries: 0,
    });
    clients.push(client);
    const error = await client.rerank({ query: "q", documents }).catch((e: unknown) => e);
    expect((error as RerankError).status).toBe(403);
    expect((error as Error).message).toContain("bad login [redacted] ([redacted])");
    expectCleanError(error);
  });

  it("known-harmless headers (user-agent, content-type) are not treated as secrets", async () => {
    const server = await startTestServer((req, res) => {
      json(res, 400, { message: `agent ${req.headers["user-agent"]} sent ${req.headers["content-type"]}` });
    });
    servers.push(server);
    const error = await newClient(server.url, { headers: { ...HEADER_KEYS, "User-Agent": "my-app/4.2" } })
      .rerank({ query: "q", documents })
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain("agent my-app/4.2 sent application/json");
  });
});

/** Forwards to a real Agent, but reports every transport failure with the credentials in its code, message and cause. */
class LeakyDispatcher extends Dispatcher {
  readonly inner = new Agent();
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const headers = options.headers as Record<string, string>;
    const creds = Object.values(headers).join(" ");
    const forwarded: Dispatcher.DispatchHandler = {
      onRequestStart: (c, ctx) => handler.onRequestStart?.(c, ctx),
      onResponseStart: (c, s, h, m) => handler.onResponseStart?.(c, s, h, m),
      onResponseData: (c, d) => handler.onResponseData?.(c, d),
      onResponseEnd: (c, t) => handler.onResponseEnd?.(c, t),
      onResponseError: (c) => {
        const b64 = Buffer.from(creds).toString("base64");
        const error = Object.assign(new Error(`socket died for ${creds} ${b64}`), {
          code: `E_LEAK ${creds} ${encodeURIComponent(creds)} ${b64}`,
          syscall: creds,
          cause: Object.assign(new Error(`inner ${creds}`), { code: creds }),
        });
        handler.onResponseError?.(c, error);
      },
    };
    return this.inner.dispatch(options, forwarded);
  }
  override close(): Promise<void> {
    return this.inner.close();
  }
}

describe("every string field of an error is scrubbed, not only the message (item 8)", () => {
  it("a transport error's code, fields and cause chain carrying every key never reach the RerankConnectionError", async () => {
    const server = await startTestServer((_req, res) => {
      res.socket?.destroy();
    });
    servers.push(server);
    const dispatcher = new LeakyDispatcher();
    const events: unknown[] = [];
    const client = newClient(server.url, { dispatcher, hooks: { onError: (e: unknown) => events.push(e) } });
    const error = await client.rerank({ query: "q", documents }).catch((e: unknown) => e);
    await dispatcher.close();
    expect(RerankConnectionError.isInstance(error)).toBe(true);
    const code = (error as RerankConnectionError).code;
    // The code is kept, the keys cut out of it.
    expect(code).toMatch(/^E_LEAK /);
    expect(code).toContain("[redacted]");
    expectCleanError(error);
    expect(events).toHaveLength(1);
    expectClean(inspect(events[0], { depth: 8, showHidden: true }), "the onError event");
  });
});

describe("URL-encoded and base64 echoes (item 9)", () => {
  it("a 500 echoing the key in every encoding, retried, ends clean; so does every retry event", async () => {
    const server = await startTestServer((req, res) => {
      json(res, 500, { error: { message: echoes(req), code: encodeURIComponent(String(req.headers.authorization)) } });
    });
    servers.push(server);
    const retries: unknown[] = [];
    const client = newClient(server.url, {
      maxRetries: 2,
      backoff: { initialDelayMs: 1, maxDelayMs: 2 },
      hooks: { onRetry: (e: unknown) => retries.push(e) },
    });
    const error = await client.rerank({ query: "q", documents }).catch((e: unknown) => e);
    expect((error as RerankError).attempts).toBe(3);
    expectCleanError(error);
    expect(retries).toHaveLength(2);
    for (const event of retries) expectClean(inspect(event, { depth: 8, showHidden: true }), "an onRetry event");
  });
});

describe("the scrubber's encoded forms (item 9, unit level)", () => {
  const secret = "sk-live-7Hq+/Zp=0a9b8c7d";
  it("a secret base64-encoded at any byte alignment, inside any surrounding bytes, no longer decodes to the secret", () => {
    for (let before = 0; before < 7; before++) {
      for (let after = 0; after < 4; after++) {
        const plain = Buffer.concat([Buffer.alloc(before, 0x41 + before), Buffer.from(secret), Buffer.alloc(after, 0x7a)]);
        for (const encoding of ["base64", "base64url"] as const) {
          const text = `echo ${plain.toString(encoding)} end`;
          const out = scrub(text, [secret]);
          expect(out).toContain("[redacted]");
          const run = out.split(" ")[1]!;
          for (const piece of run.split("[redacted]")) expect(Buffer.from(piece, encoding).toString("latin1")).not.toContain(secret);
        }
      }
    }
  });

  it("URL-encoded forms (upper- and lower-case hex, and encoded twice) are scrubbed; short values are left alone", () => {
    const encoded = encodeURIComponent(secret);
    for (const form of [encoded, encoded.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()), encodeURIComponent(encoded)]) {
      expect(scrub(`x ${form} y`, [secret])).toBe("x [redacted] y");
    }
    expect(secretForms("abc")).toEqual([]);
    expect(scrub("the abc of it", ["abc"])).toBe("the abc of it");
  });

  it("a Basic header yields the credential, user:pass and the password as secrets", () => {
    const value = `Basic ${Buffer.from("alice:s3cret-pass").toString("base64")}`;
    expect(headerSecrets(value)).toEqual([value, Buffer.from("alice:s3cret-pass").toString("base64"), "alice:s3cret-pass", "s3cret-pass"]);
    expect(headerSecrets("Bearer tok-123456")).toEqual(["Bearer tok-123456", "tok-123456"]);
  });

  it("scrubError redacts every string field and the cause chain in place, and never throws on a frozen error", () => {
    const inner = Object.assign(new Error(`inner ${secret}`), { code: secret });
    const error = Object.assign(new Error(`outer ${secret}`, { cause: inner }), { detail: `d ${secret}`, count: 3 });
    scrubError(error, [secret]);
    for (const text of [error.message, error.stack ?? "", error.detail, inner.message, inner.stack ?? "", inner.code])
      expect(text).not.toContain(secret);
    expect(error.count).toBe(3);
    const frozen = Object.freeze(new Error(`frozen ${secret}`));
    expect(() => scrubError(frozen, [secret])).not.toThrow();
  });
});
