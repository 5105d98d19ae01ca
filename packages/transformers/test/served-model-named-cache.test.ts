/**
 * Issue 19, bug 2, for a client that NAMES a model: `rerankit serve` with the tiny cross-encoder,
 * then with BM25, on one address, and one memory score cache (as a Redis cache would outlive both
 * servers). A name is only the client's claim: before it serves cache hits, a client asks the
 * server's GET /health which model it runs, so any client still naming the cross-encoder after the
 * switch (a new one, or the very client that cached its scores) gets a RerankBadRequestError, never
 * the cross-encoder scores the cache holds under that name.
 * (served-model-cache.test.ts covers the clients that name no model.)
 */
import { memoryScoreCache, RerankBadRequestError, RerankClient, type RerankResponse } from "@rerankit/core";
import { describe, expect, it } from "vitest";
import { startRerankServer } from "../../server/src/index.js";
import { CrossEncoderReranker } from "../src/index.js";
import { TINY } from "./fixtures.js";

const QUERY = "how to prevent a cold";
const DOCUMENTS = ["wash your hands to prevent a cold", "a cold winter in the north", "vitamin C and rest", "cold brew coffee"];

const ranking = (r: RerankResponse) => r.results.map(({ index, relevanceScore }) => ({ index, relevanceScore }));

describe("a client naming a model, on an address whose backend changes, with one cache", { timeout: 120_000 }, () => {
  it("serves cached scores only when the server says it runs that model, so a stale name is a RerankBadRequestError", async () => {
    const cache = memoryScoreCache();
    // The cross-encoder first: its scores are pointwise, cached per document, so under a stale
    // name every document would hit and the rerank route would never be asked.
    const model = new CrossEncoderReranker({ model: TINY, localOnly: true });
    const crossEncoder = await startRerankServer({ reranker: model });
    const baseURL = `${crossEncoder.url}/v1`;
    const clients: RerankClient[] = [];
    const client = (name: string) => {
      const c = new RerankClient({ provider: "rerankit", baseURL, model: name, cache });
      clients.push(c);
      return c;
    };
    const longLived = client(TINY);
    let crossEncoderRanking: ReturnType<typeof ranking>;
    try {
      crossEncoderRanking = ranking(await longLived.rerank({ query: QUERY, documents: DOCUMENTS }));
      expect(crossEncoderRanking).toEqual(ranking(await model.rerank({ query: QUERY, documents: DOCUMENTS })));
      const again = await longLived.rerank({ query: QUERY, documents: DOCUMENTS });
      expect(again.usage).toMatchObject({ requests: 0, cacheHits: DOCUMENTS.length });
      expect(ranking(again)).toEqual(crossEncoderRanking);
      // A new client (a new process on a shared cache): /health confirms, its first call hits.
      const fresh = await client(TINY).rerank({ query: QUERY, documents: DOCUMENTS });
      expect(fresh.usage).toMatchObject({ requests: 0, cacheHits: DOCUMENTS.length });
      expect(ranking(fresh)).toEqual(crossEncoderRanking);
    } finally {
      await crossEncoder.close();
    }

    const bm25 = await startRerankServer({ port: crossEncoder.port });
    try {
      expect(bm25.url).toBe(crossEncoder.url);
      // Every document of this list is cached under the cross-encoder's name. The client that
      // served them a moment ago, and a new one, both hear from /health that BM25 runs now.
      for (const stale of [longLived, client(TINY)]) {
        const error = await stale.rerank({ query: QUERY, documents: DOCUMENTS }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RerankBadRequestError);
        expect((error as Error).message).toMatch(/runs the model "rerankit-bm25" \(GET \/health\); the call named ".*tiny-cross-encoder/);
      }
      // Naming what the server runs: BM25's scores, then (list-dependent: the whole list) from the cache.
      const named = client("rerankit-bm25");
      const first = await named.rerank({ query: QUERY, documents: DOCUMENTS });
      expect(first.usage.cacheHits ?? 0).toBe(0);
      expect(ranking(first)).not.toEqual(crossEncoderRanking!);
      const again = await named.rerank({ query: QUERY, documents: DOCUMENTS });
      expect(again.usage).toMatchObject({ requests: 0, cacheHits: DOCUMENTS.length });
      expect(ranking(again)).toEqual(ranking(first));
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await bm25.close();
    }
  });
});
