/**
 * RerankPostprocessor inside LlamaIndex.TS engines, fully offline: MockLLM, a local hash
 * embedding, and a rerank server on 127.0.0.1 reached over real HTTP.
 */
import diagnostics from "node:diagnostics_channel";
import { MockLLM } from "@llamaindex/core/llms/mock";
import type { NodeWithScore } from "@llamaindex/core/schema";
import { RerankError, RerankServerError } from "@rerankit/core";
import { ContextChatEngine, RetrieverQueryEngine, Settings, VectorStoreIndex } from "llamaindex";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RerankPostprocessor, type RerankedNodeWithScore } from "../src/index.js";
import { CANARY, corpus, FRUITS, HashEmbedding, preferenceReranker } from "./fixtures.js";
import { startFailingServer, startServer, type RunningServer } from "./servers.js";

const QUERY = "Which fruit has the most vitamin C?";
const PREFERRED = ["mango", "banana", "kiwi", "cherry", "apple", "orange"];
const TOP_N = 3;
const ANSWER = "mock answer";

// Every outgoing HTTP request (undici, which fetch and our client use, and node:http) is recorded.
const origins: string[] = [];
const onUndiciRequest = (message: unknown) => origins.push((message as { request: { origin: string } }).request.origin);
const onHttpRequest = (message: unknown) => {
  const { request } = message as { request: { host: string; protocol: string } };
  origins.push(`${request.protocol}//${request.host}`);
};
const fetchCalls: string[] = [];
const realFetch = globalThis.fetch;

const reranker = preferenceReranker(PREFERRED);
let server: RunningServer;
let failing: RunningServer;
let index: VectorStoreIndex;
let retrievalOrder: string[];
/** The node objects the retriever hands out on every query, and their state before any rerank. */
let shared: NodeWithScore["node"][];
let snapshot: Record<string, unknown>[];
let metadataObjects: unknown[];
const postprocessors: RerankPostprocessor[] = [];

function rerank(options: { topN?: number; onError?: "throw" | "passthrough"; url?: string } = {}): RerankPostprocessor {
  const { url = server.url, ...rest } = options;
  const p = new RerankPostprocessor({ provider: "rerankit", baseURL: `${url}/v1`, maxRetries: 0, topN: TOP_N, ...rest });
  postprocessors.push(p);
  return p;
}

const fruitsOf = (nodes: NodeWithScore[] | undefined) => (nodes ?? []).map((n) => n.node.metadata.fruit as string);

beforeAll(async () => {
  diagnostics.subscribe("undici:request:create", onUndiciRequest);
  diagnostics.subscribe("http.client.request.start", onHttpRequest);
  globalThis.fetch = async (input: string | URL | Request) => {
    fetchCalls.push(String(input instanceof Request ? input.url : input));
    throw new Error("network access in an offline test");
  };
  Settings.llm = new MockLLM({ timeBetweenToken: 0, responseMessage: ANSWER });
  Settings.embedModel = new HashEmbedding();
  [server, failing] = await Promise.all([startServer(reranker), startFailingServer()]);
  index = await VectorStoreIndex.fromDocuments(corpus());
  const retrieved = await index.asRetriever({ similarityTopK: FRUITS.length }).retrieve({ query: QUERY });
  retrievalOrder = fruitsOf(retrieved);
  shared = retrieved.map((n) => n.node);
  snapshot = structuredClone(shared.map((n) => n.toMutableJSON()));
  metadataObjects = shared.map((n) => n.metadata);
});

afterAll(async () => {
  await Promise.all(postprocessors.map((p) => p.close()));
  await Promise.all([server?.close(), failing?.close()]);
  globalThis.fetch = realFetch;
  diagnostics.unsubscribe("undici:request:create", onUndiciRequest);
  diagnostics.unsubscribe("http.client.request.start", onHttpRequest);
});

