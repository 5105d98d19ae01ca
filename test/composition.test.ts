/**
 * Features right together, not only alone: calibration, the LLM rerankers, the score cache, the
 * in-memory rate limiter, long documents, the fetch transport and `rerankit serve`'s served-model
 * check, composed on real servers on 127.0.0.1. Every expected score is computed here from what
 * the servers were asked (the scorer's rule, the profile's points), never copied from a run.
 */
import { Document } from "@langchain/core/documents";
import { MetadataMode, TextNode } from "@llamaindex/core/schema";
import {
  Bm25Reranker,
  type CalibrationProfile,
  calibrated,
  memoryScoreCache,
  RerankBadRequestError,
  RerankClient,
  type RerankClientOptions,
  RerankRateLimitError,
  type Reranker,
  type RerankRequest,
  type RerankResponse,
} from "@rerankit/core";
import { RerankCompressor } from "@rerankit/langchain";
import { RerankPostprocessor } from "@rerankit/llamaindex";
import { ListwiseReranker, LogprobReranker } from "@rerankit/llm";
import { startRerankServer } from "@rerankit/server";
import { afterEach, describe, expect, it } from "vitest";
import { splitWindows } from "../packages/core/src/long-documents/windows.js";
import { documentOf, startChatServer, yesNoReply } from "../packages/llm/test/support/chat-server.js";
import { rankingModel } from "../packages/llm/test/support/mock-model.js";

const closers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  // Clients first, then the servers they talk to.
  for (const c of closers.splice(0).reverse()) await c.close();
});
function keep<T extends { close(): Promise<void> }>(thing: T): T {
  closers.push(thing);
  return thing;
}

/** Occurrences of the word "needle": the pointwise scorer behind `rerankit serve` below. */
const needles = (text: string) => text.split(/\s+/).filter((w) => w === "needle").length;

/** A pointwise reranker that records every document it scored (windows included). */
function needleCounter() {
  const seen: string[][] = [];
  const reranker: Reranker & { model: string; listDependent: boolean } = {
    model: "count-model",
    listDependent: false,
    async rerank(request: RerankRequest): Promise<RerankResponse> {
      const texts = request.documents.map((d) => (typeof d === "string" ? d : d.text));
      seen.push(texts);
      const results = texts.map((t, index) => ({ index, relevanceScore: needles(t) }));
      results.sort((a, b) => b.relevanceScore - a.relevanceScore || a.index - b.index);
      return { results, model: "count-model", provider: "needle", scoreKind: "unknown", usage: { requests: 0 }, requestIds: [] };
    },
  };
  return { reranker, seen };
}

const profile = (provider: string, model: string, points: [number, number][]): CalibrationProfile => ({
  format: "rerankit-calibration/1",
  system: `${provider}_${model}`,
  provider,
  model,
  method: "isotonic",
  points,
  baseRate: 0.3,
  fittedOn: { split: "train", queries: 10, pairs: 100 },
  created: "2026-12-06T05:00:00.000Z",
});

/** Raw needle counts 0 → 0.02, 1 → 0.3, 2 → 0.6, 4 → 0.97, linear between. */
const COUNT_PROFILE = profile("rerankit", "count-model", [
  [0, 0.02],
  [1, 0.3],
  [2, 0.6],
  [4, 0.97],
]);
const countMap = (x: number) => (x <= 1 ? 0.02 + x * 0.28 : x <= 2 ? 0.3 + (x - 1) * 0.3 : 0.6 + ((x - 2) / 2) * 0.37);

// Counts 1, 0, 2 (only in the last window of a long document), 3, 1; calibrated 0.3, 0.02, 0.6, 0.785, 0.3.
const LONG = `${"hay ".repeat(600)}needle needle`;
const COUNT_DOCS = ["needle in a short text", "nothing here", LONG, "needle needle needle", "hay needle"];
const LONG_DOCUMENTS = { maxTokens: 64, overlapTokens: 8, reportWindow: true } as const;
/** The long document's windows (core's own split): the needles are in the last one only. */
const LONG_WINDOWS = splitWindows(LONG, LONG_DOCUMENTS);
const LAST_WINDOW = LONG_WINDOWS.length - 1;

