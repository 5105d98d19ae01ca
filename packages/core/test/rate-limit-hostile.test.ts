/**
 * The limiter under the attacks of issue 20: a store that never answers (a frozen Redis) holds no
 * call past its deadline; a 429's Retry-After of a day pauses the fleet for `maxPauseMs` at most,
 * and only the server that sent it when there is no API key; a wall clock stepping back an hour
 * locks neither the windows nor the pauses.
 */
import { describe, expect, it } from "vitest";
import { memoryRateLimitStore, RerankClient, RerankInputError, RerankRateLimitError, type RateLimitStore } from "../src/index.js";
import { RerankRateLimiter } from "../src/rate-limit/limiter.js";
import { closeAfterEach, json, startTestServer } from "./helpers/http.js";

const { servers, clients } = closeAfterEach();

const never = new AbortController().signal;
const inMs = (ms: number) => performance.now() + ms;
const HOUR = 3_600_000;

/** A store whose every operation hangs, as one on a SIGSTOPped Redis does until its own timeout. */
function frozenStore(): RateLimitStore & { calls: string[] } {
  const calls: string[] = [];
  const hang = (what: string) => () => {
    calls.push(what);
    return new Promise<never>(() => {});
  };
  return { calls, consume: hang("consume"), adjust: hang("adjust"), pause: hang("pause"), pausedFor: hang("pausedFor") };
}