describe("RerankPostprocessor in LlamaIndex.TS engines", () => {
  it("the fixture is meaningful: retrieval finds every document, in an order other than the reranker's", () => {
    expect([...retrievalOrder].sort()).toEqual([...FRUITS]);
    expect(retrievalOrder.slice(0, TOP_N)).not.toEqual(PREFERRED.slice(0, TOP_N));
  });

  it("VectorStoreIndex query engine: sourceNodes in the server's order, topN applied", async () => {
    const engine = index.asQueryEngine({ similarityTopK: FRUITS.length, nodePostprocessors: [rerank()] });
    const response = await engine.query({ query: QUERY });
    expect(fruitsOf(response.sourceNodes)).toEqual(PREFERRED.slice(0, TOP_N));
    expect(response.sourceNodes!.map((n) => n.score)).toEqual([1, 5 / 6, 4 / 6]);
    for (const n of response.sourceNodes as RerankedNodeWithScore[]) expect(n.retrievalScore).toBeTypeOf("number");
    expect(response.message.content).toBe(ANSWER);
    const received = reranker.requests.at(-1)!;
    expect(received.query).toBe(QUERY);
    expect(received.documents).toHaveLength(FRUITS.length);
  });

  it("RetrieverQueryEngine built by hand", async () => {
    const engine = new RetrieverQueryEngine(index.asRetriever({ similarityTopK: FRUITS.length }), undefined, [rerank()]);
    const response = await engine.query({ query: QUERY });
    expect(fruitsOf(response.sourceNodes)).toEqual(PREFERRED.slice(0, TOP_N));
  });

  it("streaming query: every chunk carries the reranked sourceNodes", async () => {
    const engine = index.asQueryEngine({ similarityTopK: FRUITS.length, nodePostprocessors: [rerank()] });
    const stream = await engine.query({ query: QUERY, stream: true });
    let text = "";
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.delta;
      expect(fruitsOf(chunk.sourceNodes)).toEqual(PREFERRED.slice(0, TOP_N));
    }
    expect(chunks).toBeGreaterThan(0);
    expect(text).toBe(ANSWER);
  });

  it("ContextChatEngine (and index.asChatEngine): the chat message is the query, sourceNodes reranked", async () => {
    const message = "Tell me about vitamin C in fruit";
    const byHand = new ContextChatEngine({
      retriever: index.asRetriever({ similarityTopK: FRUITS.length }),
      nodePostprocessors: [rerank()],
    });
    const response = await byHand.chat({ message });
    expect(fruitsOf(response.sourceNodes)).toEqual(PREFERRED.slice(0, TOP_N));
    expect(reranker.requests.at(-1)!.query).toBe(message);

    const fromIndex = index.asChatEngine({ similarityTopK: FRUITS.length, nodePostprocessors: [rerank()] });
    const stream = await fromIndex.chat({ message, stream: true });
    for await (const chunk of stream) expect(fruitsOf(chunk.sourceNodes)).toEqual(PREFERRED.slice(0, TOP_N));
  });

  it("metadata excluded from embedding never reaches the server; included metadata does", async () => {
    const engine = index.asQueryEngine({ similarityTopK: FRUITS.length, nodePostprocessors: [rerank()] });
    const count = reranker.requests.length;
    await engine.query({ query: QUERY });
    const bodies = reranker.requests.slice(count);
    expect(bodies).toHaveLength(1);
    const docs = bodies[0]!.documents as string[];
    for (const fruit of FRUITS) expect(docs.some((d) => d.includes(`title: About ${fruit}`))).toBe(true);
    for (const body of reranker.requests) expect(JSON.stringify(body)).not.toContain(CANARY);
  });

  it("leaves the index's nodes untouched across queries", async () => {
    // Snapshot taken in beforeAll, before any rerank; the tests above ran queries through these nodes too.
    const engine = index.asQueryEngine({ similarityTopK: FRUITS.length, nodePostprocessors: [rerank()] });
    const first = await engine.query({ query: QUERY });
    const second = await engine.query({ query: "bananas and potassium" });
    for (const n of [...first.sourceNodes!, ...second.sourceNodes!]) expect(shared).toContain(n.node);
    expect(shared.map((n) => n.toMutableJSON())).toEqual(snapshot);
    for (const [i, n] of shared.entries()) expect(n.metadata).toBe(metadataObjects[i]);
    // The same node served both queries, each time in its own wrapper with its own score.
    const kiwi1 = first.sourceNodes!.find((n) => n.node.metadata.fruit === "kiwi")!;
    const kiwi2 = second.sourceNodes!.find((n) => n.node.metadata.fruit === "kiwi")!;
    expect(kiwi1.node).toBe(kiwi2.node);
    expect(kiwi1).not.toBe(kiwi2);
  });

  it("passthrough on a failing server (500) keeps the retrieval order, topN applied", async () => {
    const engine = index.asQueryEngine({
      similarityTopK: FRUITS.length,
      nodePostprocessors: [rerank({ url: failing.url, onError: "passthrough" })],
    });
    const response = await engine.query({ query: QUERY });
    expect(fruitsOf(response.sourceNodes)).toEqual(retrievalOrder.slice(0, TOP_N));
    expect(response.message.content).toBe(ANSWER);
  });

  it("throw mode: the query rejects with a RerankError", async () => {
    const engine = index.asQueryEngine({ similarityTopK: FRUITS.length, nodePostprocessors: [rerank({ url: failing.url })] });
    const error = await engine.query({ query: QUERY }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankServerError);
    expect(RerankError.isInstance(error)).toBe(true);
  });

  it("nothing tried to reach the network: only the local servers were called, and fetch never", () => {
    const local = new Set([new URL(server.url).origin, new URL(failing.url).origin]);
    expect(origins.length).toBeGreaterThan(0);
    expect(origins.filter((o) => !local.has(new URL(o).origin))).toEqual([]);
    expect(fetchCalls).toEqual([]);
  });
});