/** `globalThis.fetch`, counting the rerank POSTs it carries (the /health GETs pass too). */
function countingFetch() {
  const urls: string[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    urls.push(String(input instanceof Request ? input.url : input));
    return globalThis.fetch(input, init);
  };
  return { fetch, posts: () => urls.filter((u) => u.endsWith("/rerank")).length, urls };
}

async function countServer() {
  const counter = needleCounter();
  const server = keep(await startRerankServer({ reranker: counter.reranker }));
  return { ...counter, server };
}

describe("a calibrated RerankClient with cache, rate limit, long documents and the fetch transport, against rerankit serve", () => {
  it("equals calibrated(plain client), keeps raw scores, compares minScore to probabilities, cuts topN after the map, and repeats from the cache", async () => {
    const { server, seen } = await countServer();
    const base: RerankClientOptions = {
      provider: "rerankit",
      baseURL: `${server.url}/v1`,
      model: "count-model",
      longDocuments: LONG_DOCUMENTS,
    };
    const plain = calibrated(keep(new RerankClient(base)), COUNT_PROFILE);
    const transport = countingFetch();
    const client = keep(
      new RerankClient({
        ...base,
        calibration: COUNT_PROFILE,
        cache: memoryScoreCache(),
        // One request a minute: the first call's. Every later call must come from the cache or fail.
        rateLimit: { requestsPerMinute: 1 },
        fetch: transport.fetch,
        timeoutMs: 5_000,
      }),
    );
    const query = "find the needle";

    expect(LONG_WINDOWS.map(needles).indexOf(2)).toBe(LAST_WINDOW);
    expect(LONG_WINDOWS.slice(0, -1).every((w) => needles(w) === 0)).toBe(true);
    const expected = await plain.rerank({ query, documents: COUNT_DOCS });
    const expectedCut = await plain.rerank({ query, documents: COUNT_DOCS, minScore: 0.5 });
    const first = await client.rerank({ query, documents: COUNT_DOCS });
    expect(first.results).toEqual(expected.results);
    expect(first.scoreKind).toBe("calibrated");
    // The long document was sent as windows, and only its last window holds the needles.
    expect(seen).toHaveLength(3);
    expect(seen.at(-1)!.length).toBeGreaterThan(COUNT_DOCS.length);
    expect(seen.at(-1)!.every((t) => t.length < LONG.length)).toBe(true);
    expect(transport.posts()).toBe(1);

    // Nothing lost; each score is the profile's map of the raw (window max) count.
    expect(first.results.map((r) => r.index).sort()).toEqual([0, 1, 2, 3, 4]);
    for (const r of first.results) {
      const raw = needles(COUNT_DOCS[r.index]!);
      expect(r.rawScore).toBe(raw);
      expect(r.relevanceScore).toBeCloseTo(countMap(raw), 12);
    }
    expect(first.results.map((r) => r.index)).toEqual([3, 2, 0, 4, 1]);
    // reportWindow: the long document's best window is its last (where the needles are).
    expect(first.results.find((r) => r.index === 2)!.window).toBe(LAST_WINDOW);

    // A repeat: every text from the cache, no rerank POST, the limiter (already spent) not asked.
    const calls = seen.length;
    const again = await client.rerank({ query, documents: COUNT_DOCS });
    expect(again.results).toEqual(first.results);
    expect(again.usage).toMatchObject({ cacheMisses: 0 });
    expect(again.usage.cacheHits).toBeGreaterThan(0);
    expect(seen.length).toBe(calls);
    expect(transport.posts()).toBe(1);
    // The served-model check went through the fetch transport too.
    expect(transport.urls.some((u) => u.endsWith("/health"))).toBe(true);

    // minScore compares probabilities: raw counts 1 pass 0.5, their calibrated 0.3 does not.
    const cut = await client.rerank({ query, documents: COUNT_DOCS, minScore: 0.5 });
    expect(cut.results.map((r) => r.index)).toEqual([3, 2]);
    expect(cut.results).toEqual(expectedCut.results);
    // And the other way: raw 0 is below 0.01, its calibrated 0.02 is not: every document stays.
    const low = await client.rerank({ query, documents: COUNT_DOCS, minScore: 0.01 });
    expect(low.results).toEqual(first.results);

    // topN after the map: the calibrated top 3, the same as the full ranking's first 3.
    const top = await client.rerank({ query, documents: COUNT_DOCS, topN: 3 });
    expect(top.results).toEqual(first.results.slice(0, 3));
    expect(seen.length).toBe(calls);

    // The limiter is in the composition: a text the cache lacks needs a second request this minute.
    await expect(client.rerank({ query, documents: [...COUNT_DOCS, "one more needle"] })).rejects.toMatchObject({
      name: RerankRateLimitError.name,
      code: "LOCAL_RATE_LIMIT",
    });
  });
});

