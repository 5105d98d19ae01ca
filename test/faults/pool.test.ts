/**
 * Replica pools (`baseURL` as a list): round-robin, failover on connection errors and 5xx, a
 * cool-down for a failing replica, and every URL checked like a single one.
 */
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { RerankClient, RerankConnectionError, RerankInputError } from "@rerankit/core";
import { describe, expect, it } from "vitest";
import { always, closeAfterEach, type FaultServer, respond, resetBeforeHeaders, startFaultServer } from "./fault-server.js";

const DOCS = ["alpha", "beta", "gamma"];
const OK = respond(
  200,
  JSON.stringify({
    results: [
      { index: 2, relevance_score: 0.8 },
      { index: 0, relevance_score: 0.5 },
      { index: 1, relevance_score: 0.1 },
    ],
  }),
);
const { servers, clients } = closeAfterEach();

async function server(script = always(OK)) {
  const s = await startFaultServer(script);
  servers.push(s);
  return s;
}

/** A port with nothing listening on it (connection refused). */
async function deadPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

function client(baseURL: string[], extra: Partial<ConstructorParameters<typeof RerankClient>[0]> = {}) {
  const c = new RerankClient({ provider: "rerankit", baseURL, maxRetries: 2, backoff: { initialDelayMs: 5, maxDelayMs: 20 }, ...extra });
  clients.push(c);
  return c;
}

const expectRanked = (r: Awaited<ReturnType<RerankClient["rerank"]>>) => expect(r.results.map((x) => x.index)).toEqual([2, 0, 1]);

