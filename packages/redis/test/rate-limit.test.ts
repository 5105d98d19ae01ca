/** redisRateLimitStore on a real redis-server: one window for every process, fleet pauses, corrections, and the per-process fallback when Redis dies. */
import { RerankRateLimiter } from "@rerankit/core";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisRateLimitStore } from "../src/index.js";
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