describe("a calibrated RerankClient with a cache against rerankit serve's BM25 (list-dependent)", () => {
  it("serves a repeated list from the cache, never a sub-list's scores from the whole list's, and equals calibrated(plain client)", async () => {
    const server = keep(await startRerankServer());
    const points: [number, number][] = [
      [0, 0.1],
      [5, 0.9],
    ];
    const bm25Profile = profile("rerankit", "rerankit-bm25", points);
    const base: RerankClientOptions = { provider: "rerankit", baseURL: `${server.url}/v1`, model: "rerankit-bm25" };
    const plain = calibrated(keep(new RerankClient(base)), bm25Profile);
    const client = keep(new RerankClient({ ...base, calibration: bm25Profile, cache: memoryScoreCache() }));
    const documents = ["cat on the mat", "a dog", "cat cat cat", "the mat"];
    const query = "cat mat";

    const first = await client.rerank({ query, documents });
    expect(first.results).toEqual((await plain.rerank({ query, documents })).results);
    const again = await client.rerank({ query, documents });
    expect(again.usage).toMatchObject({ requests: 0, cacheHits: 4, cacheMisses: 0 });
    expect(again.results).toEqual(first.results);

    // BM25's IDF is the list's: a sub-list is scored anew, and its scores differ from the whole list's.
    const sub = documents.slice(0, 3);
    const part = await client.rerank({ query, documents: sub });
    expect(part.usage).toMatchObject({ requests: 1, cacheHits: 0 });
    expect(part.results).toEqual((await plain.rerank({ query, documents: sub })).results);
    const rawOf = (r: RerankResponse, i: number) => r.results.find((x) => x.index === i)!.rawScore;
    expect(rawOf(part, 0)).not.toBe(rawOf(first, 0));
  });
});

/** P(yes) from the two logprobs, as the Qwen3-Reranker card computes it. */
const pYes = (ly: number, ln: number) => Math.exp(ly) / (Math.exp(ly) + Math.exp(ln));
/** The judge: sure of "yes" for a text with "needle", sure of "no" otherwise. */
const judge = (text: string) => (needles(text) > 0 ? { yes: -0.2, no: -2 } : { yes: -2.5, no: -0.1 });
const judgeP = (text: string) => {
  const { yes, no } = judge(text);
  return pYes(yes, no);
};

/**
 * The chat server: answers by `judge`. It holds replies until two requests wait here together
 * (then 25 ms more, time for a third to arrive if a client sent more than two at once), or 500 ms
 * for the last lone one, so that `inFlight.max` sees how many requests a client keeps in flight.
 */
async function judgeServer() {
  const inFlight = { now: 0, max: 0 };
  let held: (() => void)[] = [];
  const releaseAll = () => {
    for (const release of held.splice(0)) release();
  };
  const answer = yesNoReply(judge);
  const chat = keep(
    await startChatServer(async (req, res, n) => {
      inFlight.now++;
      inFlight.max = Math.max(inFlight.max, inFlight.now);
      await new Promise<void>((resolve) => {
        held.push(resolve);
        if (held.length === 2) setTimeout(releaseAll, 25);
        setTimeout(() => {
          held = held.filter((r) => r !== resolve);
          resolve();
        }, 500);
      });
      inFlight.now--;
      return answer(req, res, n);
    }),
  );
  return { chat, inFlight };
}

const LLM_DOCS = ["a needle here", "plain grass", LONG, "green fields", "more grass", "a needle again"];

