/**
 * The three seed providers: the exact request each one's own document shows (path, headers, body),
 * and the normalised result read from that document's own example response.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { RerankClient, type RerankClientOptions } from "../src/index.js";
import { type RecordedRequest, startTestServer, type TestServer } from "./helpers/http.js";

/** Path, method and headers of a seed request: POST, JSON both ways, the key as a Bearer token. */
function expectSeedRequest(req: RecordedRequest | undefined, path: string) {
  expect(req!.method).toBe("POST");
  expect(req!.url).toBe(path);
  expect(req!.headers.authorization).toBe(`Bearer ${KEY}`);
  expect(req!.headers["content-type"]).toBe("application/json");
  expect(req!.headers.accept).toBe("application/json");
}

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const KEY = "sk-seed-test-0123456789";

let server: TestServer | undefined;
let client: RerankClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = server = undefined;
});

/** Serves `body` verbatim (the documented bytes) and returns a client pointed at it. */
async function setup(body: string, options: Omit<RerankClientOptions, "baseURL">, prefix: string) {
  server = await startTestServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(body);
  });
  client = new RerankClient({ apiKey: KEY, ...options, baseURL: `${server.url}${prefix}` });
  return { server, client };
}

const coldDocs = [
  "预防感冒应勤洗手、戴口罩,保持室内通风(来源:协和医院研究)",
  "流感疫苗每年10月接种最佳,可降低70%感染风险(来源:卫健委2024指南)",
  "维生素C对感冒的预防效果存在争议(来源:JAMA医学期刊)",
];

describe("DMXAPI qwen3-reranker-8b (seed 000)", () => {
  it("sends the seed's request and reads its response", async () => {
    // The seed's response names indices 0, 4 and 1: five documents, its texts at 0, 1 and 4.
    const documents = [coldDocs[0]!, coldDocs[1]!, "感冒是一种常见的上呼吸道感染", "今天北京天气晴朗", coldDocs[2]!];
    const { server, client } = await setup(fixture("seed-000-response.json"), { provider: "dmxapi" }, "/v1");
    const response = await client.rerank({ query: "如何预防感冒", documents, topN: 3 });

    const [req] = server.requests;
    expectSeedRequest(req, "/v1/rerank");
    expect(req!.json).toEqual({ model: "qwen3-reranker-8b", query: "如何预防感冒", top_n: 3, documents });

    expect(response).toEqual({
      results: [
        { index: 0, relevanceScore: 0.99853515625 },
        { index: 4, relevanceScore: 0.392333984375 },
        { index: 1, relevanceScore: 0.2069091796875 },
      ],
      model: "qwen3-reranker-8b",
      provider: "dmxapi",
      scoreKind: "probability",
      usage: { requests: 1, totalTokens: 0 },
      requestIds: [],
    });
  });
});

describe("DMXAPI bge-reranker-v2-m3-free (seed 001)", () => {
  it("sends the seed's payload, provider fields included, and reads its response", async () => {
    const { server, client } = await setup(
      fixture("seed-001-response.json"),
      {
        provider: "dmxapi",
        model: "bge-reranker-v2-m3-free",
        extraBody: { return_documents: true, max_chunks_per_doc: 5, overlap_tokens: 20 },
      },
      "/v1",
    );
    const response = await client.rerank({ query: "如何预防感冒", documents: coldDocs, topN: 3, returnDocuments: true });

    // The seed's own example sends the raw key; its sibling page (seed 000) documents Bearer, which we send.
    expectSeedRequest(server.requests[0], "/v1/rerank");
    expect(server.requests[0]!.json).toEqual(JSON.parse(fixture("seed-001-request.json")));
    expect(response.results).toEqual([
      { index: 0, relevanceScore: 0.9700092673301697, document: coldDocs[0] },
      { index: 1, relevanceScore: 0.14572574198246002, document: coldDocs[1] },
      { index: 2, relevanceScore: 0.02796747349202633, document: coldDocs[2] },
    ]);
    expect(response.model).toBe("bge-reranker-v2-m3-free");
  });
});

