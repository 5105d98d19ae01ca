/**
 * RerankCompressor inside LangChain's own retrievers, against @rerankit/server over real HTTP.
 * The server ranks with a deterministic OverlapReranker, so expected orders are computed, not guessed.
 */
import { DocumentCompressorPipeline, BaseDocumentCompressor } from "@langchain/classic/retrievers/document_compressors";
import { ContextualCompressionRetriever } from "@langchain/classic/retrievers/contextual_compression";
import { MemoryVectorStore } from "@langchain/classic/vectorstores/memory";
import type { DocumentInterface } from "@langchain/core/documents";
import { type RerankServer, startRerankServer } from "@rerankit/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RerankCompressor } from "../src/index.js";
import {
  corpus,
  deepFreeze,
  expectedOrder,
  HashEmbeddings,
  OverlapReranker,
  overlapScore,
  RecordingHandler,
  TOKENS_PER_DOCUMENT,
} from "./helpers.js";

let server: RerankServer;
let store: MemoryVectorStore;
const reranker = new OverlapReranker();
const compressors: RerankCompressor[] = [];

function compressor(options: ConstructorParameters<typeof RerankCompressor>[0] = {}): RerankCompressor {
  const c = new RerankCompressor({ provider: "rerankit", baseURL: `${server.url}/v1`, maxRetries: 0, ...options });
  compressors.push(c);
  return c;
}

/** The vector store's candidates for `query`, exactly as the base retriever hands them over. */
async function candidates(query: string, k: number): Promise<DocumentInterface[]> {
  return store.asRetriever({ k }).invoke(query);
}

/** A pipeline stage that deep-freezes what it passes on and keeps it, to check nothing downstream mutates it. */
class FreezeAndKeep extends BaseDocumentCompressor {
  kept: DocumentInterface[] = [];
  async compressDocuments(documents: DocumentInterface[]): Promise<DocumentInterface[]> {
    this.kept = documents.map((doc) => deepFreeze(doc));
    return this.kept;
  }
}

beforeAll(async () => {
  server = await startRerankServer({ reranker });
  store = await MemoryVectorStore.fromDocuments(corpus(), new HashEmbeddings());
});

afterAll(async () => {
  await Promise.all(compressors.map((c) => c.close()));
  await server?.close();
});

