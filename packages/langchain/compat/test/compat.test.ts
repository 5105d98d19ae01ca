/**
 * @rerankit/langchain against the lowest supported @langchain/core (0.3.0) and langchain 0.3.0's own
 * ContextualCompressionRetriever and DocumentCompressorPipeline, over real HTTP to @rerankit/server.
 */
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { Document, type DocumentInterface } from "@langchain/core/documents";
import { BaseDocumentCompressor } from "@langchain/core/retrievers/document_compressors";
import { RunnableLambda, RunnablePassthrough, RunnableSequence } from "@langchain/core/runnables";
import { RerankServerError } from "@rerankit/core";
import { RerankCompressor } from "@rerankit/langchain";
import { type RerankServer, startRerankServer } from "@rerankit/server";
import { ContextualCompressionRetriever } from "langchain/retrievers/contextual_compression";
import { DocumentCompressorPipeline } from "langchain/retrievers/document_compressors";
import { MemoryVectorStore } from "langchain/vectorstores/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  corpus,
  deepFreeze,
  expectedOrder,
  FailingReranker,
  HashEmbeddings,
  OverlapReranker,
  overlapScore,
  RecordingHandler,
  TOKENS_PER_DOCUMENT,
} from "../../test/helpers.js";

const require = createRequire(import.meta.url);

