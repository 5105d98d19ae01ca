/** redisRateLimitStore on a real redis-server: one window for every process, fleet pauses, corrections, and the per-process fallback when Redis dies. */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisRateLimitStore } from "../src/index.js";
// The limiter is core's internal (not in its public index): the store contract is tested through it.
import { RerankRateLimiter } from "../../core/src/rate-limit/limiter.js";
import { RerankClient } from "@rerankit/core";
import { type CountingServer, startCountingServer } from "./support/counting-server.js";
import { type RedisServer, startRedisServer } from "./support/redis-server.js";

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

const never = new AbortController().signal;
const inMs = (ms: number) => performance.now() + ms;
const settle = () => new Promise((r) => setTimeout(r, 150));

/** The largest number of timestamps within any half-open window of `windowMs`. */
function busiest(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[j]! < sorted[i]! - windowMs + 1e-9 || sorted[i]! - sorted[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe("redisRateLimitStore", () => {
  it("four stores (four connections) share one window: never more than the limit in any window", async () => {
    const windowMs = 3_000;
    const limit = 6;
    const stores = Array.from({ length: 4 }, () => redisRateLimitStore({ url: redis.url }));
    try {
      await settle();
      const admitted: number[] = [];
      const workers = stores.map(async (store) => {
        const limiter = new RerankRateLimiter({ requestsPerMinute: limit, store }, { provider: "cohere", apiKey: "shared-key", windowMs });
        for (let k = 0; k < 4; k++) {
          await limiter.acquire(1, inMs(20_000), never);
          admitted.push(Date.now());
        }
      });
      await Promise.all(workers);
      expect(admitted).toHaveLength(16);
      expect(busiest(admitted, windowMs)).toBeLessThanOrEqual(limit);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  }, 30_000);

  it("a 429's pause reaches every store sharing Redis", async () => {
    const a = redisRateLimitStore({ url: redis.url });
    const b = redisRateLimitStore({ url: redis.url });
    try {
      await settle();
      const got429 = new RerankRateLimiter({ store: a }, { provider: "jina", apiKey: "k1" });
      const other = new RerankRateLimiter({ requestsPerMinute: 100, store: b }, { provider: "jina", apiKey: "k1" });
      await got429.pauseFleet(400);
      const started = performance.now();
      await other.acquire(1, inMs(5_000), never);
      expect(performance.now() - started).toBeGreaterThanOrEqual(300);
      // Another API key is not paused.
      const otherKey = new RerankRateLimiter({ requestsPerMinute: 100, store: b }, { provider: "jina", apiKey: "k2" });
      await got429.pauseFleet(10_000);
      // Admitted at all means not paused: a 10 s pause with a 5 s deadline would refuse it.
      await expect(otherKey.acquire(1, inMs(5_000), never)).resolves.toBeDefined();
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("token corrections reach the shared window; nothing in Redis holds the API key", async () => {
    const store = redisRateLimitStore({ url: redis.url });
    const probe = new Redis(redis.url);
    try {
      await settle();
      const limiter = new RerankRateLimiter({ tokensPerMinute: 100, store }, { provider: "voyage", apiKey: "pa-CANARY-KEY" });
      const permit = await limiter.acquire(90, inMs(1_000), never);
      permit.correctTokens(10);
      await settle();
      await limiter.acquire(80, inMs(200), never);
      await expect(limiter.acquire(30, inMs(200), never)).rejects.toThrow(/local rate limit/);
      const keys = await probe.keys("*");
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(key).not.toContain("CANARY");
    } finally {
      await store.close();
      probe.disconnect();
    }
  });

  it("Redis killed: each process falls back to its own window, warns once, keeps serving; back on Redis after a restart", async () => {
    const warnings: string[] = [];
    const storeTimeoutMs = 200;
    const store = redisRateLimitStore({ url: redis.url }, { timeoutMs: storeTimeoutMs });
    try {
      await settle();
      const limiter = new RerankRateLimiter(
        { requestsPerMinute: 1_000, store },
        { provider: "cohere", apiKey: "k", onWarning: (m) => warnings.push(m) },
      );
      await limiter.acquire(1, inMs(1_000), never);
      expect(warnings).toEqual([]);
      await redis.kill();
      const started = performance.now();
      for (let k = 0; k < 20; k++) await limiter.acquire(1, inMs(2_000), never);
      // The fallback is taken once, not paid per call: well under 20 store timeouts in all (a bound
      // derived from the configured store timeout, not a speed goal).
      expect(performance.now() - started).toBeLessThan(20 * storeTimeoutMs);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/each process now keeps its own window/);
      await redis.restart();
      const deadline = Date.now() + 5_000;
      const probe = new Redis(redis.url);
      let shared = false;
      while (!shared && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        await limiter.acquire(1, inMs(2_000), never);
        shared = (await probe.keys("rerankit:rl:*")).length > 0;
      }
      probe.disconnect();
      expect(shared).toBe(true);
    } finally {
      await store.close();
    }
  }, 30_000);

  it("Redis's clock stepping back: a bucket from its future counts as the present one, not for the length of the step", async () => {
    const store = redisRateLimitStore({ url: redis.url });
    const probe = new Redis(redis.url);
    try {
      await settle();
      const budget = { name: "requests", limit: 5, windowMs: 60_000 };
      // What a full window looks like after Redis's clock went back an hour: its bucket is 3,600 s ahead.
      const [seconds] = await probe.time();
      const future = Number(seconds) + 3_600;
      await probe.hset("rerankit:rl:requests:stepped", String(future), "5");
      const refused = await store.consume("stepped", 1, budget);
      expect(refused.ok).toBe(false);
      expect(refused.ok ? 0 : refused.retryInMs).toBeLessThanOrEqual(62_000); // one window, not 61 min
      const fields = await probe.hgetall("rerankit:rl:requests:stepped");
      expect(fields[String(future)]).toBeUndefined();
      expect(Object.values(fields).map(Number)).toEqual([5]); // folded, not lost
    } finally {
      await store.close();
      probe.disconnect();
    }
  });

  it("the fallback window keeps its share of the limit", async () => {
    const store = redisRateLimitStore({ url: "redis://127.0.0.1:1" }, { fallbackShare: 0.5 }); // nothing listens on port 1
    try {
      const limiter = new RerankRateLimiter({ requestsPerMinute: 4, store }, { provider: "cohere", apiKey: "k" });
      await limiter.acquire(1, inMs(1_000), never);
      await limiter.acquire(1, inMs(1_000), never);
      await expect(limiter.acquire(1, inMs(300), never)).rejects.toThrow(/local rate limit/);
    } finally {
      await store.close();
    }
  });
});

describe("redisRateLimitStore on a frozen Redis (SIGSTOP)", () => {
  let server: CountingServer;
  beforeAll(async () => {
    server = await startCountingServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("with a long deadline, a frozen Redis costs one store timeout in all, not three a call; the shared window is back after thaw", async () => {
    const storeTimeoutMs = 400;
    const warnings: string[] = [];
    const store = redisRateLimitStore({ url: redis.url }, { timeoutMs: storeTimeoutMs });
    const probe = new Redis(redis.url);
    const client = new RerankClient({
      provider: "cohere",
      baseURL: `${server.url}/v2`,
      apiKey: "k",
      model: "rerank-v3.5",
      timeoutMs: 30_000,
      rateLimit: { requestsPerMinute: 1_000, tokensPerMinute: 1_000_000, store },
      hooks: { onWarning: ({ message }) => warnings.push(message) },
    });
    try {
      await client.rerank({ query: "warm", documents: ["a", "b"] });
      await probe.flushall();
      redis.freeze();
      const started = performance.now();
      for (let k = 0; k < 10; k++) await client.rerank({ query: `frozen ${k}`, documents: ["c", "d"] });
      // Ten calls of three limiter steps: 30 store timeouts (12 s) before; one (or two, when a
      // PING is timing out as a step starts) now. A bound derived from the store's timeout.
      expect(performance.now() - started).toBeLessThan(5 * storeTimeoutMs);
      expect(warnings).toHaveLength(1);
      redis.thaw();
      // Back on Redis once it answers a PING: the calls' windows reach it again.
      const until = Date.now() + 10_000;
      let shared = false;
      while (!shared && Date.now() < until) {
        await client.rerank({ query: "thawed", documents: ["e"] });
        shared = (await probe.keys("rerankit:rl:*")).length > 0;
        if (!shared) await new Promise((r) => setTimeout(r, 50));
      }
      expect(shared).toBe(true);
    } finally {
      redis.thaw();
      await client.close();
      await store.close();
      probe.disconnect();
    }
  }, 30_000);

  it("a call with a 300 ms deadline is still sent and settles well within 3× its deadline, not after the store's 3 × 1 s", async () => {
    const warnings: string[] = [];
    const store = redisRateLimitStore({ url: redis.url }); // the store's own timeout: 1 s
    const client = new RerankClient({
      provider: "cohere",
      baseURL: `${server.url}/v2`,
      apiKey: "k",
      model: "rerank-v3.5",
      rateLimit: { requestsPerMinute: 1_000, tokensPerMinute: 1_000_000, store },
      hooks: { onWarning: ({ message }) => warnings.push(message) },
    });
    try {
      await client.rerank({ query: "warm", documents: ["a", "b"] }); // connected, on Redis
      expect(warnings).toEqual([]);
      redis.freeze();
      const timeoutMs = 300;
      const sent = server.requests.length;
      const started = performance.now();
      const response = await client.rerank({ query: "frozen", documents: ["c", "d"], timeoutMs });
      const elapsed = performance.now() - started;
      expect(response.results).toHaveLength(2);
      expect(server.requests.length).toBe(sent + 1); // sent, once
      // A generous bound derived from the deadline; without the race it takes 3 s.
      expect(elapsed).toBeLessThan(3 * timeoutMs);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/did not answer within half of the call's time left/);
    } finally {
      redis.thaw();
      await client.close();
      await store.close();
    }
  }, 20_000);
});