describe("LogprobReranker with cache, rate limit, long documents, concurrency and the fetch transport", () => {
  it("scores each document by its windows' best P(yes), keeps to its concurrency, and repeats from the cache", async () => {
    // How many chat requests the list takes (windows included), from a plain LogprobReranker.
    const probe = await judgeServer();
    const plain = keep(new LogprobReranker({ baseURL: `${probe.chat.url}/v1`, model: "judge-model", longDocuments: LONG_DOCUMENTS }));
    const plainResponse = await plain.rerank({ query: "needle?", documents: LLM_DOCS });
    const needed = probe.chat.requests.length;
    expect(needed).toBeGreaterThan(LLM_DOCS.length);

    const { chat, inFlight } = await judgeServer();
    const transport = countingFetch();
    const reranker = keep(
      new LogprobReranker({
        baseURL: `${chat.url}/v1`,
        model: "judge-model",
        longDocuments: LONG_DOCUMENTS,
        cache: memoryScoreCache(),
        rateLimit: { requestsPerMinute: needed },
        concurrency: 2,
        fetch: transport.fetch,
        timeoutMs: 10_000,
      }),
    );
    const first = await reranker.rerank({ query: "needle?", documents: LLM_DOCS });
    expect(chat.requests).toHaveLength(needed);
    expect(transport.urls.filter((u) => u.endsWith("/chat/completions"))).toHaveLength(needed);
    expect(inFlight.max).toBe(2);
    expect(first.results).toEqual(plainResponse.results);

    // Each document's score: the max of P(yes) over the windows the server judged for it.
    const windows = chat.requests.map(documentOf);
    expect(windows.filter((w) => w.length < LONG.length && LONG.includes(w)).length).toBeGreaterThan(1);
    expect(first.results.map((r) => r.index).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    for (const r of first.results) {
      const doc = LLM_DOCS[r.index]!;
      const own = windows.filter((w) => doc.includes(w) && (doc === LONG ? !LLM_DOCS.includes(w) : w === doc));
      expect(own.length).toBeGreaterThan(0);
      expect(r.relevanceScore).toBeCloseTo(Math.max(...own.map(judgeP)), 12);
    }
    // The long document's needles are in its last window only: max, not its first window's score.
    expect(first.results.find((r) => r.index === 2)!.relevanceScore).toBeCloseTo(judgeP("needle"), 12);
    expect(first.results.find((r) => r.index === 2)!.window).toBe(LAST_WINDOW);

    // A repeat comes from the cache: the limiter, spent, is never asked.
    const again = await reranker.rerank({ query: "needle?", documents: LLM_DOCS });
    expect(again.results).toEqual(first.results);
    expect(again.usage).toMatchObject({ requests: 0, cacheMisses: 0 });
    expect(chat.requests).toHaveLength(needed);
    await expect(reranker.rerank({ query: "needle?", documents: ["a new text"] })).rejects.toMatchObject({ code: "LOCAL_RATE_LIMIT" });
  });
});

/** P(yes) 0 → 0.1, 0.5 → 0.2, 1 → 0.7. */
const LLM_PROFILE = profile("logprob/qwen3-reranker", "judge-model", [
  [0, 0.1],
  [0.5, 0.2],
  [1, 0.7],
]);
const llmMap = (p: number) => (p <= 0.5 ? 0.1 + (p / 0.5) * 0.1 : 0.2 + ((p - 0.5) / 0.5) * 0.5);

describe("calibrated(LogprobReranker) behind startRerankServer, reached by a rerankit client with a cache", () => {
  it("serves calibrated scores under the LLM's model name, so the served-model check lets cached scores through", async () => {
    const { chat } = await judgeServer();
    const inner = keep(new LogprobReranker({ baseURL: `${chat.url}/v1`, model: "judge-model" }));
    const server = keep(await startRerankServer({ reranker: calibrated(inner, LLM_PROFILE) }));
    const health = (await (await fetch(`${server.url}/health`)).json()) as { model?: string; listDependent?: boolean };
    expect(health).toMatchObject({ model: "judge-model", listDependent: false });

    const documents = ["a needle here", "plain grass", "a needle again"];
    const client = keep(
      new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1`, model: "judge-model", cache: memoryScoreCache() }),
    );
    const first = await client.rerank({ query: "needle?", documents });
    expect(first.model).toBe("judge-model");
    expect(first.results.map((r) => r.index)).toEqual([0, 2, 1]);
    for (const r of first.results) expect(r.relevanceScore).toBeCloseTo(llmMap(judgeP(documents[r.index]!)), 12);
    expect(chat.requests).toHaveLength(3);

    // The server confirms it runs judge-model (GET /health): the repeat is all cache hits.
    const again = await client.rerank({ query: "needle?", documents });
    expect(again.results).toEqual(first.results);
    expect(again.usage).toMatchObject({ requests: 0, cacheHits: 3, cacheMisses: 0 });
    expect(chat.requests).toHaveLength(3);

    // Another model's name is refused, by the server, not served from any cache.
    const other = keep(
      new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1`, model: "other-model", cache: memoryScoreCache() }),
    );
    await expect(other.rerank({ query: "needle?", documents })).rejects.toBeInstanceOf(RerankBadRequestError);
  });

  it("a calibrated listwise reranker (or BM25) is still served as list-dependent", async () => {
    const model = rankingModel("[2] > [1]");
    const listwise = new ListwiseReranker({ model });
    const server = keep(await startRerankServer({ reranker: calibrated(listwise, LLM_PROFILE) }));
    const health = (await (await fetch(`${server.url}/health`)).json()) as { listDependent?: boolean };
    expect(health.listDependent).toBe(true);
    // BM25 too: its IDF is the list's.
    const bm25 = keep(await startRerankServer({ reranker: calibrated(new Bm25Reranker(), COUNT_PROFILE) }));
    const bm25Health = (await (await fetch(`${bm25.url}/health`)).json()) as { listDependent?: boolean };
    expect(bm25Health.listDependent).toBe(true);
  });
});

