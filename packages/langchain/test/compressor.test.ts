/** RerankCompressor on its own: options, conversion, rerank(), asRunnable(), close(); over real HTTP. */
import { Document, type DocumentInterface } from "@langchain/core/documents";
import { RunnableLambda, RunnablePassthrough, RunnableSequence } from "@langchain/core/runnables";
import { RerankClient, RerankConnectionError, RerankInputError } from "@rerankit/core";
import { type RerankServer, startRerankServer } from "@rerankit/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RerankCompressor } from "../src/index.js";
import { corpus, deepFreeze, expectedOrder, OverlapReranker, overlapScore, RecordingHandler } from "./helpers.js";

let server: RerankServer;
let client: RerankClient;
const reranker = new OverlapReranker();

beforeAll(async () => {
  server = await startRerankServer({ reranker });
  client = new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await client?.close();
  await server?.close();
});

describe("options", () => {
  it.each([
    [{ reranker: new OverlapReranker(), topN: 0 }, "topN"],
    [{ reranker: new OverlapReranker(), topN: 1.5 }, "topN"],
    [{ reranker: new OverlapReranker(), minScore: Number.NaN }, "minScore"],
    [{ reranker: new OverlapReranker(), instruct: "" }, "instruct"],
    [{ reranker: new OverlapReranker(), scoreKey: "" }, "scoreKey"],
    [{ reranker: new OverlapReranker(), onError: "ignore" }, "onError"],
    [{ reranker: {} }, "reranker"],
    [{ reranker: new OverlapReranker(), provider: "cohere" }, "provider"],
    [{ reranker: new OverlapReranker(), baseURL: "http://127.0.0.1:1/v1" }, "baseURL"],
    [{}, "provider"],
    [{ provider: "no-such-provider" }, "provider"],
  ])("rejects %o with a RerankInputError naming %s", (options, field) => {
    const build = () => new RerankCompressor(options as ConstructorParameters<typeof RerankCompressor>[0]);
    expect(build).toThrow(RerankInputError);
    expect(build).toThrow(expect.objectContaining({ field }));
  });

  it("accepts a reranker with a per-call model override and sends that model", async () => {
    const seen: (string | undefined)[] = [];
    const compressor = new RerankCompressor({
      reranker: {
        rerank: (request) => {
          seen.push(request.model);
          return reranker.rerank(request);
        },
      },
      model: "my-model",
    });
    await compressor.compressDocuments([new Document({ pageContent: "a cat" })], "cat");
    expect(seen).toEqual(["my-model"]);
  });
});

describe("compressDocuments", () => {
  it("returns new Documents best first with the score, and leaves deep-frozen inputs as they were", async () => {
    const documents = deepFreeze(corpus());
    const snapshot = structuredClone(documents.map((d) => ({ ...d })));
    const query = "cat on a mat";

    const result = await new RerankCompressor({ reranker: client }).compressDocuments(documents, query);

    const order = expectedOrder(
      query,
      documents.map((d) => d.pageContent),
    );
    expect(result.map((d) => d.id)).toEqual(order.map((i) => documents[i]!.id));
    for (const doc of result) {
      const original = documents.find((d) => d.id === doc.id)!;
      expect(doc).toBeInstanceOf(Document);
      expect(doc).not.toBe(original);
      expect(doc.metadata).not.toBe(original.metadata);
      expect(doc.metadata).toEqual({ ...original.metadata, relevanceScore: overlapScore(query, doc.pageContent) });
    }
    expect(documents.map((d) => ({ ...d }))).toEqual(snapshot);
  });

  it("applies topN and minScore together, and keeps documents without id or metadata working", async () => {
    const documents: DocumentInterface[] = [
      { pageContent: "apple banana cherry", metadata: {} },
      new Document({ pageContent: "apple banana" }),
      new Document({ pageContent: "apple" }),
      new Document({ pageContent: "durian" }),
    ];
    const query = "apple banana cherry";
    const compressor = new RerankCompressor({ reranker: client, topN: 3, minScore: 0.5 });

    const result = await compressor.compressDocuments(documents, query);

    // Scores: 1, 0.x, 0.y, 0 (distinct characters): topN 3 keeps the first three, minScore drops those below 0.5.
    const expected = expectedOrder(
      query,
      documents.map((d) => d.pageContent),
    )
      .slice(0, 3)
      .filter((i) => overlapScore(query, documents[i]!.pageContent) >= 0.5);
    expect(result.map((d) => d.pageContent)).toEqual(expected.map((i) => documents[i]!.pageContent));
    expect(result.every((d) => d.id === undefined)).toBe(true);
  });

  it("returns [] for no documents without a request or a run", async () => {
    const before = reranker.queries.length;
    const handler = new RecordingHandler();
    const result = await new RerankCompressor({ reranker: client }).compressDocuments([], "anything", [handler]);
    expect(result).toEqual([]);
    expect(reranker.queries.length).toBe(before);
    expect(handler.runs.size).toBe(0);
  });

  it("opens a RerankCompressor run on a plain handler array too", async () => {
    const handler = new RecordingHandler();
    await new RerankCompressor({ reranker: client, topN: 1 }).compressDocuments(corpus(), "banana", [handler]);
    const [run] = handler.rerankRuns();
    expect(run!.inputs).toMatchObject({ query: "banana", documentCount: 7, topN: 1 });
    expect(run!.outputs).toMatchObject({ usage: { requests: 1 } });
  });
});

