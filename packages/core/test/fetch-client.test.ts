/**
 * RerankClient through the fetch transport (`fetch` option, and the automatic choice where undici
 * cannot load), over real sockets: the same deadlines, aborts, size cap, redirect refusal and
 * retries as through undici.
 */
import { describe, expect, it } from "vitest";
import {
  RerankClient,
  type RerankClientOptions,
  RerankConnectionError,
  RerankResponseError,
  RerankServerError,
  RerankTimeoutError,
} from "../src/index.js";
import { autoTransport } from "../src/transport/fetch.js";
import { closeAfterEach, cohereReply, json, startTestServer, type Reply } from "./helpers/http.js";

const { servers, clients } = closeAfterEach();

const score = (text: string) => (text.includes("cold") ? 0.9 : 0.1) + text.length / 1000;
const documents = ["bananas are yellow", "wash hands to prevent a cold", "stock markets"];

/** A fetch that counts what goes through it. */
function countingFetch(): typeof fetch & { calls: string[] } {
  const calls: string[] = [];
  const f = ((input: string, init: RequestInit) => {
    calls.push(`${init.method} ${input}`);
    return fetch(input, init);
  }) as typeof fetch & { calls: string[] };
  f.calls = calls;
  return f;
}

async function setup(reply: Reply, options: Partial<RerankClientOptions> = {}) {
  const server = await startTestServer(reply);
  servers.push(server);
  const f = countingFetch();
  const client = new RerankClient({
    provider: "cohere",
    apiKey: "sk-fetch-canary",
    baseURL: `${server.url}/v2`,
    fetch: f,
    backoff: { initialDelayMs: 1, maxDelayMs: 5 },
    ...options,
  });
  clients.push(client);
  return { server, client, fetch: f };
}

describe("RerankClient with fetch", () => {
  it("sends every request through the given fetch and ranks as through undici", async () => {
    const { server, client, fetch: f } = await setup(cohereReply(score), { maxDocumentsPerRequest: 2 });
    const response = await client.rerank({ query: "cold", documents });
    expect(response.results.map((r) => r.index)).toEqual([1, 0, 2]);
    expect(f.calls).toEqual([`POST ${server.url}/v2/rerank`, `POST ${server.url}/v2/rerank`]);
    expect(server.requests[0]!.headers.authorization).toBe("Bearer sk-fetch-canary");

    const viaUndici = new RerankClient({ provider: "cohere", apiKey: "k", baseURL: `${server.url}/v2`, maxDocumentsPerRequest: 2 });
    clients.push(viaUndici);
    expect((await viaUndici.rerank({ query: "cold", documents })).results).toEqual(response.results);
    expect(f.calls).toHaveLength(2);
  });

  it("passes the deadline with a RerankTimeoutError", async () => {
    const { client } = await setup((_req, res) => {
      setTimeout(() => json(res, 200, { results: [] }), 3_000).unref();
    });
    await expect(client.rerank({ query: "cold", documents, timeoutMs: 100 })).rejects.toBeInstanceOf(RerankTimeoutError);
  });

  it("stops at the caller's abort with its reason", async () => {
    const controller = new AbortController();
    const reason = new Error("user went away");
    // Aborted once the request is in the server's hands (an event, not a sleep).
    const { client } = await setup((_req, res) => {
      setTimeout(() => json(res, 200, { results: [] }), 3_000).unref();
      controller.abort(reason);
    });
    await expect(client.rerank({ query: "cold", documents, signal: controller.signal })).rejects.toBe(reason);
  });

  it("refuses a body over maxResponseBytes with a RerankResponseError", async () => {
    const { client } = await setup(cohereReply(score), { maxResponseBytes: 40 });
    const error = await client.rerank({ query: "cold", documents }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankResponseError);
    expect((error as Error).message).toContain("maxResponseBytes");
  });

  it("never follows a redirect: a 3xx is a RerankResponseError and the target is never asked", async () => {
    const target = await startTestServer(cohereReply(score));
    servers.push(target);
    const { client } = await setup((_req, res) => {
      res.writeHead(307, { location: `${target.url}/v2/rerank` });
      res.end();
    });
    await expect(client.rerank({ query: "cold", documents })).rejects.toBeInstanceOf(RerankResponseError);
    expect(target.requests).toHaveLength(0);
  });

  it("retries a 503 and a reset connection, then succeeds", async () => {
    const { server, client } = await setup((req, res, n) => {
      if (n === 1) return json(res, 503, { message: "busy" });
      if (n === 2) return void res.socket?.destroy();
      return cohereReply(score)(req, res, n);
    });
    const response = await client.rerank({ query: "cold", documents });
    expect(response.usage.requests).toBe(3);
    expect(server.requests).toHaveLength(3);
    expect(response.results[0]!.index).toBe(1);
  });

  it("gives up after maxRetries with the last error", async () => {
    const { server, client } = await setup((_req, res) => json(res, 503, { message: "busy" }), { maxRetries: 1 });
    await expect(client.rerank({ query: "cold", documents })).rejects.toMatchObject({
      name: "RerankServerError",
      status: 503,
      attempts: 2,
    });
    expect(server.requests).toHaveLength(2);
    await expect(client.rerank({ query: "cold", documents })).rejects.toBeInstanceOf(RerankServerError);
  });

  it("reports a refused connection as a RerankConnectionError without the key", async () => {
    const server = await startTestServer(cohereReply(score));
    const url = server.url;
    await server.close();
    const client = new RerankClient({ provider: "cohere", apiKey: "sk-fetch-canary", baseURL: `${url}/v2`, fetch, maxRetries: 0 });
    clients.push(client);
    const error = await client.rerank({ query: "cold", documents }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankConnectionError);
    expect((error as RerankConnectionError).code).toBe("ECONNREFUSED");
    expect(JSON.stringify(error) + String((error as Error).message)).not.toContain("sk-fetch-canary");
  });
});

describe("autoTransport", () => {
  it("uses fetch where undici cannot load", async () => {
    const server = await startTestServer(cohereReply(score));
    servers.push(server);
    const f = countingFetch();
    const transport = autoTransport(
      { fetch: undefined, dispatcher: undefined, connectionsPerOrigin: 256 },
      {
        load: async () => undefined,
        fetch: f,
      },
    );
    const reply = await transport.send({
      origin: server.url,
      path: "/v2/rerank",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "cold", documents }),
      maxResponseBytes: 1 << 20,
      signal: new AbortController().signal,
    });
    expect(reply.status).toBe(200);
    expect(f.calls).toHaveLength(1);
    await transport.close();
  });

  it("uses undici where it loads, and the given fetch over both", async () => {
    const server = await startTestServer(cohereReply(score));
    servers.push(server);
    const unused = countingFetch();
    const viaUndici = autoTransport({ fetch: undefined, dispatcher: undefined, connectionsPerOrigin: 256 }, { fetch: unused });
    const send = () =>
      viaUndici.send({
        origin: server.url,
        path: "/v2/rerank",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "cold", documents }),
        maxResponseBytes: 1 << 20,
        signal: new AbortController().signal,
      });
    expect((await send()).status).toBe(200);
    expect(unused.calls).toHaveLength(0);
    await viaUndici.close();
  });
});