function versionOfCoreSeenFrom(packageJson: string): string {
  const manifest = createRequire(packageJson).resolve("@langchain/core/package.json");
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

let server: RerankServer;
let failingServer: RerankServer;
let store: MemoryVectorStore;
const reranker = new OverlapReranker();
const compressors: RerankCompressor[] = [];

function compressor(options: Partial<ConstructorParameters<typeof RerankCompressor>[0]> = {}, url = server.url): RerankCompressor {
  const c = new RerankCompressor({ provider: "rerankit", baseURL: `${url}/v1`, maxRetries: 0, ...options });
  compressors.push(c);
  return c;
}

beforeAll(async () => {
  server = await startRerankServer({ reranker });
  failingServer = await startRerankServer({ reranker: new FailingReranker() });
  store = await MemoryVectorStore.fromDocuments(corpus() as never, new HashEmbeddings() as never);
});

afterAll(async () => {
  await Promise.all(compressors.map((c) => c.close()));
  await server?.close();
  await failingServer?.close();
});

describe("@langchain/core 0.3.0", () => {
  it("is the copy the adapter extends (while Node alone would hand the adapter's folder 1.x)", () => {
    expect(versionOfCoreSeenFrom(require.resolve("../package.json"))).toBe("0.3.0");
    expect(versionOfCoreSeenFrom(require.resolve("../../package.json"))).toMatch(/^1\./);
    expect(Object.getPrototypeOf(RerankCompressor)).toBe(BaseDocumentCompressor);
  });

  it("ContextualCompressionRetriever (langchain 0.3): server order, ids, metadata, a child run with usage", async () => {
    const query = "reranker passage relevance";
    const candidates = await store.asRetriever({ k: 6 }).invoke(query);
    const retriever = new ContextualCompressionRetriever({
      baseRetriever: store.asRetriever({ k: 6 }),
      baseCompressor: compressor({ topN: 3 }),
    });
    const handler = new RecordingHandler();

    const docs = await retriever.invoke(query, { callbacks: [handler as never] });

    const order = expectedOrder(
      query,
      candidates.map((d) => d.pageContent),
    ).slice(0, 3);
    expect(docs.map((d) => d.id)).toEqual(order.map((i) => candidates[i]!.id));
    const byId = new Map(corpus().map((d) => [d.id, d]));
    for (const doc of docs) {
      expect(doc).toBeInstanceOf(Document);
      expect(doc.metadata).toEqual({ ...byId.get(doc.id)!.metadata, relevanceScore: overlapScore(query, doc.pageContent) });
    }
    const [run] = handler.rerankRuns();
    expect(run!.parentRunId).toBe(handler.retrieverRunIds[0]);
    expect(run!.outputs).toMatchObject({ usage: { requests: 1, totalTokens: 6 * TOKENS_PER_DOCUMENT } });
  });

  it("DocumentCompressorPipeline (langchain 0.3) with scoreKey and minScore, inputs deep-frozen", async () => {
    const documents = deepFreeze(corpus());
    const query = "如何预防感冒";
    const pipeline = new DocumentCompressorPipeline({ transformers: [compressor({ scoreKey: "score", minScore: 0.5 }) as never] });

    const docs = await pipeline.compressDocuments(documents as never, query);

    const expected = expectedOrder(
      query,
      documents.map((d) => d.pageContent),
    ).filter((i) => overlapScore(query, documents[i]!.pageContent) >= 0.5);
    expect(docs.map((d) => d.id)).toEqual(expected.map((i) => documents[i]!.id));
    expect(docs.every((d) => (d.metadata.score as number) >= 0.5 && !("relevanceScore" in d.metadata))).toBe(true);
    expect(reranker.queries.at(-1)).toBe(query);
  });

  it("shows the rerank run in streamEvents", async () => {
    const retriever = new ContextualCompressionRetriever({ baseRetriever: store.asRetriever({ k: 3 }), baseCompressor: compressor() });
    const names: string[] = [];
    for await (const event of retriever.streamEvents("cat", { version: "v2" }))
      if (event.name === "RerankCompressor") names.push(event.event);
    expect(names).toEqual(["on_chain_start", "on_chain_end"]);
  });

  it("passthrough returns the input order when the server answers 500; throw mode rejects with the RerankServerError", async () => {
    const documents = corpus();
    const passthrough = await compressor({ onError: "passthrough", topN: 2 }, failingServer.url).compressDocuments(
      documents as never,
      "cat",
    );
    expect(passthrough.map((d) => d.id)).toEqual(["doc-0", "doc-1"]);
    expect(passthrough[0]!.metadata).not.toHaveProperty("relevanceScore");
    await expect(compressor({}, failingServer.url).compressDocuments(documents as never, "cat")).rejects.toBeInstanceOf(RerankServerError);
  });

  it("asRunnable() works in a 0.3 RunnableSequence", async () => {
    const documents = corpus();
    const chain = RunnableSequence.from([
      {
        query: new RunnablePassthrough<string>(),
        documents: RunnableLambda.from(async (_q: string): Promise<DocumentInterface[]> => documents),
      },
      compressor({ topN: 1 }).asRunnable() as never,
    ]);
    const result = (await chain.invoke("banana potassium")) as DocumentInterface[];
    expect(result.map((d) => d.id)).toEqual([
      documents[
        expectedOrder(
          "banana potassium",
          documents.map((d) => d.pageContent),
        )[0]!
      ]!.id,
    ]);
  });
});

describe("the trace's attempt events on @langchain/core 0.3.0", () => {
  it("a call that retried once shows both attempts and the retry as custom events and outputs", async () => {
    const { createServer } = await import("node:http");
    let n = 0;
    // A real local server: 503 to the first request, then the Cohere form (last document best).
    const flaky = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        n++;
        if (n === 1) {
          res.writeHead(503, { "content-type": "application/json" }).end('{"message":"busy"}');
          return;
        }
        const count = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { documents: string[] }).documents.length;
        const results = Array.from({ length: count }, (_, rank) => ({ index: count - 1 - rank, relevance_score: (count - rank) / count }));
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results }));
      });
    });
    await new Promise<void>((resolve) => flaky.listen(0, "127.0.0.1", resolve));
    const { port } = flaky.address() as { port: number };
    const compressor = new RerankCompressor({
      provider: "rerankit",
      baseURL: `http://127.0.0.1:${port}/v1`,
      maxRetries: 1,
      backoff: { initialDelayMs: 1, maxDelayMs: 1 },
    });
    try {
      const custom: string[] = [];
      const ends: Record<string, unknown>[] = [];
      const docs = ["one", "two", "three"].map((pageContent) => new Document({ pageContent }));
      const out = await compressor.compressDocuments(docs, "q", [
        {
          handleCustomEvent: (name: string, data: { attempt: number; status?: number }) =>
            void custom.push(`${name}:${data.attempt}${data.status ? `:${data.status}` : ""}`),
          handleChainEnd: (o: Record<string, unknown>) => void ends.push(o),
        },
      ]);
      expect(out.map((d) => d.pageContent)).toEqual(["three", "two", "one"]);
      expect(custom).toEqual(["rerank_attempt:1:503", "rerank_retry:1", "rerank_attempt:2:200"]);
      expect(ends).toHaveLength(1);
      expect(ends[0]!.usage).toEqual({ requests: 2 });
      expect(ends[0]!.attempts).toHaveLength(2);
      expect(ends[0]!.retries).toHaveLength(1);
    } finally {
      await compressor.close();
      await new Promise<void>((resolve) => flaky.close(() => resolve()));
    }
  });
});
