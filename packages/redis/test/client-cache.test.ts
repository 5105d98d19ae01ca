/**
 * The score cache inside a call, against a real local server that counts what reaches it: partial
 * hits send only the misses and rank exactly as an uncached call; a cache warmed by one process
 * serves another (with redisScoreCache and with Keyv on a real Redis store); Redis killed mid-run
 * fails no call; listwise models are never cached.
 */
import { memoryScoreCache, RerankClient, type ScoreCache } from "@rerankit/core";
import KeyvRedis from "@keyv/redis";
import { Redis } from "ioredis";
import Keyv from "keyv";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { keyvScoreCache, redisScoreCache } from "../src/index.js";
import { type CountingServer, startCountingServer } from "./support/counting-server.js";
import { runWorker } from "./support/fleet.js";
import { type RedisServer, startRedisServer } from "./support/redis-server.js";

let redis: RedisServer;
let server: CountingServer;
beforeAll(async () => {
  [redis, server] = await Promise.all([startRedisServer(), startCountingServer()]);
});
afterAll(async () => {
  await Promise.all([redis?.stop(), server?.close()]);
});
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  server.requests.length = 0;
});

const docs = (n: number, tag = "doc") => Array.from({ length: n }, (_, i) => `${tag} ${i}: ${"lorem ipsum ".repeat(1 + (i % 5))}`);

function client(options: Partial<ConstructorParameters<typeof RerankClient>[0]> = {}): RerankClient {
  const c = new RerankClient({ provider: "cohere", baseURL: `${server.url}/v2`, apiKey: "k", model: "rerank-v3.5", ...options });
  closers.push(() => c.close());
  return c;
}

const settle = () => new Promise((r) => setTimeout(r, 150));

describe.each([
  ["memoryScoreCache", async (): Promise<ScoreCache> => memoryScoreCache()],
  [
    "redisScoreCache",
    async (): Promise<ScoreCache> => {
      const cache = redisScoreCache({ url: redis.url }, { ttlSeconds: 600 });
      closers.push(() => cache.close());
      const probe = new Redis(redis.url);
      await probe.flushall();
      probe.disconnect();
      await settle();
      return cache;
    },
  ],
  [
    // A real Keyv store (see keyv.test.ts for why @keyv/redis rather than @keyv/sqlite).
    "keyvScoreCache on @keyv/redis",
    async (): Promise<ScoreCache> => {
      const probe = new Redis(redis.url);
      await probe.flushall();
      probe.disconnect();
      const keyv = new Keyv({ store: new KeyvRedis(redis.url), namespace: "rerank" });
      closers.push(() => keyv.disconnect());
      return keyvScoreCache(keyv, { ttlSeconds: 600 });
    },
  ],
])("%s in a call", (_name, makeCache) => {
  it("partial hits send only the misses and rank exactly as an uncached call", async () => {
    const cache = await makeCache();
    const cached = client({ cache });
    const plain = client();
    const all = docs(40);
    const query = "what does lorem ipsum mean";

    const warm = await cached.rerank({ query, documents: all.slice(0, 20) });
    expect(warm.usage).toMatchObject({ requests: 1, cacheHits: 0, cacheMisses: 20 });
    server.requests.length = 0;

    // Half known, half new, in a shuffled order, with a duplicate.
    const mixed = [...all.slice(10, 30), all[12]!, ...all.slice(0, 10), ...all.slice(30)].reverse();
    const partial = await cached.rerank({ query, documents: mixed, returnDocuments: true });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.documents.sort()).toEqual(all.slice(20).sort());
    expect(partial.usage).toMatchObject({ requests: 1, cacheHits: 20, cacheMisses: 20 });

    const uncached = await plain.rerank({ query, documents: mixed, returnDocuments: true });
    expect(partial.results).toEqual(uncached.results);

    // topN and minScore apply to the merged ranking.
    const top = await cached.rerank({ query, documents: mixed, topN: 5, minScore: 0.2 });
    expect(top.results).toEqual(
      uncached.results
        .filter((r) => r.relevanceScore >= 0.2)
        .slice(0, 5)
        .map(({ index, relevanceScore }) => ({ index, relevanceScore })),
    );
    expect(top.usage).toMatchObject({ requests: 0, cacheHits: 40, cacheMisses: 0 });
  });

  it("a different query or model is a different score: no false hits", async () => {
    const cache = await makeCache();
    const cached = client({ cache });
    await cached.rerank({ query: "q1", documents: docs(5) });
    const other = await cached.rerank({ query: "q2", documents: docs(5) });
    expect(other.usage).toMatchObject({ cacheHits: 0, requests: 1 });
    const otherModel = await cached.rerank({ query: "q1", documents: docs(5), model: "rerank-v4.0-fast" });
    expect(otherModel.usage).toMatchObject({ cacheHits: 0, requests: 1 });
  });
});

describe("never cached, never failed", () => {
  it("listwise models are never cached", async () => {
    const cache = memoryScoreCache();
    const listwise = client({ provider: "jina", baseURL: `${server.url}/v1`, model: "jina-reranker-v3", cache });
    await listwise.rerank({ query: "q", documents: docs(5) });
    const again = await listwise.rerank({ query: "q", documents: docs(5) });
    expect(again.usage.requests).toBe(1);
    expect(again.usage.cacheHits).toBeUndefined();
    expect(server.requests).toHaveLength(2);
  });

  it("Redis killed mid-run: every call still completes (misses, then hits again after a restart), with a warning", async () => {
    const cache = redisScoreCache({ url: redis.url }, { ttlSeconds: 600, timeoutMs: 200 });
    closers.push(() => cache.close());
    await settle();
    const warnings: string[] = [];
    const c = client({ cache, hooks: { onWarning: ({ message }) => warnings.push(message) } });
    const query = "redis goes away";
    const outcomes: string[] = [];
    const run = async (k: number) => {
      const response = await c.rerank({ query, documents: docs(10, `batch${k % 3}`) });
      outcomes.push(response.results.length === 10 ? "ok" : "short");
    };
    for (let k = 0; k < 10; k++) await run(k);
    await redis.kill();
    await Promise.all(Array.from({ length: 20 }, (_, k) => run(k)));
    await redis.restart();
    for (let k = 0; k < 10; k++) {
      await run(k);
      await settle();
    }
    expect(outcomes).toEqual(Array(40).fill("ok"));
    expect(warnings.some((w) => /score cache read failed/.test(w))).toBe(true);
    // Back on Redis: the last calls hit again (the restarted Redis is empty, so they re-filled it).
    const last = await c.rerank({ query, documents: docs(10, "batch0") });
    expect(last.usage.cacheHits).toBe(10);
  }, 30_000);

  it("a cache warmed by one process serves another", async () => {
    const probe = new Redis(redis.url);
    await probe.flushall();
    probe.disconnect();
    const task = {
      serverURL: server.url,
      redisURL: redis.url,
      cache: true,
      calls: 1,
      query: "shared query",
      documents: docs(30, "shared"),
      timeoutMs: 10_000,
    };
    const first = await runWorker(task);
    expect(first.outcomes).toEqual([expect.objectContaining({ ok: true, cacheHits: 0, requests: 1 })]);
    expect(server.requests).toHaveLength(1);
    const second = await runWorker(task);
    expect(second.outcomes).toEqual([expect.objectContaining({ ok: true, cacheHits: 30, requests: 0 })]);
    expect(server.requests).toHaveLength(1); // the second process sent nothing
    expect(second.outcomes[0]!.top).toEqual(first.outcomes[0]!.top);
  }, 60_000);
});