describe("rerank() for CohereRerank users", () => {
  it("ranks Documents, { pageContent } objects and strings, returning { index, relevanceScore } best first", async () => {
    const texts = ["durian", "apple banana", "apple banana cherry"];
    const compressor = new RerankCompressor({ reranker: client });
    const query = "apple banana cherry";
    const expected = expectedOrder(query, texts).map((index) => ({ index, relevanceScore: overlapScore(query, texts[index]!) }));

    expect(await compressor.rerank(texts, query)).toEqual(expected);
    expect(
      await compressor.rerank(
        texts.map((pageContent) => ({ pageContent })),
        query,
      ),
    ).toEqual(expected);
    expect(
      await compressor.rerank(
        texts.map((pageContent) => new Document({ pageContent })),
        query,
        { topN: 1 },
      ),
    ).toEqual(expected.slice(0, 1));
  });
});

describe("LCEL", () => {
  it("asRunnable() reranks { query, documents } inside a RunnableSequence and traces the run under the chain", async () => {
    const compressor = new RerankCompressor({ reranker: client, topN: 2 });
    const documents = corpus();
    const retrieve = RunnableLambda.from(async (_query: string) => documents);
    const chain = RunnableSequence.from([{ query: new RunnablePassthrough<string>(), documents: retrieve }, compressor.asRunnable()]);
    const handler = new RecordingHandler();

    const result = await chain.invoke("如何预防感冒", { callbacks: [handler] });

    const order = expectedOrder(
      "如何预防感冒",
      documents.map((d) => d.pageContent),
    ).slice(0, 2);
    expect(result.map((d) => d.id)).toEqual(order.map((i) => documents[i]!.id));
    const [run] = handler.rerankRuns();
    const parent = handler.runs.get(run!.parentRunId!);
    expect(parent?.runName).toBe("RerankRunnable");
  });
});

describe("close()", () => {
  it("closes the client it built, and leaves a reranker it was given open", async () => {
    const owned = new RerankCompressor({ provider: "rerankit", baseURL: `${server.url}/v1`, maxRetries: 0 });
    await owned.compressDocuments([new Document({ pageContent: "cat" })], "cat");
    await owned.close();
    await expect(owned.compressDocuments([new Document({ pageContent: "cat" })], "cat")).rejects.toBeInstanceOf(RerankConnectionError);

    const shared = new RerankCompressor({ reranker: client });
    await shared.close();
    await expect(shared.compressDocuments([new Document({ pageContent: "cat" })], "cat")).resolves.toHaveLength(1);
  });
});
