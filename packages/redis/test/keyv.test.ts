/**
 * keyvScoreCache on a real Keyv store: @keyv/redis against a real redis-server on its own loopback
 * port. (@keyv/sqlite needs sqlite3, whose prebuilt binary is downloaded from outside the npm
 * registry at install; building it from source with node-gyp on every fresh machine is slow and
 * fragile, while redis-server is already what this package's tests run on.)
 */
import KeyvRedis from "@keyv/redis";
import { scoreCacheKeys } from "@rerankit/core";
import { Redis } from "ioredis";
import Keyv from "keyv";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { keyvScoreCache } from "../src/index.js";
import { type RedisServer, startRedisServer } from "./support/redis-server.js";

let redis: RedisServer;
let probe: Redis;
beforeAll(async () => {
  redis = await startRedisServer();
  probe = new Redis(redis.url);
});
afterAll(async () => {
  probe?.disconnect();
  await redis?.stop();
});
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  await probe.flushall();
});

function keyvOnRedis(namespace = "rerank"): Keyv {
  const keyv = new Keyv({ store: new KeyvRedis(redis.url), namespace });
  closers.push(() => keyv.disconnect());
  return keyv;
}

const context = {
  provider: "cohere",
  endpoint: "https://api.cohere.com/v2",
  model: "m",
  instruct: undefined,
  query: "q",
  extraBody: undefined,
};

describe("keyvScoreCache on @keyv/redis", () => {
  it("stores scores in Redis and reads them back exactly; misses are undefined", async () => {
    const cache = keyvScoreCache(keyvOnRedis());
    const keys = await scoreCacheKeys(context, ["a", "b", "c"]);
    const scores = [0.1 + 0.2, -7.123456789012345, 1e-300];
    await cache.setMany(keys.map((k, i) => [k, scores[i]!] as [string, number]));
    const missing = (await scoreCacheKeys(context, ["never stored"]))[0]!;
    expect(await cache.getMany([keys[2]!, missing, keys[0]!, keys[1]!])).toEqual([scores[2], undefined, scores[0], scores[1]]);
    // They are really in Redis (not in a Keyv memory layer), under the namespace, with no text in the key.
    const stored = await probe.keys("*");
    expect(stored).toHaveLength(3);
    for (const key of stored) {
      expect(key.startsWith("rerank")).toBe(true);
      expect(keys.some((k) => key.endsWith(k))).toBe(true);
    }
  });

  it("gives each score the TTL asked for, per cache or per write", async () => {
    const cache = keyvScoreCache(keyvOnRedis(), { ttlSeconds: 120 });
    await cache.setMany([["long", 0.5]]);
    await cache.setMany([["short", 0.25]], { ttlSeconds: 5 });
    const ttl = async (suffix: string) => probe.pttl((await probe.keys(`*${suffix}`))[0]!);
    const long = await ttl("long");
    const short = await ttl("short");
    expect(long).toBeGreaterThan(5_000);
    expect(long).toBeLessThanOrEqual(120_000);
    expect(short).toBeGreaterThan(0);
    expect(short).toBeLessThanOrEqual(5_000);
  });

  it("a score Redis expired is a miss", async () => {
    const cache = keyvScoreCache(keyvOnRedis(), { ttlSeconds: 600 });
    await cache.setMany([["k", 0.75]]);
    expect(await cache.getMany(["k"])).toEqual([0.75]);
    // Expire it in Redis itself (no sleep): Keyv must then report a miss.
    for (const key of await probe.keys("*k")) await probe.del(key);
    expect(await cache.getMany(["k"])).toEqual([undefined]);
  });

  it("two namespaces on one Redis do not see each other's scores", async () => {
    const a = keyvScoreCache(keyvOnRedis("tenant-a"));
    const b = keyvScoreCache(keyvOnRedis("tenant-b"));
    await a.setMany([["k", 0.9]]);
    expect(await b.getMany(["k"])).toEqual([undefined]);
    expect(await a.getMany(["k"])).toEqual([0.9]);
  });

  it("a non-number stored under a key (another writer) is a miss, not a wrong score", async () => {
    const keyv = keyvOnRedis();
    await keyv.set("k", "0.5");
    expect(await keyvScoreCache(keyv).getMany(["k"])).toEqual([undefined]);
  });
});
