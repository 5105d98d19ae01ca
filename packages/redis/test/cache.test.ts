/** redisScoreCache on a real redis-server, and keyvScoreCache on Keyv: round trips, TTLs, ownership, and outages that never fail a call. */
import { scoreCacheKeys } from "@rerankit/core";
import { Redis } from "ioredis";
import Keyv from "keyv";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { keyvScoreCache, redisScoreCache } from "../src/index.js";
import { type RedisServer, startRedisServer } from "./support/redis-server.js";

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

const context = {
  provider: "cohere",
  endpoint: "https://api.cohere.com/v2",
  model: "rerank-v3.5",
  instruct: undefined,
  query: "q",
  extraBody: undefined,
};

async function ready(client: Redis): Promise<void> {
  if (client.status !== "ready") await new Promise((resolve) => client.once("ready", resolve));
}

describe("redisScoreCache", () => {
  it("stores scores with their TTL and reads them back exactly; misses are undefined", async () => {
    const cache = redisScoreCache({ url: redis.url }, { ttlSeconds: 3_600 });
    const probe = new Redis(redis.url);
    try {
      const keys = await scoreCacheKeys(context, ["a", "b", "c"]);
      const scores = [0.1 + 0.2, -7.123456789012345, 1e-300];
      await ready(probe);
      // The cache connects on its own: a first read while connecting is bounded and at worst a miss.
      await new Promise((r) => setTimeout(r, 100));
      await cache.setMany([
        [keys[0]!, scores[0]!],
        [keys[1]!, scores[1]!],
      ]);
      expect(await cache.getMany(keys)).toEqual([scores[0], scores[1], undefined]);
      const ttl = await probe.ttl(keys[0]!);
      expect(ttl).toBeGreaterThan(3_590);
      expect(ttl).toBeLessThanOrEqual(3_600);
      // The key names hold hashes only.
      expect(await probe.keys("*")).toEqual(expect.arrayContaining([keys[0], keys[1]]));
    } finally {
      await cache.close();
      probe.disconnect();
    }
  });

  it("a cache built from a url owns its connection (close() quits it); one handed a client never closes it", async () => {
    const owned = redisScoreCache({ url: redis.url }, { ttlSeconds: 60 });
    await new Promise((r) => setTimeout(r, 100));
    await owned.close();
    await owned.close(); // twice is fine
    await expect(owned.getMany(["k"])).rejects.toThrow(/not connected/);

    const client = new Redis(redis.url);
    await ready(client);
    const borrowed = redisScoreCache({ client }, { ttlSeconds: 60 });
    await borrowed.setMany([["borrowed", 0.5]]);
    await borrowed.close();
    expect(client.status).toBe("ready");
    expect(await client.get("borrowed")).toBe("0.5");
    client.disconnect();
  });

  it("refuses bad options with a clear message", () => {
    expect(() => redisScoreCache({ url: redis.url }, { ttlSeconds: 0 })).toThrow(/ttlSeconds must be a positive integer/);
    expect(() => redisScoreCache({ url: "http://127.0.0.1:6379" }, { ttlSeconds: 1 })).toThrow(/redis:\/\//);
    expect(() => redisScoreCache({} as never, { ttlSeconds: 1 })).toThrow(/\{ url \} or \{ client \}/);
  });

  it("Redis killed: reads and writes fail fast (a call treats that as misses); after a restart it serves again", async () => {
    const timeoutMs = 200;
    const cache = redisScoreCache({ url: redis.url }, { ttlSeconds: 60, timeoutMs });
    try {
      await new Promise((r) => setTimeout(r, 100));
      await cache.setMany([["before", 1]]);
      await redis.kill();
      const started = performance.now();
      await expect(cache.getMany(["before"])).rejects.toThrow();
      await expect(cache.setMany([["x", 1]])).rejects.toThrow();
      // Fast: bounded by the configured timeout (generously), not by ioredis's reconnect loop.
      expect(performance.now() - started).toBeLessThan(timeoutMs * 10);
      await redis.restart();
      // ioredis reconnects on its own (at most a second between tries).
      const deadline = Date.now() + 5_000;
      let served = false;
      while (!served && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        served = await cache.setMany([["after", 2]]).then(
          () => true,
          () => false,
        );
      }
      expect(served).toBe(true);
      expect(await cache.getMany(["after"])).toEqual([2]);
    } finally {
      await cache.close();
    }
  });
});

describe("keyvScoreCache", () => {
  it("round-trips scores through a Keyv store, with a TTL", async () => {
    // Keyv's memory store expires by Date.now(): a fake clock moves past the TTL, no sleep.
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const keyv = new Keyv();
      const cache = keyvScoreCache(keyv, { ttlSeconds: 0.05 });
      await cache.setMany([
        ["a", 0.25],
        ["b", -1.5],
      ]);
      expect(await cache.getMany(["a", "missing", "b"])).toEqual([0.25, undefined, -1.5]);
      vi.setSystemTime(Date.now() + 49);
      expect(await cache.getMany(["a"])).toEqual([0.25]);
      vi.setSystemTime(Date.now() + 2);
      expect(await cache.getMany(["a"])).toEqual([undefined]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps to a Keyv namespace (the interface every Keyv store adapter plugs into)", async () => {
    // The in-memory Map store with a namespace: what SQLite, Postgres and the others plug into.
    const keyv = new Keyv({ namespace: "rerank" });
    const cache = keyvScoreCache(keyv);
    await cache.setMany([["k", 0.75]]);
    expect(await cache.getMany(["k"])).toEqual([0.75]);
    expect(await keyv.get("k")).toBe(0.75);
  });

  it("refuses something that is not a Keyv", () => {
    expect(() => keyvScoreCache({} as never)).toThrow(/Keyv instance/);
  });
});
