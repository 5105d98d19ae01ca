import { MetadataMode, TextNode, type NodeWithScore } from "@llamaindex/core/schema";
import { RerankError, RerankInputError, RerankResponseError, RerankServerError, type Reranker, type RerankResponse } from "@rerankit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RerankPostprocessor, type RerankPostprocessorOptions } from "../src/index.js";
import { CANARY, preferenceReranker } from "./fixtures.js";
import { startFailingServer, startServer, type RunningServer } from "./servers.js";

const reranker = preferenceReranker(["kiwi", "orange", "apple"]);
let server: RunningServer;
let failing: RunningServer & { hits: () => number };
const owned: RerankPostprocessor[] = [];

beforeAll(async () => {
  [server, failing] = await Promise.all([startServer(reranker), startFailingServer()]);
});
afterAll(async () => {
  await Promise.all(owned.map((p) => p.close()));
  await Promise.all([server.close(), failing.close()]);
});

function postprocessor(options: Omit<RerankPostprocessorOptions, "provider" | "baseURL"> = {}, url = server.url): RerankPostprocessor {
  const p = new RerankPostprocessor({ provider: "rerankit", baseURL: `${url}/v1`, ...options });
  owned.push(p);
  return p;
}

/** Retrieval order: apple, banana, kiwi, orange (descending retrieval scores). */
function retrieved(): NodeWithScore[] {
  const make = (fruit: string, score: number) => ({
    node: new TextNode({
      id_: `node-${fruit}`,
      text: `${fruit} facts`,
      metadata: { title: `About ${fruit}`, internal_note: `${CANARY} ${fruit}` },
      excludedEmbedMetadataKeys: ["internal_note"],
    }),
    score,
  });
  return [make("apple", 0.9), make("banana", 0.8), make("kiwi", 0.7), make("orange", 0.6)];
}

/**
 * The same nodes in an order that is not their score order (as a hybrid or MMR retriever gives):
 * a passthrough that re-sorted by score would return banana, orange, kiwi, apple.
 */
function retrievedUnsorted(): NodeWithScore[] {
  const scores: Record<string, number> = { apple: 0.6, banana: 0.9, kiwi: 0.7, orange: 0.8 };
  return retrieved().map((n) => ({ ...n, score: scores[fruitOf(n)] }));
}

const fruitOf = (n: NodeWithScore) => n.node.id_.replace("node-", "");

function lastRequest() {
  return reranker.requests.at(-1)!;
}

