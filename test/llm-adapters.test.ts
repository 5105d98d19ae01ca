/** @rerankit/llm's rerankers wherever a Reranker goes: LangChain, LlamaIndex, the AI SDK provider and the local rerank server. */
import { Document } from "@langchain/core/documents";
import { MetadataMode, TextNode } from "@llamaindex/core/schema";
import { RerankClient } from "@rerankit/core";
import { createRerankit } from "@rerankit/ai-sdk";
import { RerankCompressor } from "@rerankit/langchain";
import { RerankPostprocessor } from "@rerankit/llamaindex";
import { startRerankServer } from "@rerankit/server";
import { rerank } from "ai";
import { afterEach, describe, expect, it } from "vitest";
import { ListwiseReranker, LogprobReranker } from "@rerankit/llm";
import { startChatServer, yesNoReply } from "../packages/llm/test/support/chat-server.js";
import { rankingModel } from "../packages/llm/test/support/mock-model.js";

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const fruits = ["apples are red", "bananas are yellow", "cherries are tiny"];
async function logprobReranker() {
  // P(yes) grows with the document's length ("bananas are yellow" is the best).
  const chat = await startChatServer(yesNoReply((document) => ({ yes: -20 / document.length, no: -1 })));
  const reranker = new LogprobReranker({ baseURL: `${chat.url}/v1`, model: "judge" });
  servers.push(reranker, chat);
  return { chat, reranker };
}

const bananaFirst = () => rankingModel("[2] > [3] > [1]");

describe("LogprobReranker and ListwiseReranker wherever a Reranker goes", () => {
  it("LangChain RerankCompressor", async () => {
    const { chat, reranker } = await logprobReranker();
    const compressor = new RerankCompressor({ reranker, topN: 2 });
    const out = await compressor.compressDocuments(
      fruits.map((f) => new Document({ pageContent: f })),
      "which fruit is yellow",
    );
    expect(out.map((d) => d.pageContent)).toEqual(["bananas are yellow", "cherries are tiny"]);
    expect(out[0]!.metadata.relevanceScore).toBeGreaterThan(out[1]!.metadata.relevanceScore as number);
    expect(chat.requests).toHaveLength(3);
  });

  it("LlamaIndex RerankPostprocessor", async () => {
    const { reranker } = await logprobReranker();
    const postprocessor = new RerankPostprocessor({ reranker: new ListwiseReranker({ model: bananaFirst() }), topN: 1 });
    const nodes = fruits.map((text) => ({ node: new TextNode({ text }), score: 0.5 }));
    const out = await postprocessor.postprocessNodes(nodes, "which fruit is yellow");
    expect(out.map((n) => n.node.getContent(MetadataMode.NONE))).toEqual(["bananas are yellow"]);
    const pointwise = await new RerankPostprocessor({ reranker }).postprocessNodes(nodes, "which fruit is yellow");
    expect(pointwise.map((n) => n.node.getContent(MetadataMode.NONE))[0]).toBe("bananas are yellow");
  });

  it("the AI SDK provider: rerank() with a LogprobReranker and a ListwiseReranker", async () => {
    const { reranker } = await logprobReranker();
    const pointwise = await rerank({ model: createRerankit({ reranker }).reranking(), query: "yellow", documents: fruits, topN: 1 });
    expect(pointwise.ranking.map((r) => r.originalIndex)).toEqual([1]);
    const listwise = await rerank({
      model: createRerankit({ reranker: new ListwiseReranker({ model: bananaFirst() }) }).reranking(),
      query: "yellow",
      documents: fruits,
    });
    expect(listwise.ranking.map((r) => r.originalIndex)).toEqual([1, 2, 0]);
  });

  it("behind the local rerank server, reached by a RerankClient", async () => {
    const { reranker } = await logprobReranker();
    const server = await startRerankServer({ reranker });
    const client = new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1`, maxRetries: 0 });
    servers.push(client, server);
    const response = await client.rerank({ query: "which fruit is yellow", documents: fruits });
    expect(response.results.map((r) => r.index)).toEqual([1, 2, 0]);
    expect(response.results[0]!.relevanceScore).toBeCloseTo(1 / (1 + Math.exp(-1 + 20 / fruits[1]!.length)), 6);
  });
});