describe("replica pool", () => {
  it("spreads calls round-robin over healthy replicas", async () => {
    const [a, b, c] = await Promise.all([server(), server(), server()]);
    const rc = client([a.url, b.url, c.url].map((u) => `${u}/v1`));
    for (let i = 0; i < 30; i++) expectRanked(await rc.rerank({ query: "q", documents: DOCS }));
    expect([a, b, c].map((s) => s.requests.length)).toEqual([10, 10, 10]);
    expect(a.requests[0]!.url).toBe("/v1/rerank");
  });

  it("with one of three replicas refusing connections, every call succeeds and the dead one is skipped during its cool-down", async () => {
    const [a, c] = await Promise.all([server(), server()]);
    const dead = await deadPort();
    const rc = client([`${a.url}/v1`, `http://127.0.0.1:${dead}/v1`, `${c.url}/v1`], { replicaCoolDownMs: 60_000 });
    let requests = 0;
    for (let i = 0; i < 30; i++) {
      const r = await rc.rerank({ query: "q", documents: DOCS });
      expectRanked(r);
      requests += r.usage.requests;
    }
    // One failed attempt on the dead replica; after it, the cool-down keeps every call off it.
    expect(requests).toBe(31);
    expect(a.requests.length + c.requests.length).toBe(30);
  });

  it("under concurrency, a resetting replica costs one failover per call that hit it, then none during its cool-down", async () => {
    const [a, c] = await Promise.all([server(), server()]);
    const b = await server(always(resetBeforeHeaders()));
    const rc = client(
      [a.url, b.url, c.url].map((u) => `${u}/v1`),
      { replicaCoolDownMs: 60_000 },
    );
    const burst = await Promise.all(Array.from({ length: 60 }, () => rc.rerank({ query: "q", documents: DOCS })));
    burst.forEach(expectRanked);
    const hitInBurst = b.requests.length;
    expect(hitInBurst).toBeGreaterThan(0);
    expect(hitInBurst).toBeLessThanOrEqual(20);
    expect(burst.reduce((sum, r) => sum + r.usage.requests, 0)).toBe(60 + hitInBurst);
    for (let i = 0; i < 20; i++) expectRanked(await rc.rerank({ query: "q", documents: DOCS }));
    expect(b.requests.length).toBe(hitInBurst);
  });

  it("probes a failed replica again once its cool-down is over", async () => {
    const [a, c] = await Promise.all([server(), server()]);
    const b = await server(always(resetBeforeHeaders()));
    const rc = client(
      [a.url, b.url, c.url].map((u) => `${u}/v1`),
      { replicaCoolDownMs: 20 },
    );
    for (let i = 0; i < 8; i++) {
      expectRanked(await rc.rerank({ query: "q", documents: DOCS }));
      await new Promise((r) => setTimeout(r, 40));
    }
    // Every call after a wait longer than the cool-down may land on b again; it must have been tried more than once.
    expect(b.requests.length).toBeGreaterThan(1);
  });

  it("fails over on 5xx to the next replica", async () => {
    const [a, c] = await Promise.all([server(), server()]);
    const b = await server(always(respond(503, '{"message":"warming up"}')));
    const rc = client(
      [a.url, b.url, c.url].map((u) => `${u}/v1`),
      { replicaCoolDownMs: 60_000 },
    );
    const results = await Promise.all(Array.from({ length: 30 }, () => rc.rerank({ query: "q", documents: DOCS })));
    results.forEach(expectRanked);
    expect(b.requests.length).toBeGreaterThan(0);
    expect(a.requests.length + c.requests.length).toBe(30);
  });

  it("with two of three replicas flapping, every call succeeds and the flapping ones keep serving between failures", async () => {
    const flap = (n: number) => (n % 2 === 0 ? resetBeforeHeaders() : OK);
    const a = await server();
    const [b, c] = await Promise.all([server(flap), server((n) => (n % 3 === 0 ? respond(502, "<html>bad gateway</html>") : OK))]);
    const rc = client(
      [a.url, b.url, c.url].map((u) => `${u}/v1`),
      { replicaCoolDownMs: 10 },
    );
    for (let round = 0; round < 6; round++) {
      const results = await Promise.all(Array.from({ length: 20 }, () => rc.rerank({ query: "q", documents: DOCS })));
      results.forEach(expectRanked);
      await new Promise((r) => setTimeout(r, 15));
    }
    const served = (s: FaultServer, failsEvery: number) => s.requests.length - Math.floor(s.requests.length / failsEvery);
    expect(served(b, 2)).toBeGreaterThan(0);
    expect(served(c, 3)).toBeGreaterThan(0);
    expect(a.requests.length).toBeGreaterThan(0);
  });

  it("with every replica down, the call fails with a connection error after maxRetries", async () => {
    const ports = await Promise.all([deadPort(), deadPort()]);
    const rc = client(ports.map((p) => `http://127.0.0.1:${p}/v1`));
    const error = await rc.rerank({ query: "q", documents: DOCS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankConnectionError);
    expect((error as RerankConnectionError).attempts).toBe(3);
  });

  it("checks every URL of the list: plain http off loopback is refused unless allowInsecureHttp", () => {
    const input = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error as RerankInputError;
      }
      throw new Error("no error");
    };
    const insecure = input(() => new RerankClient({ provider: "rerankit", baseURL: ["http://127.0.0.1:1/v1", "http://10.0.0.7:8000/v1"] }));
    expect(insecure).toBeInstanceOf(RerankInputError);
    expect(insecure.field).toBe("baseURL[1]");
    expect(insecure.message).toMatch(/Refusing plain http to 10\.0\.0\.7/);
    const allowed = new RerankClient({
      provider: "rerankit",
      baseURL: ["http://10.0.0.6:8000/v1", "http://10.0.0.7:8000/v1"],
      allowInsecureHttp: true,
    });
    expect(allowed.baseURL).toBe("http://10.0.0.6:8000/v1");
    void allowed.close();
    expect(input(() => new RerankClient({ provider: "rerankit", baseURL: [] })).field).toBe("baseURL");
    expect(input(() => new RerankClient({ provider: "rerankit", baseURL: ["https://ok.example/v1", "ftp://x/"] })).field).toBe(
      "baseURL[1]",
    );
    expect(
      input(() => new RerankClient({ provider: "rerankit", baseURL: ["https://user:pw@ok.example/v1", "https://b.example"] })).field,
    ).toBe("baseURL[0]");
  });
});