describe("RerankPostprocessor.postprocessNodes over HTTP", () => {
  it("returns the server's order as new wrappers, relevance in score, retrieval score kept", async () => {
    const nodes = retrieved();
    const out = await postprocessor().postprocessNodes(nodes, "vitamin C");
    expect(out.map(fruitOf)).toEqual(["kiwi", "orange", "apple", "banana"]);
    expect(out.map((n) => n.score)).toEqual([1, 2 / 3, 1 / 3, 0]);
    expect(out.map((n) => n.retrievalScore)).toEqual([0.7, 0.6, 0.9, 0.8]);
    for (const wrapper of out) {
      const input = nodes.find((n) => n.node === wrapper.node)!;
      expect(wrapper).not.toBe(input); // a new wrapper around the same node
    }
    expect(lastRequest().query).toBe("vitamin C");
  });

  it("keeps the retriever's score through a second reranking", async () => {
    const once = await postprocessor({ topN: 3 }).postprocessNodes(retrieved(), "q");
    const twice = await new RerankPostprocessor({ reranker: preferenceReranker(["apple"]) }).postprocessNodes(once, "q");
    expect(twice.map(fruitOf)).toEqual(["apple", "kiwi", "orange"]);
    expect(twice.map((n) => n.score)).toEqual([1, 0, 0]);
    expect(twice.map((n) => n.retrievalScore)).toEqual([0.9, 0.7, 0.6]);
  });

  it("applies topN and minScore", async () => {
    expect((await postprocessor({ topN: 2 }).postprocessNodes(retrieved(), "q")).map(fruitOf)).toEqual(["kiwi", "orange"]);
    expect((await postprocessor({ minScore: 0.5 }).postprocessNodes(retrieved(), "q")).map(fruitOf)).toEqual(["kiwi", "orange"]);
  });

  it("never mutates the nodes, their metadata, or the input array and wrappers", async () => {
    const nodes = retrieved();
    const before = structuredClone(nodes.map((n) => ({ score: n.score, node: n.node.toMutableJSON() })));
    const metadataObjects = nodes.map((n) => n.node.metadata);
    await postprocessor({ topN: 1 }).postprocessNodes(nodes, "q");
    expect(nodes.map((n) => ({ score: n.score, node: n.node.toMutableJSON() }))).toEqual(before);
    expect(nodes.map((n) => n.node.metadata)).toEqual(metadataObjects.map((m) => structuredClone(m)));
    for (const [i, n] of nodes.entries()) expect(n.node.metadata).toBe(metadataObjects[i]);
  });

  it("sends embed metadata by default and never the keys excluded from embedding", async () => {
    await postprocessor().postprocessNodes(retrieved(), "q");
    const sent = lastRequest().documents as string[];
    expect(sent).toHaveLength(4);
    for (const text of sent) {
      expect(text).toContain("title: About");
      expect(text).not.toContain(CANARY);
    }
  });

  it("sends the text chosen by metadataMode", async () => {
    await postprocessor({ metadataMode: MetadataMode.NONE }).postprocessNodes(retrieved(), "q");
    expect(lastRequest().documents).toEqual(["apple facts", "banana facts", "kiwi facts", "orange facts"]);
  });

  it("forwards instruct", async () => {
    await postprocessor({ instruct: "Find passages about vitamins." }).postprocessNodes(retrieved(), "q");
    expect(lastRequest().instruct).toBe("Find passages about vitamins.");
  });

  it("takes the text of a MessageContent array or a query bundle as the query", async () => {
    const p = postprocessor();
    await p.postprocessNodes(retrieved(), [
      { type: "text", text: "vitamin" },
      { type: "image_url", image_url: { url: "data:image/png;base64,AA==" } },
      { type: "text", text: "C" },
    ]);
    expect(lastRequest().query).toBe("vitamin\n\nC");
    await p.postprocessNodes(retrieved(), { query: "from a bundle" });
    expect(lastRequest().query).toBe("from a bundle");
  });

  it("returns every node that shares a text with another (core sends the text once)", async () => {
    const shared = (id: string, score: number) => ({ node: new TextNode({ id_: id, text: "kiwi facts" }), score });
    const out = await postprocessor({ metadataMode: MetadataMode.NONE }).postprocessNodes(
      [shared("a", 0.5), { node: new TextNode({ id_: "b", text: "plain" }), score: 0.4 }, shared("c", 0.3)],
      "q",
    );
    expect(out.map((n) => n.node.id_)).toEqual(["a", "c", "b"]);
    expect(lastRequest().documents).toEqual(["kiwi facts", "plain"]);
  });

  it("returns [] for no nodes without sending anything", async () => {
    const count = reranker.requests.length;
    expect(await postprocessor().postprocessNodes([], "q")).toEqual([]);
    expect(reranker.requests.length).toBe(count);
  });

  it("reports usage and request ids through onResult", async () => {
    const seen: RerankResponse[] = [];
    await postprocessor({ onResult: (r) => seen.push(r) }).postprocessNodes(retrieved(), "q");
    expect(seen).toHaveLength(1);
    expect(seen[0]!.usage.requests).toBe(1);
    expect(seen[0]!.requestIds).toHaveLength(1);
    expect(seen[0]!.provider).toBe("rerankit");
  });
});

