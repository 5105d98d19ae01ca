/** The limiter inside a call: every attempt (retries included) goes through it, a 429's Retry-After pauses every client sharing the store, reported tokens replace the estimate; usage.cost. */
import { describe, expect, it } from "vitest";
import { memoryRateLimitStore, RerankClient, RerankRateLimitError } from "../src/index.js";
import { closeAfterEach, cohereReply, json, startTestServer } from "./helpers/http.js";

const { servers, clients } = closeAfterEach();
const score = (text: string) => (text.length % 97) / 97;

async function server(reply: Parameters<typeof startTestServer>[0]) {
  const s = await startTestServer(reply);
  servers.push(s);
  return s;
}

function client(options: ConstructorParameters<typeof RerankClient>[0]) {
  const c = new RerankClient({ apiKey: "k", ...options });
  clients.push(c);
  return c;
}

describe("rateLimit in a call", () => {
  it("retries count: a retried request uses two of the window's requests, and the next call is refused locally", async () => {
    const ok = cohereReply(score);
    const s = await server((req, res, n) => (n === 1 ? json(res, 503, { message: "busy" }) : ok(req, res, n)));
    const c = client({
      provider: "cohere",
      baseURL: `${s.url}/v2`,
      rateLimit: { requestsPerMinute: 2 },
      backoff: { initialDelayMs: 1, maxDelayMs: 1 },
    });
    const first = await c.rerank({ query: "q", documents: ["a", "b"] });
    expect(first.usage.requests).toBe(2);
    const error = await c.rerank({ query: "q", documents: ["a", "b"], timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankRateLimitError);
    expect((error as RerankRateLimitError).code).toBe("LOCAL_RATE_LIMIT");
    expect((error as RerankRateLimitError).attempts).toBe(0);
    expect(s.requests).toHaveLength(2); // the refused call sent nothing
  });

  it("a 429 with Retry-After pauses every client sharing the store, not only the one that got it", async () => {
    const ok = cohereReply(score);
    const arrivals: { at: number; documents: string[] }[] = [];
    let b: RerankClient | undefined;
    let second: Promise<unknown> | undefined;
    let arrivedWhenSecondStarted = -1;
    const s = await server((req, res, n) => {
      arrivals.push({ at: Date.now(), documents: (req.json as { documents: string[] }).documents });
      if (n === 1) json(res, 429, { message: "slow down" }, { "retry-after": "1" });
      else ok(req, res, n);
    });
    const store = memoryRateLimitStore();
    const base = { provider: "cohere" as const, baseURL: `${s.url}/v2`, rateLimit: { requestsPerMinute: 1_000, store } };
    // Another client on the same store starts a call as the first one begins waiting out the 429
    // (its onRetry event: no sleep racing the pause).
    const a = client({
      ...base,
      hooks: {
        onRetry: () => {
          arrivedWhenSecondStarted = arrivals.length;
          second = b!.rerank({ query: "q", documents: ["b"] });
        },
      },
    });
    b = client(base);
    const first = await a.rerank({ query: "q", documents: ["a"] }); // 429, waits Retry-After, succeeds
    expect(first.usage.requests).toBe(2);
    await second;
    const pausedAt = arrivals[0]!.at;
    const fromB = arrivals.find((r) => r.documents[0] === "b")!;
    expect(arrivedWhenSecondStarted).toBe(1); // b started during a's pause, before a's retry
    // Without the shared pause, b's request would have gone out at once after the 429.
    expect(fromB.at - pausedAt).toBeGreaterThanOrEqual(900);
  });

  it("the provider's reported tokens replace the planner's estimate in the window", async () => {
    // Jina reports usage.total_tokens; this server reports 5 whatever is sent.
    const s = await server((req, res) => {
      const body = req.json as { documents: string[] };
      json(res, 200, {
        model: "m",
        results: body.documents.map((_, index) => ({ index, relevance_score: 0.5 })),
        usage: { total_tokens: 5 },
      });
    });
    const c = client({ provider: "jina", baseURL: `${s.url}/v1`, rateLimit: { tokensPerMinute: 1_000 } });
    const documents = Array.from({ length: 5 }, (_, i) => `${i} ${"x".repeat(396)}`); // ~100 estimated tokens each
    const first = await c.rerank({ query: "q", documents });
    expect(first.usage.totalTokens).toBe(5);
    await new Promise((r) => setImmediate(r));
    // ~510 estimated again: fits only because the first call's ~510 were corrected to 5.
    const second = await c.rerank({ query: "q", documents: documents.map((d) => `${d}!`), timeoutMs: 300 });
    expect(second.results).toHaveLength(5);
  });
});

describe("usage.cost", () => {
  it("from a per-client price, reported tokens first, else the estimate (marked)", async () => {
    const s = await server(cohereReply(score));
    const withUsage = client({ provider: "cohere", baseURL: `${s.url}/v2`, price: { currency: "EUR", perSearchUnit: 0.002 } });
    const r = await withUsage.rerank({ query: "q", documents: ["a", "b"] });
    expect(r.usage.cost).toEqual({ amount: 0.002, currency: "EUR", estimated: true }); // this server reports no search units
    const perToken = client({
      provider: "vllm",
      model: "bge",
      baseURL: `${s.url}/v1`,
      price: { bge: { currency: "USD", perMillionTokens: 1_000_000 } },
    });
    const t = await perToken.rerank({ query: "q", documents: ["a", "b"] });
    expect(t.usage.cost?.currency).toBe("USD");
    expect(t.usage.cost?.amount).toBeGreaterThan(0);
    const none = client({ provider: "vllm", model: "unpriced", baseURL: `${s.url}/v1` });
    expect((await none.rerank({ query: "q", documents: ["a"] })).usage.cost).toBeUndefined();
  });
});
