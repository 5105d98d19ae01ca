import {
  Bm25Reranker,
  type ProviderId,
  RerankAuthenticationError,
  RerankClient,
  type Reranker,
  type RerankRequest,
  type RerankResponse,
} from "@rerankit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RerankServer, startRerankServer } from "../src/index.js";
import { post } from "./helpers.js";

const ENGLISH = [
  "The Eiffel Tower is in Paris and was finished in 1889.",
  "Colds are caused by viruses such as the rhinovirus.",
  "Washing your hands often is the best way to prevent a cold.",
  "Stock markets fell sharply on Monday after the rate decision.",
];
const CHINESE = ["埃菲尔铁塔位于巴黎。", "今天股市大幅下跌。", "感冒是一种常见疾病。", "经常洗手是预防感冒的有效方法。"];

/** BM25 behind a recorder, so tests see what each client's body turned into. */
class RecordingBm25 implements Reranker {
  readonly inner = new Bm25Reranker();
  readonly requests: RerankRequest[] = [];
  rerank(request: RerankRequest): Promise<RerankResponse> {
    this.requests.push(request);
    return this.inner.rerank(request);
  }
}

describe("the default reranker is BM25", () => {
  let server: RerankServer;
  beforeAll(async () => {
    server = await startRerankServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("ranks an English query sensibly: the passage that answers it first, unrelated ones last", async () => {
    const reply = await post(`${server.url}/v1/rerank`, { query: "how to prevent a cold", documents: ENGLISH });
    expect(reply.status).toBe(200);
    const order = reply.body.results.map((r: { index: number }) => r.index);
    expect(order.slice(0, 2)).toEqual([2, 1]);
    const scores = Object.fromEntries(
      reply.body.results.map((r: { index: number; relevance_score: number }) => [r.index, r.relevance_score]),
    );
    expect(scores[2]).toBeGreaterThan(scores[1]);
    expect(scores[1]).toBeGreaterThan(scores[0]);
    expect(scores[0]).toBe(scores[3]);
  });

  it("ranks a Chinese query sensibly through the DashScope route", async () => {
    const reply = await post(`${server.url}/api/v1/services/rerank/text-rerank/text-rerank`, {
      model: "rerankit-bm25",
      input: { query: "如何预防感冒", documents: CHINESE },
      parameters: { top_n: 2, return_documents: true },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.output.results.map((r: { index: number }) => r.index)).toEqual([3, 2]);
    expect(reply.body.output.results[0].document).toEqual({ text: CHINESE[3] });
    expect(reply.body.output.results[0].relevance_score).toBeGreaterThan(reply.body.output.results[1].relevance_score);
  });

  it("serves the rerankit preset end to end, with BM25's model name", async () => {
    const client = new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1` });
    try {
      const response = await client.rerank({ query: "预防感冒", documents: [...ENGLISH, ...CHINESE], topN: 3 });
      expect(response.results[0]?.index).toBe(ENGLISH.length + 3);
      expect(response.results).toHaveLength(3);
      expect(response.model).toBe("rerankit-bm25");
      expect(response.usage.requests).toBe(1);
    } finally {
      await client.close();
    }
  });
});

describe("RerankClient presets against the local server", () => {
  let server: RerankServer;
  const recorder = new RecordingBm25();
  beforeAll(async () => {
    server = await startRerankServer({ reranker: recorder });
  });
  afterAll(async () => {
    await server.close();
  });

  const cases: { provider: ProviderId; path: string; instruct: boolean }[] = [
    { provider: "rerankit", path: "/v1", instruct: true },
    { provider: "dmxapi", path: "/v1", instruct: true },
    { provider: "siliconflow", path: "/v1", instruct: true },
    { provider: "dashscope", path: "/api/v1", instruct: true },
    { provider: "dashscope-compatible", path: "/compatible-api/v1", instruct: true },
    { provider: "cohere", path: "/v2", instruct: false },
    { provider: "jina", path: "/v1", instruct: false },
    { provider: "tei", path: "", instruct: false },
  ];

  it.each(cases)("$provider (baseURL …$path) gets a sensible ranking, usage and a request id", async ({ provider, path, instruct }) => {
    const client = new RerankClient({ provider, baseURL: `${server.url}${path}`, apiKey: "dummy-key", model: "test-model" });
    try {
      const documents = [...ENGLISH, ...CHINESE];
      const response = await client.rerank({
        query: "how to prevent a cold",
        documents,
        topN: 2,
        returnDocuments: true,
        ...(instruct ? { instruct: "Given a web search query, retrieve relevant passages that answer the query." } : {}),
      });
      expect(response.provider).toBe(provider);
      expect(response.results.map((r) => r.index)).toEqual([2, 1]);
      expect(response.results[0]?.document).toBe(ENGLISH[2]);
      expect(response.results[0]!.relevanceScore).toBeGreaterThan(response.results[1]!.relevanceScore);
      expect(response.requestIds).toHaveLength(1);
      const seen = recorder.requests.at(-1)!;
      expect(seen.query).toBe("how to prevent a cold");
      expect(seen.documents).toEqual(documents);
      if (provider !== "tei") {
        expect(seen.model).toBe("test-model");
        expect(response.usage.totalTokens).toBeGreaterThan(0);
      }
      if (instruct) expect(seen.instruct).toMatch(/^Given a web search query/);
    } finally {
      await client.close();
    }
  });
});

describe("RerankClient against a server with an API key", () => {
  let server: RerankServer;
  beforeAll(async () => {
    server = await startRerankServer({ apiKey: "local-secret-key" });
  });
  afterAll(async () => {
    await server.close();
  });

  it("works with the right key", async () => {
    const client = new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1`, apiKey: "local-secret-key" });
    try {
      const response = await client.rerank({ query: "prevent a cold", documents: ENGLISH });
      expect(response.results[0]?.index).toBe(2);
    } finally {
      await client.close();
    }
  });

  it.each([
    ["rerankit", "/v1", undefined],
    ["dashscope", "/api/v1", "InvalidApiKey"],
  ] as const)("%s with a wrong key rejects with RerankAuthenticationError (401, code %s)", async (provider, path, code) => {
    const client = new RerankClient({ provider, baseURL: `${server.url}${path}`, apiKey: "wrong-key-canary" });
    try {
      const error = await client.rerank({ query: "prevent a cold", documents: ENGLISH }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RerankAuthenticationError);
      expect(error).toMatchObject({ status: 401, code, attempts: 1 });
      expect((error as Error).message).toMatch(/API key/);
      expect((error as RerankAuthenticationError).requestId).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await client.close();
    }
  });
});
