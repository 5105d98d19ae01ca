import { getEventListeners } from "node:events";
import net from "node:net";
import { RerankClient, RerankConnectionError, type RerankError, RerankTimeoutError } from "@rerankit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAfterEach, cohereReply, json, startTestServer } from "./helpers/http.js";
import { loadUndici } from "../src/transport/fetch.js";
import { pendingConnects, startBlackhole } from "./helpers/blackhole.js";

const { servers, clients } = closeAfterEach();
const KEY = "sk-canary-lifecycle-4f1e8a2b9c";

async function waitFor(check: () => boolean, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

describe("an origin that accepts no connections (issue 12, item 10)", () => {
  let hole: Awaited<ReturnType<typeof startBlackhole>>;
  beforeAll(async () => {
    hole = await startBlackhole();
    // The client loads undici at its first request (importing core needs no Node API). On a loaded
    // machine that import alone can outlast a 300 ms deadline, and then no call would ever get as
    // far as connecting: load it first, so these tests measure connection attempts.
    expect(await loadUndici()).toBeDefined();
  });
  afterAll(() => {
    for (const plug of hole.plugs) plug.destroy();
    hole.child.kill();
  });

  it("really hangs a plain connect (the premise of the tests below)", async () => {
    const socket = net.connect(hole.port, "127.0.0.1");
    let connected = false;
    socket.once("connect", () => {
      connected = true;
    });
    socket.on("error", () => {});
    expect(await waitFor(() => pendingConnects(hole.port) >= 1, 2_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(connected).toBe(false);
    socket.destroy();
  });

  it("1,000 calls with 300 ms deadlines reject on time, use at most connectionsPerOrigin sockets, and leave no attempt pending", async () => {
    const client = new RerankClient({
      provider: "cohere",
      baseURL: `http://127.0.0.1:${hole.port}`,
      apiKey: KEY,
      timeoutMs: 300,
      connectionsPerOrigin: 16,
    });
    clients.push(client);
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, pendingConnects(hole.port));
    }, 25);
    let lateness = 0;
    const started = performance.now();
    const settled = await Promise.allSettled(
      Array.from({ length: 1_000 }, () =>
        client.rerank({ query: "q", documents: ["a", "b"] }).finally(() => {
          lateness = Math.max(lateness, performance.now() - started - 300);
        }),
      ),
    );
    clearInterval(sampler);
    for (const s of settled) {
      expect(s.status).toBe("rejected");
      expect(RerankTimeoutError.isInstance((s as PromiseRejectedResult).reason)).toBe(true);
    }
    // On time: each is a RerankTimeoutError (checked above), not undici's connect error after its
    // 10 s connect timeout, which used to hold them. A generous bound derived from the deadline
    // (ten deadlines' worth of lateness for 1,000 calls on a loaded machine), not a speed goal.
    expect(lateness).toBeLessThan(300 * 10);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(16);
    // No call waits any more, so no connection attempt is left open (they used to stay 10-15 s).
    expect(await waitFor(() => pendingConnects(hole.port) === 0, 2_000)).toBe(true);
  });

  it("a single call's connection attempt ends with the call's deadline", async () => {
    const client = new RerankClient({ provider: "cohere", baseURL: `http://127.0.0.1:${hole.port}`, apiKey: KEY, timeoutMs: 400 });
    clients.push(client);
    const call = client.rerank({ query: "q", documents: ["a"] });
    expect(await waitFor(() => pendingConnects(hole.port) === 1, 2_000)).toBe(true);
    await expect(call).rejects.toSatisfy((e) => RerankTimeoutError.isInstance(e));
    expect(await waitFor(() => pendingConnects(hole.port) === 0, 2_000)).toBe(true);
  });

  it("close() with calls waiting for a socket to the stuck origin rejects them with CLIENT_CLOSED and drops the attempts", async () => {
    const client = new RerankClient({ provider: "cohere", baseURL: `http://127.0.0.1:${hole.port}`, apiKey: KEY, timeoutMs: 60_000 });
    const calls = Array.from({ length: 50 }, () => client.rerank({ query: "q", documents: ["a"] }).catch((e: unknown) => e));
    expect(await waitFor(() => pendingConnects(hole.port) >= 1, 2_000)).toBe(true);
    await client.close();
    for (const error of await Promise.all(calls)) {
      expect(RerankConnectionError.isInstance(error)).toBe(true);
      expect((error as RerankError).code).toBe("CLIENT_CLOSED");
    }
    expect(await waitFor(() => pendingConnects(hole.port) === 0, 2_000)).toBe(true);
  });

  it("rejects a connectionsPerOrigin that is not a positive integer, naming the field", () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => new RerankClient({ provider: "cohere", baseURL: "http://127.0.0.1:9", apiKey: KEY, connectionsPerOrigin: bad })).toThrow(
        expect.objectContaining({ field: "connectionsPerOrigin" }),
      );
    }
  });
});

