/**
 * The deadline on the fetch path, through RerankClient (not the transport alone): when the call
 * times out, the request itself ends. The server sees its connection closed, for a server that
 * never sends headers and for one that stalls half-way through the body.
 */
import { RerankClient, RerankTimeoutError } from "@rerankit/core";
import { describe, expect, it } from "vitest";
import { always, hangBeforeHeaders, startFaultServer, stallMidBody } from "./fault-server.js";

const timeoutMs = 300;

/** Rejects if `promise` has not settled within a generous bound derived from the deadline. */
function withinDeadlineBound<T>(promise: Promise<T>, what: string): Promise<T> {
  const boundMs = timeoutMs * 20;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${boundMs} ms of a ${timeoutMs} ms deadline`)), boundMs);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe.each([
  ["headers never come", hangBeforeHeaders()],
  ["the body stalls half-way", stallMidBody()],
])("a fetch-transport call where %s", (_name, action) => {
  it("rejects at its deadline and closes the request: the server sees the connection end", async () => {
    const server = await startFaultServer(always(action));
    let fetched = 0;
    const client = new RerankClient({
      provider: "cohere",
      apiKey: "k",
      baseURL: `${server.url}/v2`,
      timeoutMs,
      maxRetries: 0,
      // The runtime's fetch, counted: this is the fetch transport, not the client's undici Agent.
      fetch: (input, init) => {
        fetched++;
        return fetch(input, init);
      },
    });
    try {
      const error = await withinDeadlineBound(
        client.rerank({ query: "q", documents: ["a", "b"] }).catch((e: unknown) => e),
        "the call",
      );
      expect(RerankTimeoutError.isInstance(error)).toBe(true);
      expect(fetched).toBe(1);
      expect(server.requests).toHaveLength(1);
      // The request is over on the server's side too: its connection closed, while the client stays
      // open (so it is the deadline that ended it, not close()).
      await withinDeadlineBound(server.requestClosed(1), "the server's connection");
      expect(server.openSockets()).toBe(0);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
