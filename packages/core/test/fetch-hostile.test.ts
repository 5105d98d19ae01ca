/**
 * The fetch transport against a `fetch` that does not play along (issue 20, item 2), over real
 * sockets: a fetch that ignores its signal, and a body stream that ignores cancel, hold a call
 * neither past its deadline nor past `close()`.
 */
import { describe, expect, it } from "vitest";
import { RerankClient, RerankConnectionError, RerankTimeoutError } from "../src/index.js";
import { deafFetch, stubbornBodyFetch } from "./helpers/hostile-fetch.js";
import { closeAfterEach, startTestServer, type Reply } from "./helpers/http.js";

const { servers, clients } = closeAfterEach();
const documents = ["bananas are yellow", "wash hands to prevent a cold"];

/** Headers and half a body, then nothing (the socket stays open until the server closes). */
const halfBody: Reply = (_req, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.write('{"results": [');
};
const noAnswer: Reply = () => {};

async function setup(reply: Reply, f: typeof fetch) {
  const server = await startTestServer(reply);
  servers.push(server);
  const client = new RerankClient({ provider: "cohere", apiKey: "k", baseURL: `${server.url}/v2`, fetch: f, maxRetries: 0 });
  clients.push(client);
  return client;
}

describe.each([
  ["a fetch that ignores its signal, server never answers", noAnswer, deafFetch],
  ["a fetch that ignores its signal, body stalls half-way", halfBody, deafFetch],
  ["a body that ignores cancel, body stalls half-way", halfBody, stubbornBodyFetch],
])("%s", (_name, reply, f) => {
  it("the call ends at its deadline with a RerankTimeoutError", async () => {
    const client = await setup(reply, f);
    const timeoutMs = 300;
    const started = performance.now();
    const error = await client.rerank({ query: "cold", documents, timeoutMs }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankTimeoutError);
    // A generous bound derived from the deadline (the race ends it at the deadline itself).
    expect(performance.now() - started).toBeLessThan(3 * timeoutMs);
  });

  it("close() ends the call at once with CLIENT_CLOSED", async () => {
    const client = await setup(reply, f);
    const server = servers.at(-1)!;
    const pending = client.rerank({ query: "cold", documents, timeoutMs: 600_000 }).catch((e: unknown) => e);
    // Close once the request is at the server (an event, not a sleep).
    while (server.requests.length === 0) await new Promise((r) => setImmediate(r));
    await client.close();
    const error = await pending;
    expect(error).toBeInstanceOf(RerankConnectionError);
    expect((error as RerankConnectionError).code).toBe("CLIENT_CLOSED");
  });
});
