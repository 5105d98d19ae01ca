/**
 * Issue 19, bug 2, composed of the real parts: `rerankit serve` with BM25, then with the tiny
 * cross-encoder, on ONE address (the same port), and one score cache shared by every client. The
 * server answers with the model it runs, the `rerankit` preset invents none, and a cache that saw
 * the BM25 server never serves its scores to a client of the cross-encoder server.
 */
import { memoryScoreCache, RerankBadRequestError, RerankClient, type RerankResponse } from "@rerankit/core";
import { describe, expect, it } from "vitest";
import { startRerankServer } from "../../server/src/index.js";
import { CrossEncoderReranker } from "../src/index.js";
import { TINY } from "./fixtures.js";

const QUERY = "how to prevent a cold";
const DOCUMENTS = ["wash your hands to prevent a cold", "a cold winter in the north", "vitamin C and rest", "cold brew coffee"];

const ranking = (r: RerankResponse) => r.results.map(({ index, relevanceScore }) => ({ index, relevanceScore }));

describe("BM25, then the cross-encoder, on one address with one cache", { timeout: 120_000 }, () => {
  it("a client of the cross-encoder server gets its scores and its model name, never the BM25 scores the cache saw", async () => {
    const cache = memoryScoreCache();
    const bm25 = await startRerankServer();
    const baseURL = `${bm25.url}/v1`;
    const named = new RerankClient({ provider: "rerankit", baseURL, model: "rerankit-bm25", cache });
    const unnamed = new RerankClient({ provider: "rerankit", baseURL, cache });
    let bm25Scores: RerankResponse;
    try {
      // Two calls: the first learns the list dependence and caches the whole list, the second hits.
      for (let i = 0; i < 2; i++) bm25Scores = await named.rerank({ query: QUERY, documents: DOCUMENTS });
      expect(bm25Scores!.usage).toMatchObject({ requests: 0, cacheHits: DOCUMENTS.length });
      expect((await unnamed.rerank({ query: QUERY, documents: DOCUMENTS })).model).toBe("rerankit-bm25");
    } finally {
      await bm25.close();
    }

    const model = new CrossEncoderReranker({ model: TINY, localOnly: true });
    const crossEncoder = await startRerankServer({ port: bm25.port, reranker: model });
    const fresh = new RerankClient({ provider: "rerankit", baseURL, cache });
    const crossEncoderNamed = new RerankClient({ provider: "rerankit", baseURL, model: TINY, cache });
    try {
      expect(crossEncoder.url).toBe(bm25.url);
      const expected = ranking(await model.rerank({ query: QUERY, documents: DOCUMENTS }));
      expect(expected).not.toEqual(ranking(bm25Scores!));
      // A new client, the client that talked to BM25, and one naming the cross-encoder: its scores, its name.
      for (const client of [fresh, unnamed, crossEncoderNamed, crossEncoderNamed]) {
        const response = await client.rerank({ query: QUERY, documents: DOCUMENTS });
        expect(ranking(response)).toEqual(expected);
        expect(response.model).toBe(TINY);
      }
      // The second call naming the cross-encoder came from the cache (pointwise: per document).
      const again = await crossEncoderNamed.rerank({ query: QUERY, documents: DOCUMENTS.slice(1) });
      expect(again.usage).toMatchObject({ requests: 0, cacheHits: DOCUMENTS.length - 1 });
      // A client still naming BM25 is refused by the server for anything not cached under BM25's name.
      const refused = await named.rerank({ query: QUERY, documents: [...DOCUMENTS, "a new document"] }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(RerankBadRequestError);
      expect((refused as Error).message).toMatch(/runs the model .*tiny-cross-encoder.*the request named "rerankit-bm25"/);
    } finally {
      await Promise.all([named, unnamed, fresh, crossEncoderNamed].map((c) => c.close()));
      await crossEncoder.close();
    }
  });
});
