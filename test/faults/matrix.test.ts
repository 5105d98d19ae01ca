/**
 * Every fault × every response family: the call either succeeds after a retry or rejects with the
 * right RerankError subclass, within its deadline, with no unhandled rejection, no socket left
 * open after close(), and the canary key nowhere in the error.
 */
import { inspect } from "node:util";
import {
  RerankClient,
  RerankConnectionError,
  RerankError,
  RerankRateLimitError,
  RerankResponseError,
  RerankServerError,
  RerankTimeoutError,
} from "@rerankit/core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { coveredFamilies, type Family, type Item, raw, uncoveredProviders, validItems } from "./families.js";
import {
  type Action,
  type Script,
  always,
  failFirst,
  hangBeforeHeaders,
  hugeBody,
  json,
  redirect,
  resetBeforeHeaders,
  resetMidBody,
  respond,
  startFaultServer,
  stallMidBody,
} from "./fault-server.js";

export const CANARY = "sk-canary-3f9d2c7e1b5a4d60";
const DOCUMENTS = ["alpha", "beta", "gamma"];
const SCORES = [0.2, 0.9, 0.5];
/** Allowance over the deadline for timers and a busy shared machine; the point is "bounded", not "fast". */
const MARGIN_MS = 1_500;

type ErrorClass = abstract new (...args: never[]) => RerankError;
interface Fault {
  name: string;
  script(family: Family, other: string): Script;
  /** "ok", or the error class the call must reject with. */
  outcome: "ok" | ErrorClass;
  /** Requests the server must have received (when deterministic). */
  requests?: number;
  /** Per-call deadline; short for faults that can only end by the deadline. */
  timeoutMs?: number;
}

const ok = (f: Family): Action => respond(200, f.body(validItems(SCORES)));
const bad = (items: Item[]) => (f: Family) => always(respond(200, f.body(items)));
const once = (fault: Action) => (f: Family) => failFirst(1, fault, ok(f));
const httpDate = (offsetMs: number) => new Date(Date.now() + offsetMs).toUTCString();
const errorBodies = {
  json: JSON.stringify({ error: { message: "upstream overloaded", type: "server_error" } }),
  html: "<html><body><h1>502 Bad Gateway</h1></body></html>",
  empty: "",
};

const faults: Fault[] = [
  {
    name: "429 Retry-After: 0 (seconds), then 200",
    script: (f) => once(json(429, { message: "slow down" }, { "retry-after": "0" }))(f),
    outcome: "ok",
    requests: 2,
  },
  {
    name: "429 Retry-After as a past HTTP date, then 200",
    script: (f) => once(json(429, { message: "slow down" }, { "retry-after": httpDate(-5_000) }))(f),
    outcome: "ok",
    requests: 2,
  },
  {
    name: "429 retry-after-ms: 30, then 200",
    script: (f) => once(json(429, { message: "slow down" }, { "retry-after-ms": "30" }))(f),
    outcome: "ok",
    requests: 2,
  },
  {
    name: "429 Retry-After: 120 s, past the deadline: rate-limit error at once",
    script: () => always(json(429, { message: "slow down" }, { "retry-after": "120" })),
    outcome: RerankRateLimitError,
    requests: 1,
  },
  {
    name: "429 Retry-After as an HTTP date an hour ahead: rate-limit error at once",
    script: () => always(json(429, { message: "slow down" }, { "retry-after": httpDate(3_600_000) })),
    outcome: RerankRateLimitError,
    requests: 1,
  },
  ...[500, 502, 503, 504].flatMap((status) =>
    (Object.keys(errorBodies) as (keyof typeof errorBodies)[]).map(
      (kind): Fault => ({
        name: `${status} with a ${kind} body, then 200`,
        script: (f) => once(respond(status, errorBodies[kind]))(f),
        outcome: "ok",
        requests: 2,
      }),
    ),
  ),
  { name: "503 on every attempt", script: () => always(respond(503, errorBodies.json)), outcome: RerankServerError, requests: 3 },
  { name: "501 (not retried)", script: () => always(respond(501, errorBodies.json)), outcome: RerankServerError, requests: 1 },
  { name: "408, then 200", script: (f) => once(respond(408, ""))(f), outcome: "ok", requests: 2 },
  { name: "reset before headers, then 200", script: (f) => once(resetBeforeHeaders())(f), outcome: "ok", requests: 2 },
  {
    name: "reset before headers on every attempt",
    script: () => always(resetBeforeHeaders()),
    outcome: RerankConnectionError,
    requests: 3,
  },
  { name: "reset mid-body, then 200", script: (f) => once(resetMidBody())(f), outcome: "ok", requests: 2 },
  { name: "headers never come", script: () => always(hangBeforeHeaders()), outcome: RerankTimeoutError, requests: 1, timeoutMs: 300 },
  { name: "body stalls half-way", script: () => always(stallMidBody()), outcome: RerankTimeoutError, requests: 1, timeoutMs: 300 },
  {
    name: "200 with malformed JSON",
    script: () => always(respond(200, '{"results":[{"index":0,')),
    outcome: RerankResponseError,
    requests: 1,
  },
  {
    name: "200 with an HTML page",
    script: () => always(respond(200, "<!doctype html><html><body>Welcome to nginx!</body></html>")),
    outcome: RerankResponseError,
    requests: 1,
  },
  { name: "200 with an empty body", script: () => always(respond(200, "")), outcome: RerankResponseError, requests: 1 },
  {
    name: "200 with a schema-invalid body",
    script: () => always(respond(200, JSON.stringify({ ok: true, items: [1, 2, 3] }))),
    outcome: RerankResponseError,
    requests: 1,
  },
  {
    name: "index out of range",
    script: bad([...validItems(SCORES.slice(0, 2)), { index: 3, score: 0.1 }]),
    outcome: RerankResponseError,
    requests: 1,
  },
  {
    name: "negative index",
    script: bad([{ index: -1, score: 0.3 }, ...validItems(SCORES).slice(1)]),
    outcome: RerankResponseError,
    requests: 1,
  },
  {
    name: "repeated index",
    script: bad([
      { index: 0, score: 0.3 },
      { index: 0, score: 0.2 },
      { index: 1, score: 0.1 },
    ]),
    outcome: RerankResponseError,
    requests: 1,
  },
  {
    name: "fractional index",
    script: bad([{ index: 0.5, score: 0.3 }, ...validItems(SCORES).slice(1)]),
    outcome: RerankResponseError,
    requests: 1,
  },
  {
    name: "NaN score (not JSON)",
    script: bad([{ index: 0, score: raw("NaN") }, ...validItems(SCORES).slice(1)]),
    outcome: RerankResponseError,
    requests: 1,
  },
  {
    name: "Infinity score (1e999)",
    script: bad([{ index: 0, score: raw("1e999") }, ...validItems(SCORES).slice(1)]),
    outcome: RerankResponseError,
    requests: 1,
  },
  {
    name: "null score",
    script: bad([{ index: 0, score: null }, ...validItems(SCORES).slice(1)]),
    outcome: RerankResponseError,
    requests: 1,
  },
  {
    name: "string score",
    script: bad([{ index: 0, score: "0.9" }, ...validItems(SCORES).slice(1)]),
    outcome: RerankResponseError,
    requests: 1,
  },
  {
    name: "more results than documents",
    script: bad([...validItems(SCORES), { index: 3, score: 0.4 }, { index: 4, score: 0.3 }]),
    outcome: RerankResponseError,
    requests: 1,
  },
  { name: "fewer results than documents", script: bad(validItems(SCORES).slice(0, 2)), outcome: RerankResponseError, requests: 1 },
  {
    name: "a 24 MB body (over the 16 MiB cap)",
    script: () => always(hugeBody(24 * 1024 * 1024)),
    outcome: RerankResponseError,
    requests: 1,
  },
  ...[301, 302, 307, 308].map(
    (status): Fault => ({
      name: `${status} redirect to another origin`,
      script: (_f, other) => always(redirect(status, `${other}/v1/rerank`)),
      outcome: RerankResponseError,
      requests: 1,
    }),
  ),
];

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
const printed: string[] = [];
const consoleSpies: { mockRestore(): void }[] = [];
beforeAll(() => {
  process.on("unhandledRejection", onUnhandled);
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    consoleSpies.push(
      vi
        .spyOn(console, method)
        .mockImplementation((...args: unknown[]) => printed.push(args.map((a) => inspect(a, { depth: 6 })).join(" "))),
    );
  }
});
afterAll(async () => {
  // Give any stray promise a turn to surface before checking.
  await new Promise((r) => setTimeout(r, 50));
  process.off("unhandledRejection", onUnhandled);
  for (const spy of consoleSpies) spy.mockRestore();
  expect(unhandled).toEqual([]);
  for (const line of printed) expect(line).not.toContain(CANARY);
});

