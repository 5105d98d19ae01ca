/** The limiter a call consults before each attempt: waits within the deadline, refuses past it, pauses, corrects, survives its store. */
import { describe, expect, it } from "vitest";
import { RerankInputError, RerankRateLimitError, memoryRateLimitStore, type RateLimitStore } from "../src/index.js";
import { RerankRateLimiter } from "../src/rate-limit/limiter.js";

const never = new AbortController().signal;
const inMs = (ms: number) => performance.now() + ms;

describe("RerankRateLimiter", () => {
  it("admits up to the limit at once, then waits for the window to slide", async () => {
    const windowMs = 1_000;
    const limiter = new RerankRateLimiter({ requestsPerMinute: 3 }, { provider: "cohere", apiKey: "k", windowMs });
    const started = performance.now();
    for (let k = 0; k < 3; k++) await limiter.acquire(10, inMs(5_000), never);
    // "At once" means before the window slides (a bound from the configured window, not a speed goal).
    expect(performance.now() - started).toBeLessThan(windowMs);
    await limiter.acquire(10, inMs(5_000), never);
    // The 4th fits once the first request's bucket leaves the window (1 s window, 1 s buckets: 1–2 s).
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("refuses with a RerankRateLimitError naming the LOCAL limit when room comes after the deadline", async () => {
    const limiter = new RerankRateLimiter({ requestsPerMinute: 1 }, { provider: "siliconflow", apiKey: "sk-CANARY-SECRET" });
    await limiter.acquire(10, inMs(1_000), never);
    const error = await limiter.acquire(10, inMs(200), never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankRateLimitError);
    const e = error as RerankRateLimitError;
    expect(e.code).toBe("LOCAL_RATE_LIMIT");
    expect(e.status).toBeUndefined();
    expect(e.message).toMatch(/local rate limit, not by the provider/);
    expect(e.message).toMatch(/rateLimit\.requestsPerMinute \(1 in any 60 s\)/);
    expect(e.retryAfterMs).toBeGreaterThan(50_000);
    expect(JSON.stringify(e)).not.toContain("CANARY");
    expect(e.message).not.toContain("CANARY");
  });

  it("a request whose estimated tokens exceed tokensPerMinute is refused at once", async () => {
    const limiter = new RerankRateLimiter({ tokensPerMinute: 100 }, { provider: "voyage", apiKey: undefined });
    const deadlineMs = 10_000;
    const started = performance.now();
    const error = await limiter.acquire(101, inMs(deadlineMs), never).catch((e: unknown) => e);
    // Refused without waiting for the deadline (a bound from the configured deadline).
    expect(performance.now() - started).toBeLessThan(deadlineMs);
    expect((error as Error).message).toMatch(/101 estimated tokens exceed rateLimit\.tokensPerMinute \(100/);
  });

  it("a token refusal gives the request back (it was not sent)", async () => {
    const store = memoryRateLimitStore();
    const limiter = new RerankRateLimiter({ requestsPerMinute: 2, tokensPerMinute: 100, store }, { provider: "cohere", apiKey: "k" });
    await limiter.acquire(90, inMs(1_000), never);
    await expect(limiter.acquire(50, inMs(100), never)).rejects.toThrow(/tokensPerMinute/);
    // Had the refused attempt kept its request, this one would be the 3rd of 2.
    await limiter.acquire(10, inMs(100), never);
  });

  it("the provider's reported tokens replace the estimate", async () => {
    const limiter = new RerankRateLimiter({ tokensPerMinute: 100 }, { provider: "cohere", apiKey: "k" });
    const permit = await limiter.acquire(90, inMs(1_000), never);
    permit.correctTokens(20); // the estimate was generous
    await new Promise((r) => setImmediate(r));
    await limiter.acquire(70, inMs(100), never); // 20 + 70 ≤ 100
    await expect(limiter.acquire(20, inMs(100), never)).rejects.toThrow(/LOCAL|local/);
  });

  it("separate API keys have separate windows; the key is hashed in the store key", async () => {
    const seen: string[] = [];
    const inner = memoryRateLimitStore();
    const store: RateLimitStore = {
      ...inner,
      consume: (key, cost, budget) => {
        seen.push(key);
        return inner.consume(key, cost, budget);
      },
    };
    const a = new RerankRateLimiter({ requestsPerMinute: 1, store }, { provider: "jina", apiKey: "jina_CANARY_A" });
    const b = new RerankRateLimiter({ requestsPerMinute: 1, store }, { provider: "jina", apiKey: "jina_CANARY_B" });
    await a.acquire(1, inMs(100), never);
    await b.acquire(1, inMs(100), never);
    expect(new Set(seen).size).toBe(2);
    for (const key of seen) {
      expect(key).toMatch(/^jina:[0-9a-f]{64}$/);
      expect(key).not.toContain("CANARY");
    }
  });

  it("a fleet pause holds every limiter on the store, then lets them go", async () => {
    const store = memoryRateLimitStore();
    const got429 = new RerankRateLimiter({ store }, { provider: "cohere", apiKey: "k" });
    const other = new RerankRateLimiter({ requestsPerMinute: 100, store }, { provider: "cohere", apiKey: "k" });
    await got429.pauseFleet(300);
    const started = performance.now();
    await other.acquire(1, inMs(5_000), never);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    await got429.pauseFleet(60_000);
    await expect(other.acquire(1, inMs(200), never)).rejects.toThrow(/429 with Retry-After.*paused/);
  });

  it("an abort interrupts the wait with the signal's reason", async () => {
    const limiter = new RerankRateLimiter({ requestsPerMinute: 1 }, { provider: "cohere", apiKey: "k" });
    await limiter.acquire(1, inMs(1_000), never);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("user gave up")), 50);
    await expect(limiter.acquire(1, inMs(120_000), controller.signal)).rejects.toThrow("user gave up");
  });

  it("a failing store never fails the call: it admits, and warns once per outage", async () => {
    let down = true;
    const warnings: string[] = [];
    const inner = memoryRateLimitStore();
    const flaky: RateLimitStore = {
      consume: async (...args) => {
        if (down) throw new Error("connect ECONNREFUSED 127.0.0.1:6390");
        return inner.consume(...args);
      },
      adjust: inner.adjust,
      pause: inner.pause,
      pausedFor: async (key) => {
        if (down) throw new Error("connect ECONNREFUSED 127.0.0.1:6390");
        return inner.pausedFor(key);
      },
    };
    const limiter = new RerankRateLimiter(
      { requestsPerMinute: 100, store: flaky },
      { provider: "cohere", apiKey: "k", onWarning: (m) => warnings.push(m) },
    );
    for (let k = 0; k < 10; k++) await limiter.acquire(1, inMs(100), never);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/ECONNREFUSED/);
    down = false;
    await limiter.acquire(1, inMs(100), never);
    down = true;
    await limiter.acquire(1, inMs(100), never);
    expect(warnings).toHaveLength(2); // a new outage warns again
  });

  it("refuses a limit that is not a positive integer, naming the field", () => {
    expect(() => new RerankRateLimiter({ requestsPerMinute: 0 }, { provider: "cohere", apiKey: "k" })).toThrow(RerankInputError);
    expect(() => new RerankRateLimiter({ tokensPerMinute: 1.5 }, { provider: "cohere", apiKey: "k" })).toThrow(
      /rateLimit\.tokensPerMinute/,
    );
  });
});