describe("close() with hung calls in flight (item 11)", () => {
  function expectClosed(error: unknown) {
    expect(RerankConnectionError.isInstance(error)).toBe(true);
    expect((error as RerankError).code).toBe("CLIENT_CLOSED");
    expect((error as RerankError).retryable).toBe(false);
    expect((error as Error).message).not.toContain(KEY);
  }

  it("aborts every call waiting on a response, settles them and resolves, long before their deadlines", async () => {
    const server = await startTestServer(() => {}); // never answers
    servers.push(server);
    const errors: unknown[] = [];
    const client = new RerankClient({
      provider: "cohere",
      baseURL: server.url,
      apiKey: KEY,
      timeoutMs: 60_000,
      hooks: { onError: ({ error }) => errors.push(error) },
    });
    const calls = Array.from({ length: 20 }, () => client.rerank({ query: "q", documents: ["a", "b"] }).catch((e: unknown) => e));
    expect(await waitFor(() => server.requests.length === 20, 5_000)).toBe(true);
    await client.close();
    const results = await Promise.all(calls);
    // Settled by close(), not by their deadlines (a minute away): each is CLIENT_CLOSED, where a
    // deadline would have given a RerankTimeoutError. No wall-clock bound needed.
    for (const error of results) expectClosed(error);
    expect(errors).toHaveLength(20);
    for (const error of errors) expectClosed(error);
    // The pool is closed: the server sees no socket left.
    expect(await waitFor(() => server.openSockets() === 0, 2_000)).toBe(true);
  });

  it("aborts a call sleeping before a retry, and a call split over several batches", async () => {
    const server = await startTestServer((req, res) => {
      const docs = (req.json as { documents: string[] }).documents;
      // The single-batch call is told to come back in a minute; the batched call's batches hang.
      if (docs.length === 1) json(res, 503, { message: "busy" }, { "retry-after": "60" });
    });
    servers.push(server);
    const client = new RerankClient({
      provider: "cohere",
      baseURL: server.url,
      apiKey: KEY,
      timeoutMs: 120_000,
      maxDocumentsPerRequest: 2,
      backoff: { initialDelayMs: 60_000, maxDelayMs: 60_000 },
    });
    const sleeping = client.rerank({ query: "q", documents: ["x"] }).catch((e: unknown) => e);
    const batched = client.rerank({ query: "q", documents: ["a", "b", "c", "d", "e", "f"] }).catch((e: unknown) => e);
    expect(await waitFor(() => server.requests.length >= 2, 5_000)).toBe(true);
    await client.close();
    expectClosed(await sleeping);
    expectClosed(await batched);
  });

  it("a call on a closed client, a call racing close(), and close() twice all give CLIENT_CLOSED", async () => {
    const server = await startTestServer(cohereReply((t) => t.length));
    servers.push(server);
    const client = new RerankClient({ provider: "cohere", baseURL: server.url, apiKey: KEY });
    const racing = client.rerank({ query: "q", documents: ["a"] }).catch((e: unknown) => e);
    await Promise.all([client.close(), client.close()]);
    expectClosed(await racing);
    expectClosed(await client.rerank({ query: "q", documents: ["a"] }).catch((e: unknown) => e));
    await client.close();
  });

  it("with a dispatcher of the caller's, close() aborts the calls but leaves the dispatcher open", async () => {
    const { Agent } = await import("undici");
    const server = await startTestServer((req, res) => {
      if ((req.json as { query: string }).query === "ok") cohereReply(() => 1)(req, res, 0);
    });
    servers.push(server);
    const dispatcher = new Agent();
    const client = new RerankClient({ provider: "cohere", baseURL: server.url, apiKey: KEY, dispatcher });
    const hung = client.rerank({ query: "hang", documents: ["a"] }).catch((e: unknown) => e);
    expect(await waitFor(() => server.requests.length === 1, 5_000)).toBe(true);
    await client.close();
    expectClosed(await hung);
    const other = new RerankClient({ provider: "cohere", baseURL: server.url, apiKey: KEY, dispatcher });
    clients.push(other);
    expect((await other.rerank({ query: "ok", documents: ["a"] })).results).toHaveLength(1);
    await dispatcher.close();
  });
});

describe("many calls sharing one AbortSignal (item 12)", () => {
  function captureWarnings(): { warnings: Error[]; stop(): void } {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    return { warnings, stop: () => process.off("warning", onWarning) };
  }

  it("50 concurrent calls on one signal succeed with a single listener on it, and no MaxListenersExceededWarning", async () => {
    const server = await startTestServer((req, res) => {
      setTimeout(() => cohereReply((t) => t.length)(req, res, 0), 50);
    });
    servers.push(server);
    const client = new RerankClient({ provider: "cohere", baseURL: server.url, apiKey: KEY });
    clients.push(client);
    const controller = new AbortController();
    const capture = captureWarnings();
    const calls = Array.from({ length: 50 }, (_, i) =>
      client.rerank({ query: "q", documents: [`a${i}`, "bb"], signal: controller.signal }),
    );
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    const responses = await Promise.all(calls);
    // Warnings are emitted on the next tick.
    await new Promise((r) => setImmediate(r));
    capture.stop();
    expect(responses.every((r) => r.results.length === 2)).toBe(true);
    expect(capture.warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("aborting the shared signal rejects all 50 calls with its reason, without a warning, and later calls still follow a new signal", async () => {
    const server = await startTestServer(() => {}); // never answers
    servers.push(server);
    const client = new RerankClient({ provider: "cohere", baseURL: server.url, apiKey: KEY, timeoutMs: 60_000 });
    clients.push(client);
    const controller = new AbortController();
    const capture = captureWarnings();
    const reason = new Error("caller gave up");
    const calls = Array.from({ length: 50 }, () =>
      client.rerank({ query: "q", documents: ["a"], signal: controller.signal }).catch((e: unknown) => e),
    );
    expect(await waitFor(() => server.requests.length === 50, 5_000)).toBe(true);
    controller.abort(reason);
    for (const error of await Promise.all(calls)) expect(error).toBe(reason);
    await new Promise((r) => setImmediate(r));
    capture.stop();
    expect(capture.warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);

    const second = new AbortController();
    const call = client.rerank({ query: "q", documents: ["a"], signal: second.signal }).catch((e: unknown) => e);
    second.abort(reason);
    expect(await call).toBe(reason);
  });
});
