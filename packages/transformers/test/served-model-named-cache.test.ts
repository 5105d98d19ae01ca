/**
 * Issue 19, bug 2, for a client that NAMES a model: `rerankit serve` with the tiny cross-encoder,
 * then with BM25, on one address, and one memory score cache (as a Redis cache would outlive both
 * servers). A name is only the client's claim: a client serves no cache hit until a reply of its
 * own confirmed the server runs that model, so a new client still naming the cross-encoder after the switch gets
 * the server's 400 (RerankBadRequestError), never the cross-encoder scores the cache holds under that name.
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
  it("serves cached scores only after its own reply confirmed the model, so a stale name gets the server's 400", async () => {
    const cache = memoryScoreCache();
    // The cross-encoder first: its scores are pointwise, cached per document, so a stale name
    // would hit on every document and the server would never be asked.
    const model = new CrossEncoderReranker({ model: TINY, localOnly: true });
    const crossEncoder = await startRerankServer({ reranker: model });
    const baseURL = `${crossEncoder.url}/v1`;
    const clients: RerankClient[] = [];
    const client = (name: string) => {
      const c = new RerankClient({ provider: "rerankit", baseURL, model: name, cache });
      clients.push(c);
      return c;
    };
    let crossEncoderRanking: ReturnType<typeof ranking>;
    try {
      const first = client(TINY);
      crossEncoderRanking = ranking(await first.rerank({ query: QUERY, documents: DOCUMENTS }));
      expect(crossEncoderRanking).toEqual(ranking(await model.rerank({ query: QUERY, documents: DOCUMENTS })));
      expect((await first.rerank({ query: QUERY, documents: DOCUMENTS })).usage).toMatchObject({
        requests: 0,
        cacheHits: DOCUMENTS.length,
      });
      // A new client with a warm cache: its first call still asks the server (the confirmation)
      // and gets the same scores; its next call is served from the cache.
      const second = client(TINY);
      const confirming = await second.rerank({ query: QUERY, documents: DOCUMENTS });
      expect(confirming.usage.requests).toBe(1);
      expect(confirming.usage.cacheHits ?? 0).toBe(0);
      expect(ranking(confirming)).toEqual(crossEncoderRanking);
      expect((await second.rerank({ query: QUERY, documents: DOCUMENTS })).usage).toMatchObject({
        requests: 0,
        cacheHits: DOCUMENTS.length,
      });
    } finally {
      await crossEncoder.close();
    }

    const bm25 = await startRerankServer({ port: crossEncoder.port });
    try {
      expect(bm25.url).toBe(crossEncoder.url);
      // Every document of this list is cached under the cross-encoder's name: the server is still
      // asked, and refuses the name.
      const stale = await client(TINY)
        .rerank({ query: QUERY, documents: DOCUMENTS })
        .catch((e: unknown) => e);
      expect(stale).toBeInstanceOf(RerankBadRequestError);
      expect((stale as Error).message).toMatch(/runs the model "rerankit-bm25".*the request named ".*tiny-cross-encoder/);
      // Naming what the server runs: BM25's scores, then (confirmed, list-dependent) from the cache.
      const named = client("rerankit-bm25");
      const fresh = await named.rerank({ query: QUERY, documents: DOCUMENTS });
      expect(fresh.usage.cacheHits ?? 0).toBe(0);
      expect(ranking(fresh)).not.toEqual(crossEncoderRanking!);
      const again = await named.rerank({ query: QUERY, documents: DOCUMENTS });
      expect(again.usage).toMatchObject({ requests: 0, cacheHits: DOCUMENTS.length });
      expect(ranking(again)).toEqual(ranking(fresh));
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await bm25.close();
    }
  });
});