const families = coveredFamilies();

describe("fault matrix", () => {
  it("covers every preset: each provider's dialect reads some family's success body", () => {
    expect(uncoveredProviders()).toEqual([]);
    expect(families.length).toBeGreaterThanOrEqual(2);
  });

  describe.concurrent.each(families.map(({ family, provider }) => ({ name: family.name, family, provider })))(
    "$name (as $provider)",
    ({ family, provider }) => {
      it.each(faults)("$name", async (fault) => {
        const other = await startFaultServer(always(respond(200, family.body(validItems(SCORES)))));
        const server = await startFaultServer(() => respond(500, ""));
        server.setScript(fault.script(family, other.url));
        const timeoutMs = fault.timeoutMs ?? 10_000;
        const client = new RerankClient({
          provider,
          apiKey: CANARY,
          model: "m",
          baseURL: `${server.url}/v1`,
          timeoutMs,
          maxRetries: 2,
          backoff: { initialDelayMs: 5, maxDelayMs: 20 },
        });
        const started = performance.now();
        let outcome: unknown;
        let value: Awaited<ReturnType<RerankClient["rerank"]>> | undefined;
        try {
          value = await client.rerank({ query: "which letter", documents: DOCUMENTS });
        } catch (error) {
          outcome = error;
        }
        const elapsed = performance.now() - started;
        try {
          expect(elapsed).toBeLessThan(timeoutMs + MARGIN_MS);
          if (fault.outcome === "ok") {
            expect(outcome).toBeUndefined();
            expect(value!.results.map((r) => r.index)).toEqual([1, 2, 0]);
            expect(value!.results.map((r) => r.relevanceScore)).toEqual([0.9, 0.5, 0.2]);
            expect(value!.usage.requests).toBe(fault.requests);
          } else {
            expect(outcome).toBeInstanceOf(fault.outcome);
            expect(RerankError.isInstance(outcome)).toBe(true);
            const error = outcome as RerankError;
            expect(error.provider).toBe(provider);
            if (fault.requests !== undefined) expect(error.attempts).toBe(fault.requests);
            for (const text of [error.message, error.stack ?? "", inspect(error, { depth: 5 }), JSON.stringify(error)]) {
              expect(text).not.toContain(CANARY);
            }
          }
          if (fault.requests !== undefined) expect(server.requests.length).toBe(fault.requests);
          // The key went to the configured origin only: the redirect target never saw a request.
          expect(other.requests.length).toBe(0);
        } finally {
          await client.close();
          await server.waitForNoOpenSockets();
          await Promise.all([server.close(), other.close()]);
        }
      });
    },
  );
});
