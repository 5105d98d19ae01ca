import { Document } from "@langchain/core/documents";
import { TextNode } from "@llamaindex/core/schema";
import { RerankCompressor } from "@rerankit/langchain";
import { RerankPostprocessor } from "@rerankit/llamaindex";
import { beforeAll, describe, expect, it } from "vitest";
import { CrossEncoderReranker } from "../src/index.js";
import { expectedCases, sigmoid, TINY } from "./fixtures.js";

const query = "what is the capital of france";
const cases = expectedCases(TINY).filter((c) => c.query === query && c.maxLength === null);
const best = [...cases].sort((a, b) => b.logits[0]! - a.logits[0]!);

describe("CrossEncoderReranker as the reranker of the framework adapters", () => {
  let reranker: CrossEncoderReranker;
  beforeAll(async () => {
    reranker = new CrossEncoderReranker({ model: TINY });
    await reranker.load();
  });

  it("RerankCompressor (LangChain) keeps the top documents in the model's order, with its scores", async () => {
    const documents = cases.map((c, i) => new Document({ pageContent: c.document, metadata: { i } }));
    const out = await new RerankCompressor({ reranker, topN: 2 }).compressDocuments(documents, query);
    expect(out.map((d) => d.pageContent)).toEqual(best.slice(0, 2).map((c) => c.document));
    out.forEach((d, k) => {
      expect(Math.abs((d.metadata.relevanceScore as number) - sigmoid(best[k]!.logits[0]!))).toBeLessThan(1e-4);
    });
  });

  it("RerankPostprocessor (LlamaIndex) keeps the top nodes in the model's order, with its scores", async () => {
    const nodes = cases.map((c) => ({ node: new TextNode({ text: c.document }), score: 0.5 }));
    const out = await new RerankPostprocessor({ reranker, topN: 2 }).postprocessNodes(nodes, query);
    expect(out.map((n) => (n.node as TextNode).text)).toEqual(best.slice(0, 2).map((c) => c.document));
    out.forEach((n, k) => {
      expect(Math.abs(n.score! - sigmoid(best[k]!.logits[0]!))).toBeLessThan(1e-4);
    });
  });
});