describe("a store that never answers", () => {
  it("costs a call at most half of its deadline (the first unanswered store call ends the store's part), warns once, and admits", async () => {
    const store = frozenStore();
    const warnings: string[] = [];
    const limiter = new RerankRateLimiter(
      { requestsPerMinute: 10, tokensPerMinute: 1_000, store },
      { provider: "cohere", apiKey: "k", onWarning: (m) => warnings.push(m) },
    );
    const deadlineMs = 300;
    const started = performance.now();
    const permit = await limiter.acquire(5, inMs(deadlineMs), never);
    const elapsed = performance.now() - started;
    // The first store call waits half of the time left; the store hangs, so the others are not
    // made and the request has the other half (without the race: three store timeouts).
    expect(elapsed).toBeLessThan(0.75 * deadlineMs);
    expect(elapsed).toBeGreaterThanOrEqual(deadlineMs / 2 - 5);
    expect(store.calls).toEqual(["pausedFor"]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/did not answer within half of the call's time left/);
    permit.correctTokens(3); // no bucket to correct: nothing sent to the store
    expect(store.calls).toHaveLength(1);
    // The next call asks the store again (it may be back), and is bounded the same way.
    await limiter.acquire(5, inMs(deadlineMs), never);
    expect(store.calls).toEqual(["pausedFor", "pausedFor"]);
  });

  it("an abort ends the wait on the store with the signal's reason (not a warning)", async () => {
    const warnings: string[] = [];
    const limiter = new RerankRateLimiter(
      { requestsPerMinute: 10, store: frozenStore() },
      { provider: "cohere", apiKey: "k", onWarning: (m) => warnings.push(m) },
    );
    const controller = new AbortController();
    const pending = limiter.acquire(1, inMs(60_000), controller.signal);
    const reason = new Error("user gave up");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(warnings).toEqual([]);
  });
});

describe("fleet pauses from a 429", () => {
  it("Retry-After: 86400 pauses the fleet for maxPauseMs (default 60 s), not a day", async () => {
    const store = memoryRateLimitStore();
    const got429 = new RerankRateLimiter({ store }, { provider: "cohere", apiKey: "k" });
    await got429.pauseFleet(86_400_000);
    const keys: string[] = [];
    const spy: RateLimitStore = {
      ...store,
      pausedFor: (key) => {
        keys.push(key);
        return store.pausedFor(key);
      },
    };
    const other = new RerankRateLimiter({ store: spy }, { provider: "cohere", apiKey: "k" });
    // Refused at once (the pause outlasts a 1 s deadline), naming the capped pause, not a day.
    await expect(other.acquire(1, inMs(1_000), never)).rejects.toThrow(/paused for (59\d{3}|60000) ms more/);
    expect(await store.pausedFor(keys[0]!)).toBeLessThanOrEqual(60_000);
  });

  it("maxPauseMs is configurable; 0 turns fleet pauses off; a negative or fractional value is refused", async () => {
    const store = memoryRateLimitStore();
    const got429 = new RerankRateLimiter({ store, maxPauseMs: 2_000 }, { provider: "cohere", apiKey: "k" });
    await got429.pauseFleet(Number.POSITIVE_INFINITY); // an HTTP date in 9999, as far as the limiter knows
    const waiting = new RerankRateLimiter({ store, maxPauseMs: 2_000 }, { provider: "cohere", apiKey: "k" });
    await expect(waiting.acquire(1, inMs(1_000), never)).rejects.toThrow(/paused for (19|20)\d\d ms more/);
    const off = memoryRateLimitStore();
    await new RerankRateLimiter({ store: off, maxPauseMs: 0 }, { provider: "cohere", apiKey: "k" }).pauseFleet(86_400_000);
    expect(off.size).toBe(0);
    for (const bad of [-1, 1.5, Number.NaN]) {
      expect(() => new RerankRateLimiter({ maxPauseMs: bad }, { provider: "cohere", apiKey: "k" })).toThrow(RerankInputError);
    }
  });

  it("without an API key, a 429 from server A does not pause the clients of server B", async () => {
    const store = memoryRateLimitStore();
    const onA = (url: string) => new RerankRateLimiter({ store }, { provider: "tei", apiKey: undefined, endpoints: [url] });
    await onA("http://10.0.0.1:8080").pauseFleet(30_000);
    await onA("http://10.0.0.2:8080").acquire(1, inMs(100), never); // B: not paused
    await expect(onA("http://10.0.0.1:8080").acquire(1, inMs(100), never)).rejects.toThrow(/paused/); // A: paused
  });
});

describe("fleet pauses through real clients of keyless servers", () => {
  it("a 429 with Retry-After: 86400 from TEI server A pauses A's clients (capped), and a client of server B on the same store is served", async () => {
    const tei = (status: number) =>
      startTestServer((_req, res) =>
        status === 429
          ? json(res, 429, { error: "slow down", error_type: "Overloaded" }, { "retry-after": "86400" })
          : json(res, 200, [{ index: 0, score: 0.5 }]),
      );
    const [a, b] = await Promise.all([tei(429), tei(200)]);
    servers.push(a, b);
    const store = memoryRateLimitStore();
    const client = (url: string) => {
      const c = new RerankClient({ provider: "tei", baseURL: url, maxRetries: 0, rateLimit: { store } });
      clients.push(c);
      return c;
    };
    const onA = client(a.url);
    await expect(onA.rerank({ query: "q", documents: ["x"] })).rejects.toMatchObject({ status: 429 });
    // The pause is written without holding the call: wait for it (an invariant, not a timer).
    while (store.size === 0) await new Promise((r) => setImmediate(r));
    expect((await client(b.url).rerank({ query: "q", documents: ["x"] })).results).toHaveLength(1);
    const refused = await client(a.url)
      .rerank({ query: "q", documents: ["x"], timeoutMs: 500 })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RerankRateLimitError);
    expect((refused as RerankRateLimitError).code).toBe("LOCAL_RATE_LIMIT");
    expect((refused as RerankRateLimitError).retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(a.requests).toHaveLength(1); // the refused call sent nothing
  });
});

describe("a wall clock stepping back one hour", () => {
  it("does not lock the windows: a full window frees one window after the step, not 61 min", async () => {
    let now = 10 * HOUR;
    const store = memoryRateLimitStore({ now: () => now });
    const budget = { name: "requests", limit: 2, windowMs: 60_000 };
    expect((await store.consume("k", 2, budget)).ok).toBe(true);
    now -= HOUR; // NTP steps the clock back
    const refused = await store.consume("k", 1, budget);
    expect(refused.ok).toBe(false); // the two requests still count...
    expect(refused.ok ? 0 : refused.retryInMs).toBeLessThanOrEqual(62_000); // ...for one window, not 61 min
    now += 30_000;
    expect((await store.consume("k", 1, budget)).ok).toBe(false); // and are not lost either
    now += 32_000;
    expect((await store.consume("k", 2, budget)).ok).toBe(true);
  });

  it("does not stretch a pause: it never lasts longer than asked", async () => {
    let now = 10 * HOUR;
    const store = memoryRateLimitStore({ now: () => now });
    await store.pause("k", 500);
    now -= HOUR;
    expect(await store.pausedFor("k")).toBeLessThanOrEqual(500);
  });

  it("the default clock is monotonic: a wall-clock step forward neither empties a window nor ends a pause", async () => {
    const realNow = Date.now;
    const store = memoryRateLimitStore();
    const budget = { name: "requests", limit: 1, windowMs: 60_000 };
    try {
      expect((await store.consume("k", 1, budget)).ok).toBe(true);
      await store.pause("p", 1_000);
      Date.now = () => realNow() + HOUR;
      expect((await store.consume("k", 1, budget)).ok).toBe(false);
      expect(await store.pausedFor("p")).toBeGreaterThan(0);
    } finally {
      Date.now = realNow;
    }
  });
});