describe("RerankCompressor in ContextualCompressionRetriever", () => {
  it("orders the base retriever's documents by the server's scores, with each score in metadata", async () => {
    const query = "reranker passage relevance";
    const expectedDocs = await candidates(query, 6);
    const retriever = new ContextualCompressionRetriever({ baseRetriever: store.asRetriever({ k: 6 }), baseCompressor: compressor() });

    const docs = await retriever.invoke(query);

    const order = expectedOrder(
      query,
      expectedDocs.map((d) => d.pageContent),
    );
    expect(docs.map((d) => d.id)).toEqual(order.map((i) => expectedDocs[i]!.id));
    for (const doc of docs) expect(doc.metadata.relevanceScore).toBe(overlapScore(query, doc.pageContent));
    expect(reranker.queries.at(-1)).toBe(query);
  });

  it("keeps ids, pageContent and every metadata field, and leaves the vector store's documents untouched", async () => {
    const before = structuredClone(store.memoryVectors);
    const query = "cat mat afternoon";
    const retriever = new ContextualCompressionRetriever({
      baseRetriever: store.asRetriever({ k: 7 }),
      baseCompressor: compressor({ topN: 3 }),
    });

    const docs = await retriever.invoke(query);

    expect(docs).toHaveLength(3);
    const byId = new Map(corpus().map((d) => [d.id, d]));
    for (const doc of docs) {
      const original = byId.get(doc.id)!;
      expect(doc.pageContent).toBe(original.pageContent);
      const { relevanceScore, ...rest } = doc.metadata;
      expect(rest).toEqual(original.metadata);
      expect(typeof relevanceScore).toBe("number");
    }
    expect(store.memoryVectors).toEqual(before);
  });

  it("answers a Chinese query: the query reaches the server intact and the Chinese documents rank first", async () => {
    const query = "如何预防感冒";
    const expectedDocs = await candidates(query, 7);
    const retriever = new ContextualCompressionRetriever({
      baseRetriever: store.asRetriever({ k: 7 }),
      baseCompressor: compressor({ topN: 2 }),
    });

    const docs = await retriever.invoke(query);

    expect(reranker.queries.at(-1)).toBe(query);
    const order = expectedOrder(
      query,
      expectedDocs.map((d) => d.pageContent),
    ).slice(0, 2);
    expect(docs.map((d) => d.id)).toEqual(order.map((i) => expectedDocs[i]!.id));
    expect(docs.map((d) => d.id).sort()).toEqual(["doc-2", "doc-5"]);
  });

  it("reports the rerank run to a callback handler as a child of the retriever run, with usage", async () => {
    const query = "cross-encoder reranker";
    const handler = new RecordingHandler();
    const retriever = new ContextualCompressionRetriever({
      baseRetriever: store.asRetriever({ k: 5 }),
      baseCompressor: compressor({ topN: 2 }),
    });

    const docs = await retriever.invoke(query, { callbacks: [handler] });

    const [run] = handler.rerankRuns();
    expect(run).toBeDefined();
    expect(run!.runType).toBeUndefined(); // a plain chain run
    expect(run!.parentRunId).toBe(handler.retrieverRunIds[0]);
    expect(run!.inputs).toMatchObject({ query, documentCount: 5, topN: 2, provider: "rerankit" });
    // The rerankit preset names no model: the server names the one it runs in its reply (outputs).
    expect(run!.inputs).not.toHaveProperty("model");
    expect(run!.outputs).toMatchObject({
      provider: "rerankit",
      model: "overlap-test", // the server's reranker's own name, not one the client made up
      scoreKind: "unknown",
      usage: { requests: 1, totalTokens: 5 * TOKENS_PER_DOCUMENT, searchUnits: 1 },
    });
    expect(run!.outputs!.requestIds as string[]).toHaveLength(1);
    expect(run!.outputs!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(run!.outputs!.documents).toEqual(docs);
    expect(run!.error).toBeUndefined();
  });

  it("shows the rerank step in retriever.streamEvents as on_chain_start / on_chain_end", async () => {
    const query = "cat mat";
    const retriever = new ContextualCompressionRetriever({ baseRetriever: store.asRetriever({ k: 4 }), baseCompressor: compressor() });

    const events: { event: string; name: string; data: Record<string, unknown> }[] = [];
    for await (const event of retriever.streamEvents(query, { version: "v2" })) events.push(event);

    const rerankEvents = events.filter((e) => e.name === "RerankCompressor").map((e) => e.event);
    expect(rerankEvents).toEqual(["on_chain_start", "on_chain_end"]);
    const end = events.find((e) => e.name === "RerankCompressor" && e.event === "on_chain_end")!;
    expect(end.data.output).toMatchObject({ usage: { requests: 1, totalTokens: 4 * TOKENS_PER_DOCUMENT } });
    const retrieverEnd = events.find((e) => e.event === "on_retriever_end" && e.name === "ContextualCompressionRetriever")!;
    expect((retrieverEnd.data.output as DocumentInterface[])[0]!.metadata.relevanceScore).toBe(1);
  });
});

describe("RerankCompressor in DocumentCompressorPipeline", () => {
  it("reranks inside a pipeline, with a custom scoreKey and minScore, never mutating the stage before it", async () => {
    const query = "reranker scores passage";
    const freeze = new FreezeAndKeep();
    const pipeline = new DocumentCompressorPipeline({ transformers: [freeze, compressor({ scoreKey: "rerank_score", minScore: 0.5 })] });
    const retriever = new ContextualCompressionRetriever({ baseRetriever: store.asRetriever({ k: 7 }), baseCompressor: pipeline });

    const docs = await retriever.invoke(query);

    const passed = freeze.kept;
    // The stage before hands over deep-frozen documents: any write to them would have thrown.
    for (const doc of passed) expect(Object.isFrozen(doc) && Object.isFrozen(doc.metadata)).toBe(true);
    const expected = expectedOrder(
      query,
      passed.map((d) => d.pageContent),
    ).filter((i) => overlapScore(query, passed[i]!.pageContent) >= 0.5);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(passed.length);
    expect(docs.map((d) => d.id)).toEqual(expected.map((i) => passed[i]!.id));
    for (const doc of docs) {
      expect(doc.metadata.rerank_score).toBeGreaterThanOrEqual(0.5);
      expect(doc.metadata).not.toHaveProperty("relevanceScore");
    }
    for (const doc of passed) expect(doc.metadata).not.toHaveProperty("rerank_score");
  });
});
