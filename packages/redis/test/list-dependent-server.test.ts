/**
 * Issue 19, bug 1 with a shared Redis cache: two `RerankClient`s (two processes' worth) share a
 * real `redis-server` in front of a real `rerankit serve` (BM25, list-dependent). Whole lists are
 * cached; a grown list ranks exactly as an uncached call, whichever client cached the smaller one.
 */
import { RerankClient, type RerankResponse } from "@rerankit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RerankServer, startRerankServer } from "../../server/src/index.js";
import { redisScoreCache } from "../src/index.js";
import { type RedisServer, startRedisServer } from "./support/redis-server.js";

const QUERY = "how to prevent a cold";
const THREE = ["wash your hands to prevent a cold", "a cold winter in the north", "vitamin C and rest"];
const FIVE = [...THREE, "prevent the flu with a vaccine", "cold brew coffee"];

let redis: RedisServer;
let server: RerankServer;
beforeAll(async () => {
  redis = await startRedisServer();
  server = await startRerankServer();
});
afterAll(async () => {
  await server?.close();
  await redis?.stop();
});

const ranking = (r: RerankResponse) => r.results.map(({ index, relevanceScore }) => ({ index, relevanceScore }));

describe("a Redis score cache in front of the BM25 server", () => {
  it("ranks 3, then the same 3 and 2 more, as an uncached call, across two clients sharing the cache", async () => {
    const caches = [redisScoreCache({ url: redis.url }, { ttlSeconds: 600 }), redisScoreCache({ url: redis.url }, { ttlSeconds: 600 })];
    const options = { provider: "rerankit" as const, baseURL: `${server.url}/v1`, model: "rerankit-bm25" };
    const [a, b] = caches.map((cache) => new RerankClient({ ...options, cache }));
    const plain = new RerankClient(options);
    try {
      // Client a learns the list dependence from the reply and caches the 3-document list whole.
      const three = await a!.rerank({ query: QUERY, documents: THREE });
      const fromCache = await a!.rerank({ query: QUERY, documents: THREE });
      expect(fromCache.usage).toMatchObject({ requests: 0, cacheHits: 3 });
      expect(ranking(fromCache)).toEqual(ranking(three));

      // Client b, new: its first call cannot know yet, and must still not take a's 3 scores.
      const uncached = await plain.rerank({ query: QUERY, documents: FIVE });
      for (const client of [b!, a!]) {
        const grown = await client.rerank({ query: QUERY, documents: FIVE });
        expect(ranking(grown)).toEqual(ranking(uncached));
      }
      expect(uncached.results.find((r) => r.index === 0)!.relevanceScore).not.toBe(
        three.results.find((r) => r.index === 0)!.relevanceScore,
      );
    } finally {
      await Promise.all([a!.close(), b!.close(), plain.close(), ...caches.map((c) => c.close())]);
    }
  });
});
