/** Big lists: split by the provider's limits, run with bounded concurrency, merged into one ranking. */
import { describe, expect, it } from "vitest";
import { RerankClient } from "../src/index.js";
import { deduplicate, estimateTokens, planBatches } from "../src/internal/batching.js";
import { cohereReply, json, startTestServer, type TestServer, closeAfterEach } from "./helpers/http.js";

/** A deterministic score from the text alone, so a document scores the same in any batch. */
function score(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) / 2 ** 32;
}

const { servers, clients } = closeAfterEach();

async function scoringServer() {
  const server = await startTestServer(cohereReply(score));
  servers.push(server);
  return server;
}

function client(server: TestServer, options: Partial<ConstructorParameters<typeof RerankClient>[0]> = {}) {
  const c = new RerankClient({
    provider: "dashscope-compatible",
    apiKey: "sk-batching",
    baseURL: `${server.url}/compatible-api/v1`,
    ...options,
  });
  clients.push(c);
  return c;
}

describe("batching", () => {
  it("splits 1,234 documents against DashScope's 500 limit into 3 requests and merges one global ranking", async () => {
    const documents = Array.from({ length: 1234 }, (_, i) => `passage ${i}`);
    const server = await scoringServer();
    const split = await client(server).rerank({ query: "q", documents, topN: 20 });

    expect(server.requests).toHaveLength(3);
    const sizes = server.requests.map((r) => (r.json as { documents: string[] }).documents.length);
    expect(sizes).toEqual([500, 500, 234]);
    for (const r of server.requests) expect((r.json as { top_n: number }).top_n).toBe(20);
    expect(split.usage.requests).toBe(3);

    const whole = await client(server, { maxDocumentsPerRequest: 10_000 }).rerank({ query: "q", documents, topN: 20 });
    expect(server.requests).toHaveLength(4);
    expect(split.results).toEqual(whole.results);
    // And both equal ranking every document by hand.
    const byHand = documents
      .map((d, index) => ({ index, relevanceScore: score(d) }))
      .sort((a, b) => b.relevanceScore - a.relevanceScore || a.index - b.index)
      .slice(0, 20);
    expect(split.results).toEqual(byHand);
  });

  it("returns every document when no topN is given, across batches", async () => {
    const documents = Array.from({ length: 1001 }, (_, i) => `doc ${i}`);
    const server = await scoringServer();
    const response = await client(server).rerank({ query: "q", documents });
    expect(server.requests).toHaveLength(3);
    expect(server.requests.every((r) => !("top_n" in (r.json as object)))).toBe(true);
    expect(response.results.map((r) => r.index).sort((a, b) => a - b)).toEqual(documents.map((_, i) => i));
    for (let i = 1; i < response.results.length; i++) {
      expect(response.results[i - 1]!.relevanceScore).toBeGreaterThanOrEqual(response.results[i]!.relevanceScore);
    }
  });

  it("sends identical texts once and gives every copy its score", async () => {
    const documents = ["alpha", "beta", "alpha", { text: "beta", id: 7 }, "gamma", "alpha"];
    const server = await scoringServer();
    const response = await client(server).rerank({ query: "q", documents });
    expect((server.requests[0]!.json as { documents: string[] }).documents).toEqual(["alpha", "beta", "gamma"]);
    expect(response.results).toHaveLength(6);
    const byIndex = new Map(response.results.map((r) => [r.index, r.relevanceScore]));
    expect(byIndex.get(0)).toBe(score("alpha"));
    expect(byIndex.get(2)).toBe(score("alpha"));
    expect(byIndex.get(5)).toBe(score("alpha"));
    expect(byIndex.get(3)).toBe(score("beta"));
    // Ties keep input order.
    const alphas = response.results.filter((r) => r.relevanceScore === score("alpha")).map((r) => r.index);
    expect(alphas).toEqual([0, 2, 5]);
  });

  it("splits by the estimated token budget as well as by count", async () => {
    const long = "字".repeat(9_000); // ~9,000 tokens each against a 30,000-token budget
    const documents = Array.from({ length: 7 }, (_, i) => `${long}${i}`);
    const server = await scoringServer();
    await client(server).rerank({ query: "问题", documents });
    const sizes = server.requests.map((r) => (r.json as { documents: string[] }).documents.length);
    expect(sizes).toEqual([3, 3, 1]);
  });

  it("keeps at most `concurrency` batch requests in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    let received = 0;
    const held: (() => void)[] = [];
    // Each request is held until `concurrency` are in flight (or the last one has come), so the
    // peak is reached by synchronisation, not by a sleep outlasting the client's next send.
    const server = await startTestServer(async (req, res) => {
      inFlight++;
      received++;
      peak = Math.max(peak, inFlight);
      const released = new Promise<void>((resolve) => held.push(resolve));
      if (inFlight >= 3 || received === 10) for (const release of held.splice(0)) setImmediate(release);
      await released;
      inFlight--;
      const docs = (req.json as { documents: string[] }).documents;
      json(res, 200, { results: docs.map((d, index) => ({ index, relevance_score: score(d) })) });
    });
    servers.push(server);
    const documents = Array.from({ length: 100 }, (_, i) => `d${i}`);
    const response = await client(server, { maxDocumentsPerRequest: 10, concurrency: 3 }).rerank({ query: "q", documents });
    expect(server.requests).toHaveLength(10);
    expect(peak).toBe(3);
    expect(response.results).toHaveLength(100);
  });
});

describe("batch planning (pure)", () => {
  it("estimates CJK per character and Latin per four characters", () => {
    expect(estimateTokens("预防感冒")).toBe(4);
    expect(estimateTokens("abcdefgh")).toBe(2);
    expect(estimateTokens("")).toBe(0);
  });

  it("gives every position exactly once, in order, within the limits", () => {
    const texts = Array.from({ length: 23 }, (_, i) => "x".repeat(i * 10));
    const batches = planBatches(texts, "query", { maxDocuments: 5, maxTokens: 100 });
    expect(batches.flat()).toEqual(texts.map((_, i) => i));
    for (const b of batches) {
      expect(b.length).toBeLessThanOrEqual(5);
      const tokens = b.reduce((sum, i) => sum + estimateTokens("query") + estimateTokens(texts[i]!), 0);
      if (b.length > 1) expect(tokens).toBeLessThanOrEqual(100);
    }
  });

  it("maps duplicates to one distinct text", () => {
    const { unique, uniqueOf } = deduplicate(["a", "b", "a"]);
    expect(unique).toEqual(["a", "b"]);
    expect(Array.from(uniqueOf)).toEqual([0, 1, 0]);
  });
});

describe("batch planning of nothing", () => {
  it("plans no batch for no texts", () => {
    expect(planBatches([], "q", { maxDocuments: 10 })).toEqual([]);
    expect(planBatches([], "q", { maxDocuments: 10, maxTokens: 100 })).toEqual([]);
  });
});