describe("qwen3-rerank with instruct (seed 002)", () => {
  const request = JSON.parse(fixture("seed-002-request.json")) as {
    model: string;
    documents: string[];
    query: string;
    top_n: number;
    instruct: string;
  };

  it("DMXAPI sends the seed's example body exactly, instruct included", async () => {
    const { server, client } = await setup(fixture("seed-002-response.json"), { provider: "dmxapi", model: "qwen3-rerank" }, "/v1");
    const response = await client.rerank({
      query: request.query,
      documents: request.documents,
      topN: request.top_n,
      instruct: request.instruct,
    });

    expectSeedRequest(server.requests[0], "/v1/rerank");
    expect(server.requests[0]!.json).toEqual(request);
    expect(response.results).toEqual([
      { index: 0, relevanceScore: 0.915543128021105 },
      { index: 2, relevanceScore: 0.7576691095659295 },
    ]);
    expect(response.usage).toEqual({ requests: 1, totalTokens: 107 });
  });

  it("SiliconFlow names the same instruction `instruction`", async () => {
    const { server, client } = await setup(
      fixture("seed-002-response.json"),
      { provider: "siliconflow", model: "Qwen/Qwen3-Reranker-8B" },
      "/v1",
    );
    await client.rerank({ query: request.query, documents: request.documents, topN: 2, instruct: request.instruct });
    expectSeedRequest(server.requests[0], "/v1/rerank");
    const { instruct, ...rest } = request;
    expect(server.requests[0]!.json).toEqual({ ...rest, model: "Qwen/Qwen3-Reranker-8B", instruction: instruct });
  });
});

describe("DashScope qwen3-rerank (seed 003)", () => {
  const documents = JSON.parse(fixture("seed-002-request.json")).documents as string[];
  const query = "什么是文本排序模型";
  const instruct = "Retrieve semantically similar text.";
  const expected = {
    results: [
      { index: 0, relevanceScore: 0.9334521894 },
      { index: 2, relevanceScore: 0.3524141058735059 },
    ],
    model: "qwen3-rerank",
    scoreKind: "probability",
    // 79 reported tokens at the published 0.5 CNY per million (pricing.ts).
    usage: { requests: 1, totalTokens: 79, cost: { amount: 0.0000395, currency: "CNY" } },
    requestIds: ["8a7e5d0c-2f4b-9d6e-a1c3-5b8f0e7d2c41"],
  };

  it("native: input/parameters body at the text-rerank path; output.results and request_id read", async () => {
    const { server, client } = await setup(fixture("seed-003-response.json"), { provider: "dashscope" }, "/api/v1");
    const response = await client.rerank({ query, documents, topN: 2, instruct });
    expectSeedRequest(server.requests[0], "/api/v1/services/rerank/text-rerank/text-rerank");
    expect(server.requests[0]!.json).toEqual({
      model: "qwen3-rerank",
      input: { query, documents },
      parameters: { top_n: 2, instruct },
    });
    expect(response).toEqual({ ...expected, provider: "dashscope" });
  });

  it("compatible: the seed's flat body at /reranks, read from the same envelope", async () => {
    const { server, client } = await setup(fixture("seed-003-response.json"), { provider: "dashscope-compatible" }, "/compatible-api/v1");
    const response = await client.rerank({ query, documents, topN: 2, instruct });
    expectSeedRequest(server.requests[0], "/compatible-api/v1/reranks");
    expect(server.requests[0]!.json).toEqual({ model: "qwen3-rerank", query, documents, top_n: 2, instruct });
    expect(response).toEqual({ ...expected, provider: "dashscope-compatible" });
  });

  it("compatible also reads a flat results envelope", async () => {
    const flat = JSON.stringify({
      results: [
        { index: 1, relevance_score: 0.5 },
        { index: 0, relevance_score: 0.25 },
      ],
      usage: { total_tokens: 9 },
    });
    const { client } = await setup(flat, { provider: "dashscope-compatible" }, "/compatible-api/v1");
    const response = await client.rerank({ query: "q", documents: ["a", "b"] });
    expect(response.results).toEqual([
      { index: 1, relevanceScore: 0.5 },
      { index: 0, relevanceScore: 0.25 },
    ]);
  });

  it("native without topN or instruct sends no parameters object", async () => {
    const { server, client } = await setup(fixture("seed-003-response.json"), { provider: "dashscope" }, "/api/v1");
    await client.rerank({ query, documents: documents.slice(0, 3), topN: 2 }).catch(() => undefined);
    await client.rerank({ query, documents: documents.slice(0, 2) }).catch(() => undefined);
    expect(server.requests[1]!.json).toEqual({ model: "qwen3-rerank", input: { query, documents: documents.slice(0, 2) } });
  });
});
