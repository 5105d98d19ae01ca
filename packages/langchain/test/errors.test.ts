/** onError: passthrough and throw, against @rerankit/server answering HTTP 500 over real HTTP. */
import { ContextualCompressionRetriever } from "@langchain/classic/retrievers/contextual_compression";
import { MemoryVectorStore } from "@langchain/classic/vectorstores/memory";
import { Document } from "@langchain/core/documents";
import { RerankError, RerankInputError, RerankResponseError, RerankServerError } from "@rerankit/core";
import { type RerankServer, startRerankServer } from "@rerankit/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RerankCompressor } from "../src/index.js";
import { corpus, deepFreeze, FailingReranker, HashEmbeddings, RecordingHandler } from "./helpers.js";

let server: RerankServer;
const failing = new FailingReranker();
const compressors: RerankCompressor[] = [];

function compressor(options: Partial<ConstructorParameters<typeof RerankCompressor>[0]> = {}): RerankCompressor {
  const c = new RerankCompressor({ provider: "rerankit", baseURL: `${server.url}/v1`, maxRetries: 0, ...options });
  compressors.push(c);
  return c;
}

beforeAll(async () => {
  server = await startRerankServer({ reranker: failing });
});

afterAll(async () => {
  await Promise.all(compressors.map((c) => c.close()));
  await server?.close();
});

describe("onError: passthrough", () => {
  it("returns copies of the inputs in their original order (topN applied, no score) when the server answers 500", async () => {
    const documents = deepFreeze(corpus());
    const calls = failing.calls;

    const result = await compressor({ onError: "passthrough", topN: 4 }).compressDocuments(documents, "cat");

    expect(failing.calls).toBe(calls + 1);
    expect(result.map((d) => d.id)).toEqual(documents.slice(0, 4).map((d) => d.id));
    result.forEach((doc, i) => {
      expect(doc).not.toBe(documents[i]);
      expect(doc.pageContent).toBe(documents[i]!.pageContent);
      expect(doc.metadata).toEqual(documents[i]!.metadata);
      expect(doc.metadata).not.toHaveProperty("relevanceScore");
    });
  });

  it("reports the RerankServerError to the callbacks inside a retriever, which still returns the documents", async () => {
    const store = await MemoryVectorStore.fromDocuments(corpus(), new HashEmbeddings());
    const expected = await store.asRetriever({ k: 5 }).invoke("reranker");
    const retriever = new ContextualCompressionRetriever({
      baseRetriever: store.asRetriever({ k: 5 }),
      baseCompressor: compressor({ onError: "passthrough" }),
    });
    const handler = new RecordingHandler();

    const docs = await retriever.invoke("reranker", { callbacks: [handler] });

    expect(docs.map((d) => d.id)).toEqual(expected.map((d) => d.id));
    const [run] = handler.rerankRuns();
    expect(run!.error).toBeInstanceOf(RerankServerError);
    expect(run!.error).toMatchObject({ status: 500, provider: "rerankit" });
    expect(run!.outputs).toBeUndefined();
  });

  it("still throws a RerankInputError (a blank document is the caller's bug, not an outage)", async () => {
    const documents = [new Document({ pageContent: "cat" }), new Document({ pageContent: "   " })];
    const calls = failing.calls;
    await expect(compressor({ onError: "passthrough" }).compressDocuments(documents, "cat")).rejects.toMatchObject({
      name: "RerankInputError",
      field: "documents[1]",
    });
    expect(failing.calls).toBe(calls);
  });

  it("still throws when the reranker fails with an error that is not a RerankError", async () => {
    const broken = new RerankCompressor({ reranker: { rerank: () => Promise.reject(new TypeError("bug")) }, onError: "passthrough" });
    await expect(broken.compressDocuments(corpus(), "cat")).rejects.toThrow(TypeError);
  });
});

describe("onError: throw (the default)", () => {
  it("rejects with the RerankServerError and reports it to the callbacks", async () => {
    const handler = new RecordingHandler();
    const error = await compressor()
      .compressDocuments(corpus(), "cat", [handler])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankServerError);
    expect(RerankError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 500, provider: "rerankit", attempts: 1 });
    expect(handler.rerankRuns()[0]!.error).toBe(error);
  });

  it("makes the retriever reject too", async () => {
    const store = await MemoryVectorStore.fromDocuments(corpus(), new HashEmbeddings());
    const retriever = new ContextualCompressionRetriever({ baseRetriever: store.asRetriever({ k: 3 }), baseCompressor: compressor() });
    await expect(retriever.invoke("cat")).rejects.toBeInstanceOf(RerankServerError);
  });

  it("rerank() throws in passthrough mode as well", async () => {
    await expect(compressor({ onError: "passthrough" }).rerank(["a", "b"], "a")).rejects.toBeInstanceOf(RerankServerError);
  });

  it("keeps RerankInputError for bad call arguments", async () => {
    await expect(compressor().rerank(["a"], "a", { topN: 0 })).rejects.toBeInstanceOf(RerankInputError);
  });
});

describe("a custom reranker that breaks the contract", () => {
  // Indices 0 and 0 again: one document would be lost and one duplicated.
  const liar = {
    rerank: async () => ({
      results: [
        { index: 0, relevanceScore: 1 },
        { index: 0, relevanceScore: 0.5 },
      ],
      model: "liar",
      provider: "custom",
      scoreKind: "unknown" as const,
      usage: { requests: 0 },
      requestIds: [],
    }),
  };
  const docs = [new Document({ pageContent: "a", id: "1" }), new Document({ pageContent: "b", id: "2" })];

  it("is refused with a RerankResponseError in throw mode, by compressDocuments and rerank", async () => {
    const c = new RerankCompressor({ reranker: liar });
    await expect(c.compressDocuments(docs, "q")).rejects.toThrow(RerankResponseError);
    await expect(c.rerank(docs, "q")).rejects.toThrow(/out of range or repeated/);
  });

  it("falls back to the input order in passthrough mode", async () => {
    const result = await new RerankCompressor({ reranker: liar, onError: "passthrough" }).compressDocuments(docs, "q");
    expect(result.map((d) => d.id)).toEqual(["1", "2"]);
  });
});

describe("a blank query", () => {
  const docs = [new Document({ pageContent: "a", id: "1" }), new Document({ pageContent: "b", id: "2" })];
  const never = {
    rerank: async (): Promise<never> => {
      throw new Error("must not be called");
    },
  };

  it("is a RerankInputError on `query` in throw mode, never an empty result", async () => {
    await expect(new RerankCompressor({ reranker: never }).compressDocuments(docs, "  ")).rejects.toThrow(
      expect.objectContaining({ name: "RerankInputError", field: "query" }),
    );
  });

  it("keeps every document, in order, in passthrough mode", async () => {
    const result = await new RerankCompressor({ reranker: never, onError: "passthrough" }).compressDocuments(docs, "");
    expect(result.map((d) => d.id)).toEqual(["1", "2"]);
  });
});

describe("asRunnable", () => {
  it("passes the chain's abort signal to the rerank call", async () => {
    let seen: AbortSignal | undefined;
    const spy = {
      rerank: async (request: { signal?: AbortSignal }) => {
        seen = request.signal;
        throw new RerankServerError("down", { provider: "spy", status: 503 });
      },
    };
    const controller = new AbortController();
    const runnable = new RerankCompressor({ reranker: spy as never }).asRunnable();
    await expect(
      runnable.invoke({ query: "q", documents: [new Document({ pageContent: "a" })] }, { signal: controller.signal }),
    ).rejects.toThrow(RerankServerError);
    expect(seen).toBeInstanceOf(AbortSignal);
  });
});
