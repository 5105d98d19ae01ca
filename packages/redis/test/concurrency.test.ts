/**
 * 1,000 concurrent calls through the cache and the limiter, in memory and on Redis: every call
 * completes, nothing is refused (no local refusal, no fallback warning), and nothing is left
 * behind — no timers or sockets beyond what was there before, no listeners on the caller's
 * signal, and only the expected keys in the stores.
 */
import { getEventListeners, setMaxListeners } from "node:events";
import { memoryRateLimitStore, memoryScoreCache, RerankClient, type RateLimitStore, type ScoreCache } from "@rerankit/core";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisRateLimitStore, redisScoreCache } from "../src/index.js";
import { type CountingServer, startCountingServer } from "./support/counting-server.js";
import { type RedisServer, startRedisServer } from "./support/redis-server.js";

let redis: RedisServer;
let server: CountingServer;
beforeAll(async () => {
  [redis, server] = await Promise.all([startRedisServer(), startCountingServer()]);
});
afterAll(async () => {
  await Promise.all([redis?.stop(), server?.close()]);
});

/** Timers and sockets alive in this process. */
function resources(): { timers: number; sockets: number } {
  const info = process.getActiveResourcesInfo();
  return { timers: info.filter((r) => r === "Timeout").length, sockets: info.filter((r) => r === "TCPSocketWrap").length };
}

async function quiet(): Promise<void> {
  for (let k = 0; k < 5; k++) await new Promise((r) => setTimeout(r, 20));
}

describe.each([
  [
    "in memory",
    async () => ({ cache: memoryScoreCache() as ScoreCache, store: memoryRateLimitStore() as RateLimitStore, close: async () => {} }),
  ],
  [
    "on Redis",
    async () => {
      const cache = redisScoreCache({ url: redis.url }, { ttlSeconds: 600, timeoutMs: 5_000 });
      const store = redisRateLimitStore({ url: redis.url }, { timeoutMs: 5_000 });
      await new Promise((r) => setTimeout(r, 200));
      return {
        cache: cache as ScoreCache,
        store: store as RateLimitStore,
        close: () => Promise.all([cache.close(), store.close()]).then(() => {}),
      };
    },
  ],
])("1,000 concurrent calls %s", (where, setup) => {
  it("all complete, none refused, nothing leaks", async () => {
    const { cache, store, close } = await setup();
    const warnings: string[] = [];
    const client = new RerankClient({
      provider: "cohere",
      baseURL: `${server.url}/v2`,
      apiKey: "k",
      model: "rerank-v3.5",
      timeoutMs: 60_000,
      cache,
      rateLimit: { requestsPerMinute: 100_000, tokensPerMinute: 100_000_000, store },
      hooks: { onWarning: ({ message }) => warnings.push(message) },
    });
    const caller = new AbortController();
    setMaxListeners(2_000, caller.signal); // one signal shared by 1,000 calls in flight
    // Each call: 2 documents every call shares (hits after the first) and 3 of its own.
    const shared = ["a document every call ranks", "another one they all share"];
    const call = (k: number) =>
      client.rerank({ query: "concurrency", documents: [...shared, `own ${k} a`, `own ${k} b`, `own ${k} c`], signal: caller.signal });
    await call(-1); // warms the shared two
    await quiet();
    const before = resources();
    server.requests.length = 0;

    const settled = await Promise.allSettled(Array.from({ length: 1_000 }, (_, k) => call(k)));
    const failed = settled.filter((s) => s.status === "rejected");
    expect(failed.map((f) => String((f as PromiseRejectedResult).reason)).slice(0, 3)).toEqual([]);
    expect(warnings).toEqual([]);
    const responses = settled.map((s) => (s as PromiseFulfilledResult<Awaited<ReturnType<typeof call>>>).value);
    for (const r of responses) {
      expect(r.results).toHaveLength(5);
      expect(r.usage.cacheHits! + r.usage.cacheMisses!).toBe(5);
    }
    // Only misses reached the server, each own document once.
    const sent = server.requests.flatMap((r) => r.documents);
    const own = sent.filter((d) => d.startsWith("own"));
    expect(own).toHaveLength(3_000);
    expect(new Set(own).size).toBe(3_000);
    expect(sent.filter((d) => shared.includes(d))).toEqual([]); // cached by the warming call
    expect(responses.every((r) => r.usage.cacheHits === 2)).toBe(true);

    await client.close();
    await quiet();
    const after = resources();
    expect(after.timers).toBeLessThanOrEqual(before.timers);
    expect(after.sockets).toBeLessThanOrEqual(before.sockets);
    expect(getEventListeners(caller.signal, "abort")).toHaveLength(0);
    if (where === "in memory") {
      // One window per budget for the one API key, nothing per call.
      expect((store as ReturnType<typeof memoryRateLimitStore>).size).toBe(2);
    } else {
      const probe = new Redis(redis.url);
      const keys = await probe.keys("rerankit:rl:*");
      expect(keys.sort()).toEqual([
        expect.stringMatching(/^rerankit:rl:requests:cohere:/),
        expect.stringMatching(/^rerankit:rl:tokens:cohere:/),
      ]);
      expect(await probe.dbsize()).toBe(2 + 2 + 3_000 + 3); // windows, shared scores, own scores, call -1's own
      probe.disconnect();
    }
    await close();
  }, 120_000);
});
