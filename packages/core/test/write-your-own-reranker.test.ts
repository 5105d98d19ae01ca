/** The README's "Write your own reranker" example, verbatim, run: the kit does the checks, the sort and the cut. */
import { describe, expect, it } from "vitest";
import {
  checkRankingRequest,
  RerankInputError,
  type Reranker,
  type RerankRequest,
  type RerankResponse,
  rankingResponse,
} from "../src/index.js";

/** Scores a document by the share of the query's words it contains. */
class OverlapReranker implements Reranker {
  readonly model = "word-overlap";

  async rerank(request: RerankRequest): Promise<RerankResponse> {
    // Every field checked (blank query, document shapes, topN, minScore, instruct…), the texts
    // read, identical texts listed once, topN clamped: a bad field is a RerankInputError naming it.
    const ranking = checkRankingRequest(request, "overlap");
    const words = new Set(ranking.query.toLowerCase().match(/\p{L}+/gu) ?? []);
    // One score per distinct text.
    const scores = ranking.unique.map((text) => {
      const seen = new Set(text.toLowerCase().match(/\p{L}+/gu) ?? []);
      let hits = 0;
      for (const word of words) if (seen.has(word)) hits++;
      return words.size === 0 ? 0 : hits / words.size;
    });
    // Sorted (score, then index), checked as any provider's reply is, then minScore and topN.
    return rankingResponse(ranking, scores, { model: this.model, provider: "overlap", scoreKind: "unknown" });
  }
}

describe("the README's OverlapReranker", () => {
  const reranker = new OverlapReranker();
  const documents = ["Wash hands to prevent a cold", { text: "Towers of Paris" }, "A cold winter", "Wash hands to prevent a cold"];

  it("ranks best first, ties by index, with minScore, topN and returnDocuments from the kit", async () => {
    const response = await reranker.rerank({ query: "prevent a cold", documents, topN: 3, minScore: 0.5, returnDocuments: true });
    expect(response.results).toEqual([
      { index: 0, relevanceScore: 1, document: documents[0] },
      { index: 3, relevanceScore: 1, document: documents[3] },
      { index: 2, relevanceScore: 2 / 3, document: documents[2] },
    ]);
    expect(response).toMatchObject({ model: "word-overlap", provider: "overlap", scoreKind: "unknown", usage: { requests: 0 } });
  });

  it("refuses bad input with the field named, as every reranker does", async () => {
    await expect(reranker.rerank({ query: "q", documents, topN: 0 })).rejects.toMatchObject({ field: "topN" });
    await expect(reranker.rerank({ query: " ", documents })).rejects.toBeInstanceOf(RerankInputError);
    expect((await reranker.rerank({ query: " ", documents: [] })).results).toEqual([]);
  });
});
