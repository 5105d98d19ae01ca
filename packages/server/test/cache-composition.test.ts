/**
 * Issue 19, bug 1, composed of the real parts: a `RerankClient` with a memory score cache in front
 * of a real `rerankit serve` (BM25, whose scores depend on the whole list through idf). The client
 * learns from the server's reply that its scores are list-dependent and then caches whole lists
 * only: a list that grew ranks exactly as an uncached call does.
 */
import { memoryScoreCache, RerankClient, type RerankResponse, type ScoreCache } from "@rerankit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RerankServer, startRerankServer } from "../src/index.js";

const QUERY = "how to prevent a cold";
const THREE = ["wash your hands to prevent a cold", "a cold winter in the north", "vitamin C and rest"];
const FIVE = [...THREE, "prevent the flu with a vaccine", "cold brew coffee"];

let server: RerankServer;
const clients: RerankClient[] = [];
beforeAll(async () => {
  server = await startRerankServer(); // the default: BM25
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
});

function client(options: { cache?: ScoreCache; model?: string; onWarning?: (message: string) => void } = {}): RerankClient {
  const c = new RerankClient({
    provider: "rerankit",
    baseURL: `${server.url}/v1`,
    ...(options.model === undefined ? {} : { model: options.model }),
    ...(options.cache === undefined ? {} : { cache: options.cache }),
    ...(options.onWarning === undefined ? {} : { hooks: { onWarning: ({ message }) => options.onWarning!(message) } }),
  });
  clients.push(c);
  return c;
}

const ranking = (r: RerankResponse) => r.results.map(({ index, relevanceScore }) => ({ index, relevanceScore }));

describe("a score cache in front of a list-dependent server (BM25)", () => {
  it("ranks 3, then the same 3 and 2 more, exactly as an uncached call; the same list again comes from the cache", async () => {
    const cache = memoryScoreCache();
    const cached = client({ cache, model: "rerankit-bm25" });
    const plain = client();
    await cached.rerank({ query: QUERY, documents: THREE });
    const grown = await cached.rerank({ query: QUERY, documents: FIVE });
    const uncached = await plain.rerank({ query: QUERY, documents: FIVE });
    // The idf of the 3-document list differs from the 5-document list's: a per-document cache
    // would have mixed them (and the scores do differ, or this test would prove nothing).
    const alone = await plain.rerank({ query: QUERY, documents: THREE });
    const { results } = uncached;
    expect(results.find((r) => r.index === 0)!.relevanceScore).not.toBe(alone.results.find((r) => r.index === 0)!.relevanceScore);
    expect(ranking(grown)).toEqual(ranking(uncached));
    expect(grown.usage).toMatchObject({ requests: 1, cacheHits: 0, cacheMisses: 5 });

    const again = await cached.rerank({ query: QUERY, documents: FIVE });
    expect(ranking(again)).toEqual(ranking(uncached));
    expect(again.usage).toMatchObject({ requests: 0, cacheHits: 5, cacheMisses: 0 });
    expect(again.model).toBe("rerankit-bm25");

    // A sublist of a cached list is another list: nothing of the longer list's scores is served.
    const tail = FIVE.slice(2);
    const sub = await cached.rerank({ query: QUERY, documents: tail });
    expect(ranking(sub)).toEqual(ranking(await plain.rerank({ query: QUERY, documents: tail })));
    expect(sub.usage).toMatchObject({ requests: 1, cacheHits: 0 });
    // The first list was cached whole by the first call (the reply said the server is list-dependent).
    const first = await cached.rerank({ query: QUERY, documents: THREE });
    expect(ranking(first)).toEqual(ranking(alone));
    expect(first.usage).toMatchObject({ requests: 0, cacheHits: 3 });
  });

  it("without a model the client names none, reports the server's, and does not cache (saying so once)", async () => {
    const memory = memoryScoreCache();
    let used = 0;
    const cache: ScoreCache = {
      getMany(keys, o) {
        used++;
        return memory.getMany(keys, o);
      },
      setMany(entries, o) {
        used++;
        return memory.setMany(entries, o);
      },
    };
    const warnings: string[] = [];
    const cached = client({ cache, onWarning: (m) => warnings.push(m) });
    const first = await cached.rerank({ query: QUERY, documents: THREE });
    const second = await cached.rerank({ query: QUERY, documents: FIVE });
    expect(first.model).toBe("rerankit-bm25");
    expect(ranking(second)).toEqual(ranking(await client().rerank({ query: QUERY, documents: FIVE })));
    expect(second.usage.requests).toBe(1);
    expect(used).toBe(0);
    expect(warnings).toEqual([expect.stringMatching(/score cache not used: no model is named/)]);
  });
});