describe("failures", () => {
  const fast = { maxRetries: 1, backoff: { initialDelayMs: 1, maxDelayMs: 1 } };

  it("throw mode (the default) rejects with a RerankError from a failing server", async () => {
    const before = failing.hits();
    const error = await postprocessor(fast, failing.url)
      .postprocessNodes(retrieved(), "q")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankServerError);
    expect(error).toBeInstanceOf(RerankError);
    expect((error as RerankError).status).toBe(500);
    expect(failing.hits() - before).toBe(2); // the first attempt and one retry
  });

  it("passthrough keeps retrieval order, applies topN, and reports the swallowed error", async () => {
    const swallowed: unknown[] = [];
    const nodes = retrieved();
    const out = await postprocessor(
      { ...fast, onError: "passthrough", topN: 3, onPassthrough: (e) => swallowed.push(e) },
      failing.url,
    ).postprocessNodes(nodes, "q");
    expect(out.map(fruitOf)).toEqual(["apple", "banana", "kiwi"]);
    expect(out.map((n) => n.score)).toEqual([0.9, 0.8, 0.7]);
    expect(out.map((n) => n.retrievalScore)).toEqual([0.9, 0.8, 0.7]);
    expect(out[0]).not.toBe(nodes[0]);
    expect(swallowed).toHaveLength(1);
    expect(swallowed[0]).toBeInstanceOf(RerankServerError);
  });

  it.each([
    ["undefined", undefined],
    ["an empty string", "  "],
    ["a MessageContent without text", [{ type: "image_url" as const, image_url: { url: "data:image/png;base64,AA==" } }]],
    ["a query bundle without a query", { query: undefined as unknown as string }],
    ["a query bundle with an empty query", { query: "" }],
  ])("a missing query (%s) is a RerankInputError naming query, and nothing is sent", async (_, query) => {
    const count = reranker.requests.length;
    const error = await postprocessor()
      .postprocessNodes(retrieved(), query)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankInputError);
    expect((error as RerankInputError).field).toBe("query");
    expect(reranker.requests.length).toBe(count);
  });

  it("passthrough keeps the retrieval order even where it is not the score order", async () => {
    const out = await postprocessor({ ...fast, onError: "passthrough", topN: 3, onPassthrough: () => {} }, failing.url).postprocessNodes(
      retrievedUnsorted(),
      "q",
    );
    expect(out.map(fruitOf)).toEqual(["apple", "banana", "kiwi"]);
    expect(out.map((n) => n.score)).toEqual([0.6, 0.9, 0.7]);
  });

  it("a missing query in passthrough mode returns the retrieval order", async () => {
    const swallowed: unknown[] = [];
    const out = await postprocessor({ onError: "passthrough", topN: 2, onPassthrough: (e) => swallowed.push(e) }).postprocessNodes(
      retrievedUnsorted(),
    );
    expect(out.map(fruitOf)).toEqual(["apple", "banana"]);
    expect((swallowed[0] as RerankInputError).field).toBe("query");
  });

  it("passthrough does not hide a bug or the caller's other bad input", async () => {
    const buggy: Reranker = {
      rerank: async () => {
        throw new TypeError("bug in my reranker");
      },
    };
    await expect(new RerankPostprocessor({ reranker: buggy, onError: "passthrough" }).postprocessNodes(retrieved(), "q")).rejects.toThrow(
      TypeError,
    );
    const blank = [{ node: new TextNode({ text: " " }), score: 1 }];
    const error = await postprocessor({ onError: "passthrough", metadataMode: MetadataMode.NONE })
      .postprocessNodes(blank, "q")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankInputError);
    expect((error as RerankInputError).field).toBe("documents[0]");
  });

  it("refuses a custom reranker's result that would invent or repeat a node", async () => {
    const broken = (indices: number[]): Reranker => ({
      rerank: async () => ({
        results: indices.map((index) => ({ index, relevanceScore: 1 })),
        model: "m",
        provider: "custom",
        scoreKind: "unknown",
        usage: { requests: 1 },
        requestIds: [],
      }),
    });
    for (const indices of [[4], [1, 1], [-1], [0.5]]) {
      await expect(new RerankPostprocessor({ reranker: broken(indices) }).postprocessNodes(retrieved(), "q")).rejects.toBeInstanceOf(
        RerankResponseError,
      );
    }
  });
});

describe("options", () => {
  const custom = preferenceReranker([]);
  it.each<[string, RerankPostprocessorOptions]>([
    ["topN", { reranker: custom, topN: 0 }],
    ["topN", { reranker: custom, topN: 1.5 }],
    ["minScore", { reranker: custom, minScore: Number.NaN }],
    ["instruct", { reranker: custom, instruct: "" }],
    ["metadataMode", { reranker: custom, metadataMode: "EVERYTHING" as MetadataMode }],
    ["onError", { reranker: custom, onError: "ignore" as "throw" }],
    ["onResult", { reranker: custom, onResult: "log" as never }],
    ["onPassthrough", { reranker: custom, onPassthrough: 1 as never }],
    ["reranker", { reranker: {} as Reranker }],
    ["provider", { reranker: custom, provider: "cohere" }],
    ["provider", {}],
    ["provider", { provider: "nope" as "cohere" }],
  ])("rejects a bad %s up front", (field, options) => {
    let error: unknown;
    try {
      new RerankPostprocessor(options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RerankInputError);
    expect((error as RerankInputError).field).toBe(field);
  });

  it("close() leaves a reranker it was given open, and closes a client it created", async () => {
    let closed = 0;
    const given = { ...preferenceReranker([]), close: async () => void closed++ };
    await new RerankPostprocessor({ reranker: given }).close();
    expect(closed).toBe(0);
    const own = new RerankPostprocessor({ provider: "rerankit", baseURL: `${server.url}/v1`, maxRetries: 0 });
    await own.postprocessNodes(retrieved(), "q");
    await own.close();
    await expect(own.postprocessNodes(retrieved(), "q")).rejects.toBeInstanceOf(RerankError);
  });
});
