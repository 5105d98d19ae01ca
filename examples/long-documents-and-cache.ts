/**
 * Long documents and a score cache, against the local Rerankit server (BM25) over real HTTP.
 *
 * 1. `longDocuments`: a long "household handbook" whose one passage on the flu vaccine sits deep
 *    inside is split into overlapping windows, scored with the short documents, and ranked by its
 *    best window; `reportWindow` says which window won. The same call without `longDocuments`
 *    sends the handbook whole, for comparison.
 * 2. `cache: memoryScoreCache()`: the same call again is answered from the cache (`usage.cacheHits`),
 *    with no HTTP request.
 *
 *   pnpm tsx --conditions=@rerankit/source examples/long-documents-and-cache.ts
 */
import process from "node:process";
import { pathToFileURL } from "node:url";
import {
  Bm25Reranker,
  memoryScoreCache,
  RerankClient,
  type Reranker,
  type RerankRequest,
  type RerankResponse,
  type RerankUsage,
} from "@rerankit/core";
import { startRerankServer } from "@rerankit/server";
import { passageById, passages, queries } from "./data/corpus.ts";

/** The question, and the passage that answers it (hidden deep inside the handbook). */
export const QUERY = queries.find((q) => q.id === "q03")!.text;
export const NEEDLE = passageById.get("cold-en-03")!.text;
/** Windows of at most 120 estimated tokens, each repeating 12 of the one before. */
export const LONG_DOCUMENTS = { maxTokens: 120, overlapTokens: 12, reportWindow: true } as const;

/** The handbook: every English passage on cooking, finance, astronomy and programming, with the needle three quarters in. */
export function handbook(): string {
  const sections = passages.filter((p) => p.lang === "en" && p.topic !== "health" && p.topic !== "search").map((p) => p.text);
  sections.splice(Math.floor(sections.length * 0.75), 0, NEEDLE);
  return sections.join("\n\n");
}

/** Short documents on the same topic that do not answer the question (near misses). */
export function shortDocuments(): string[] {
  return passages.filter((p) => p.lang === "en" && p.topic === "health" && p.id !== "cold-en-03").map((p) => p.text);
}

/** The server's reranker: BM25, recording every text it is sent (so we can show the winning window). */
class Recording implements Reranker {
  // What the server says in /health and every reply: the model it runs (a client naming it gets
  // cache hits only once /health confirms it) and that BM25's scores depend on the whole list.
  readonly model = "rerankit-bm25";
  readonly listDependent = true;
  readonly seen: string[] = [];
  readonly #inner = new Bm25Reranker();
  rerank(request: RerankRequest): Promise<RerankResponse> {
    this.seen.push(...(request.documents as string[]));
    return this.#inner.rerank(request);
  }
}

export interface LongDocumentsRun {
  documents: string[];
  /** Index of the handbook in `documents`. */
  longIndex: number;
  /** Document indexes best first, with and without `longDocuments`. */
  windowed: number[];
  whole: number[];
  /** The winning window of the handbook: its number, how many there were, and its text as the server saw it. */
  window: { index: number; count: number; text: string };
  /** The two identical calls with the cache. */
  first: { order: number[]; usage: RerankUsage };
  second: { order: number[]; usage: RerankUsage };
}

const snippet = (text: string, n = 70) => {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > n ? `${flat.slice(0, n - 1)}…` : flat;
};

export async function runLongDocumentsAndCache({
  print = console.log,
}: {
  print?: (line: string) => void;
} = {}): Promise<LongDocumentsRun> {
  const backend = new Recording();
  const server = await startRerankServer({ reranker: backend });
  const baseURL = `${server.url}/v1`;
  const long = handbook();
  const shorts = shortDocuments();
  const longIndex = 2;
  const documents = [...shorts.slice(0, longIndex), long, ...shorts.slice(longIndex)];
  const windowedClient = new RerankClient({ provider: "rerankit", baseURL, longDocuments: LONG_DOCUMENTS });
  const wholeClient = new RerankClient({ provider: "rerankit", baseURL });
  // A cache key names the backend: name the model the server runs (its /health says it).
  const cachedClient = new RerankClient({
    provider: "rerankit",
    baseURL,
    model: "rerankit-bm25",
    longDocuments: LONG_DOCUMENTS,
    cache: memoryScoreCache(),
  });
  try {
    print(`Query: ${QUERY}`);
    print(
      `${documents.length} documents: ${shorts.length} short near misses, and at #${longIndex} a handbook of ${long.length} characters`,
    );
    print(`with the answer ${Math.round((100 * long.indexOf(NEEDLE)) / long.length)}% of the way in.`);

    // 1. longDocuments: the handbook is split into windows and scored by its best one.
    backend.seen.length = 0;
    const windowed = await windowedClient.rerank({ query: QUERY, documents });
    const windows = backend.seen.filter((text) => !documents.includes(text));
    const top = windowed.results.find((r) => r.index === longIndex)!;
    const window = { index: top.window!, count: windows.length, text: windows[top.window!]! };
    const whole = await wholeClient.rerank({ query: QUERY, documents });
    const rankOf = (results: { index: number }[]) => results.findIndex((r) => r.index === longIndex) + 1;
    print("");
    print(`With longDocuments ${JSON.stringify(LONG_DOCUMENTS)}:`);
    for (const [rank, r] of windowed.results.entries()) {
      const label = r.index === longIndex ? `handbook, window ${r.window} of ${windows.length}` : snippet(documents[r.index]!, 50);
      print(`  ${rank + 1}. #${r.index} ${r.relevanceScore.toFixed(4)}  ${label}`);
    }
    const at = Math.max(0, window.text.indexOf(NEEDLE.slice(0, 20)));
    print(`  winning window ${window.index}: "…${snippet(window.text.slice(at), 110)}"`);
    print(
      `Without longDocuments the handbook is sent whole and ranks #${rankOf(whole.results)} of ${documents.length} (score ${whole.results.find((r) => r.index === longIndex)!.relevanceScore.toFixed(4)}).`,
    );

    // 2. The score cache: the second identical call is answered from memory.
    const first = await cachedClient.rerank({ query: QUERY, documents });
    const second = await cachedClient.rerank({ query: QUERY, documents });
    print("");
    print("With cache: memoryScoreCache(), the same call twice:");
    print(
      `  first:  ${first.usage.requests} request(s), cacheHits ${first.usage.cacheHits ?? 0}, cacheMisses ${first.usage.cacheMisses ?? 0}`,
    );
    print(
      `  second: ${second.usage.requests} request(s), cacheHits ${second.usage.cacheHits ?? 0}, cacheMisses ${second.usage.cacheMisses ?? 0}`,
    );
    const order = (r: RerankResponse) => r.results.map((x) => x.index);
    print(`  same ranking both times: ${JSON.stringify(order(first)) === JSON.stringify(order(second)) ? "yes" : "no"}`);
    return {
      documents,
      longIndex,
      windowed: order(windowed),
      whole: order(whole),
      window,
      first: { order: order(first), usage: first.usage },
      second: { order: order(second), usage: second.usage },
    };
  } finally {
    await Promise.all([windowedClient.close(), wholeClient.close(), cachedClient.close()]);
    await server.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runLongDocumentsAndCache().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
