/**
 * Long documents end to end: RerankClient with `longDocuments` against the local rerank server
 * (BM25 behind it), over real HTTP. A long document whose relevant passage sits deep inside is
 * split into windows, scored with everything else, and ranked by its best window.
 */
import { Bm25Reranker, RerankClient, type Reranker, type RerankRequest, type RerankResponse } from "@rerankit/core";
import { type RerankServer, startRerankServer } from "@rerankit/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

/** Records every batch the server's reranker receives. */
class Recording implements Reranker {
  readonly batches: string[][] = [];
  readonly #inner = new Bm25Reranker();
  rerank(request: RerankRequest): Promise<RerankResponse> {
    this.batches.push(request.documents as string[]);
    return this.#inner.rerank(request);
  }
}

const filler = (n: number, seed: string) =>
  Array.from({ length: n }, (_, i) => `${seed}${i % 37} paragraph about shipping schedules and harbour logistics`).join(". ");
// ~2,400 estimated tokens of filler, then the passage that answers the query, then more filler.
const long = `${filler(150, "alpha")}. To prevent a common cold, wash your hands often and avoid touching your face. ${filler(60, "beta")}.`;
const shorts = ["Bananas are rich in potassium.", "The stock market closed higher on Friday.", "Cats sleep most of the day."];
const documents = [shorts[0]!, long, shorts[1]!, shorts[2]!];
const query = "how to prevent a common cold wash hands";

let server: RerankServer;
const backend = new Recording();
const clients: RerankClient[] = [];
const client = (options: Partial<ConstructorParameters<typeof RerankClient>[0]> = {}) => {
  const c = new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1`, model: "bm25", ...options });
  clients.push(c);
  return c;
};

beforeAll(async () => {
  server = await startRerankServer({ reranker: backend });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.close();
});
beforeEach(() => {
  backend.batches.length = 0;
});

describe("longDocuments against the local server", () => {
  it("splits the long document into windows sent with the short ones, and ranks it first by its best window", async () => {
    const response = await client({ longDocuments: { maxTokens: 200, overlapTokens: 20, reportWindow: true } }).rerank({
      query,
      documents,
      topN: 2,
    });
    const sent = backend.batches.flat();
    const windows = sent.filter((text) => !shorts.includes(text));
    expect(windows.length).toBeGreaterThanOrEqual(12); // ~2,400 tokens in windows of ≤ 200
    expect(sent.filter((text) => shorts.includes(text))).toHaveLength(3);
    expect(sent).not.toContain(long);
    expect(new Set(sent).size).toBe(sent.length); // windows de-duplicated
    expect(response.usage.requests).toBe(backend.batches.length);

    expect(response.results).toHaveLength(2);
    expect(response.results[0]!.index).toBe(1); // the original index of the long document
    const best = response.results[0]!.window!;
    expect(windows[best]).toContain("wash your hands");
    expect(response.results[1]!.window).toBeUndefined(); // a short document has no windows
  });

  it("without longDocuments sends the long document whole", async () => {
    await client().rerank({ query, documents });
    expect(backend.batches.flat()).toContain(long);
  });

  it("batches windows with everything else by the provider's limits", async () => {
    const response = await client({ longDocuments: { maxTokens: 200 }, maxDocumentsPerRequest: 5 }).rerank({ query, documents });
    const total = backend.batches.flat().length;
    expect(backend.batches.length).toBe(Math.ceil(total / 5));
    expect(response.usage.requests).toBe(backend.batches.length);
    expect(response.results.map((r) => r.index).sort()).toEqual([0, 1, 2, 3]);
    expect(response.results[0]!.index).toBe(1);
  });

  it("mean-top-2 gives the long document the mean of its two best windows", async () => {
    const max = await client({ longDocuments: { maxTokens: 200, overlapTokens: 0, aggregate: "max" } }).rerank({ query, documents });
    const mean = await client({ longDocuments: { maxTokens: 200, overlapTokens: 0, aggregate: "mean-top-2" } }).rerank({
      query,
      documents,
    });
    const longMax = max.results.find((r) => r.index === 1)!.relevanceScore;
    const longMean = mean.results.find((r) => r.index === 1)!.relevanceScore;
    expect(longMean).toBeLessThan(longMax);
    for (const i of [0, 2, 3]) {
      expect(mean.results.find((r) => r.index === i)!.relevanceScore).toBe(max.results.find((r) => r.index === i)!.relevanceScore);
    }
  });
});