describe("the framework adapters over a calibrated client", () => {
  async function calibratedClient(baseURL: string) {
    return keep(new RerankClient({ provider: "rerankit", baseURL, model: "count-model", calibration: COUNT_PROFILE, maxRetries: 0 }));
  }
  // Calibrated ≥ 0.5: documents 3 (0.785) and 2 (0.6); raw counts would let 0 and 4 through too.
  const SHORT_DOCS = COUNT_DOCS.map((d) => (d === LONG ? "needle needle hay" : d));

  it("LangChain RerankCompressor: minScore compares probabilities; passthrough returns every input on failure", async () => {
    const { server } = await countServer();
    const compressor = new RerankCompressor({ reranker: await calibratedClient(`${server.url}/v1`), minScore: 0.5 });
    const docs = SHORT_DOCS.map((pageContent, i) => new Document({ pageContent, metadata: { i } }));
    const out = await compressor.compressDocuments(docs, "find the needle");
    expect(out.map((d) => d.metadata.i)).toEqual([3, 2]);
    expect(out[0]!.metadata.relevanceScore).toBeCloseTo(countMap(3), 12);
    expect(out[1]!.metadata.relevanceScore).toBeCloseTo(countMap(2), 12);

    const gone = await startRerankServer();
    await gone.close();
    const failing = new RerankCompressor({ reranker: await calibratedClient(`${gone.url}/v1`), minScore: 0.5, onError: "passthrough" });
    const kept = await failing.compressDocuments(docs, "find the needle");
    expect(kept.map((d) => d.pageContent)).toEqual(SHORT_DOCS);
  });

  it("LlamaIndex RerankPostprocessor: minScore compares probabilities; passthrough returns every input on failure", async () => {
    const { server } = await countServer();
    const postprocessor = new RerankPostprocessor({ reranker: await calibratedClient(`${server.url}/v1`), minScore: 0.5 });
    const nodes = SHORT_DOCS.map((text) => ({ node: new TextNode({ text }), score: 0.1 }));
    const out = await postprocessor.postprocessNodes(nodes, "find the needle");
    expect(out.map((n) => n.node.getContent(MetadataMode.NONE))).toEqual([SHORT_DOCS[3], SHORT_DOCS[2]]);
    expect(out.map((n) => n.score)).toEqual([expect.closeTo(countMap(3), 12), expect.closeTo(countMap(2), 12)]);

    const gone = await startRerankServer();
    await gone.close();
    const failing = new RerankPostprocessor({ reranker: await calibratedClient(`${gone.url}/v1`), minScore: 0.5, onError: "passthrough" });
    const kept = await failing.postprocessNodes(nodes, "find the needle");
    expect(kept.map((n) => n.node.getContent(MetadataMode.NONE))).toEqual(SHORT_DOCS);
  });
});
