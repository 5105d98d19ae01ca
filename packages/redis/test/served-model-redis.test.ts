/**
 * Issue 19, bug 2 with a shared Redis cache (which outlives servers: for a day): a real
 * `rerankit serve` on one port runs a pointwise model, then BM25. Clients naming the first model,
 * the long-lived one that cached its scores and a new one (another process: its own Redis
 * connection), get a RerankBadRequestError after the switch, never the cached scores; the server's
 * GET /health is what they ask before serving hits.
 */
import { RerankBadRequestError, RerankClient, type Reranker, type RerankResponse } from "@rerankit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRerankServer } from "../../server/src/index.js";
import { redisScoreCache } from "../src/index.js";
import { type RedisServer, startRedisServer } from "./support/redis-server.js";

const QUERY = "how to prevent a cold";
const DOCUMENTS = ["wash your hands to prevent a cold", "a cold winter in the north", "vitamin C and rest"];

/** A pointwise reranker whose score is the document's length: clearly not BM25's. */
const byLength: Reranker & { model: string; listDependent: boolean } = {
  model: "length-model",
  listDependent: false,
  async rerank(request): Promise<RerankResponse> {
    const texts = request.documents as string[];
    const results = texts.map((d, index) => ({ index, relevanceScore: d.length })).sort((a, b) => b.relevanceScore - a.relevanceScore);
    return { results, model: "length-model", provider: "length", scoreKind: "unknown", usage: { requests: 0 }, requestIds: [] };
  },
};

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

describe("a Redis score cache across a backend switch on one address", () => {
  it("never serves the old model's cached scores to a client still naming it", async () => {
    const caches = [redisScoreCache({ url: redis.url }, { ttlSeconds: 600 }), redisScoreCache({ url: redis.url }, { ttlSeconds: 600 })];
    const first = await startRerankServer({ reranker: byLength });
    const options = { provider: "rerankit" as const, baseURL: `${first.url}/v1`, model: "length-model" };
    const longLived = new RerankClient({ ...options, cache: caches[0]! });
    const otherProcess = new RerankClient({ ...options, cache: caches[1]! });
    let second: Awaited<ReturnType<typeof startRerankServer>> | undefined;
    let firstClosed = false;
    try {
      const fresh = await longLived.rerank({ query: QUERY, documents: DOCUMENTS });
      expect(fresh.results.map((r) => r.relevanceScore)).toEqual([33, 26, 18]);
      // Both clients now hit Redis for this list (the other one through its own connection).
      for (const client of [longLived, otherProcess]) {
        expect((await client.rerank({ query: QUERY, documents: DOCUMENTS })).usage).toMatchObject({ requests: 0, cacheHits: 3 });
      }
      await first.close();
      firstClosed = true;

      second = await startRerankServer({ port: first.port });
      expect(second.url).toBe(first.url);
      for (const client of [longLived, otherProcess]) {
        const error = await client.rerank({ query: QUERY, documents: DOCUMENTS }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RerankBadRequestError);
        expect((error as Error).message).toMatch(/runs the model "rerankit-bm25" \(GET \/health\); the call named "length-model"/);
      }
    } finally {
      await Promise.all([longLived.close(), otherProcess.close(), ...caches.map((c) => c.close())]);
      if (!firstClosed) await first.close();
      await second?.close();
    }
  });
});
