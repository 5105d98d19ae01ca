/**
 * Issue 20 item 12: a dispatcher may fail with anything, `null` and `undefined` included. Every
 * such failure is a retryable RerankConnectionError (retried per policy, ridden out by
 * passthrough), and a failure with `undefined` is never taken for a reply.
 */
import { Agent, Dispatcher } from "undici";
import { describe, expect, it } from "vitest";
import { RerankClient, RerankConnectionError, RerankError } from "../src/index.js";
import { isPassthroughError } from "../src/adapter/passthrough.js";
import { closeAfterEach, cohereReply, startTestServer } from "./helpers/http.js";

const opened = closeAfterEach();

/** Fails its first `failures` requests with `thrown` (thrown from dispatch, or handed to onResponseError), then forwards. */
class FailingDispatcher extends Dispatcher {
  readonly inner = new Agent();
  calls = 0;
  constructor(
    readonly thrown: unknown,
    readonly how: "throw" | "onResponseError",
    readonly failures: number,
  ) {
    super();
  }
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (this.calls++ >= this.failures) return this.inner.dispatch(options, handler);
    if (this.how === "throw") throw this.thrown;
    queueMicrotask(() => handler.onResponseError?.({} as Dispatcher.DispatchController, this.thrown as Error));
    return true;
  }
  override close(): Promise<void> {
    return this.inner.close();
  }
}

const VALUES: [string, unknown][] = [
  ["null", null],
  ["undefined", undefined],
  ["a string", "boom"],
  ["a number", 42],
  ["a plain object", { reason: "nope" }],
];

describe("a dispatcher failing with any value", () => {
  for (const how of ["throw", "onResponseError"] as const) {
    for (const [name, value] of VALUES) {
      it(`${how} ${name}: a retryable RerankConnectionError, never a reply`, async () => {
        const server = await startTestServer(cohereReply(() => 0.5));
        opened.servers.push(server);
        const dispatcher = new FailingDispatcher(value, how, Number.POSITIVE_INFINITY);
        const client = new RerankClient({
          provider: "cohere",
          apiKey: "k",
          baseURL: server.url,
          dispatcher,
          maxRetries: 1,
          backoff: { initialDelayMs: 0, maxDelayMs: 0 },
        });
        opened.clients.push(client, dispatcher);
        const error = await client.rerank({ query: "q", documents: ["a", "b"] }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(RerankError.isInstance(error)).toBe(true);
        expect(error).toBeInstanceOf(RerankConnectionError);
        expect((error as RerankError).retryable).toBe(true);
        // The dispatcher's own failure, not a TypeError from reading a reply that never was.
        expect((error as Error).message).not.toMatch(/Cannot read|undefined \(reading/);
        // Retried per policy: one attempt and one retry.
        expect((error as RerankError).attempts).toBe(2);
        expect(dispatcher.calls).toBe(2);
        expect(isPassthroughError(error)).toBe(true);
        expect(server.requests).toHaveLength(0);
      });
    }
  }

  it("is retried: a null failure then a real reply gives the real ranking", async () => {
    const server = await startTestServer(cohereReply((text) => (text === "b" ? 0.9 : 0.1)));
    opened.servers.push(server);
    const dispatcher = new FailingDispatcher(null, "onResponseError", 1);
    const client = new RerankClient({
      provider: "cohere",
      apiKey: "k",
      baseURL: server.url,
      dispatcher,
      backoff: { initialDelayMs: 0, maxDelayMs: 0 },
    });
    opened.clients.push(client, dispatcher);
    const response = await client.rerank({ query: "q", documents: ["a", "b"] });
    expect(response.results.map((r) => r.index)).toEqual([1, 0]);
    expect(response.usage.requests).toBe(2);
  });
});
