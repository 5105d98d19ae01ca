/**
 * The Vercel AI SDK's `rerank()` with Rerankit as its reranking provider (`@rerankit/ai-sdk`):
 * object documents (passages with their ids and topics), a task instruction in
 * `providerOptions.rerankit.instruct`, and the ranking printed best first. Twice: through the
 * local Rerankit server over HTTP (`createRerankit({ provider: "rerankit", baseURL })`; any hosted
 * provider works the same with its preset id), and in process (`createRerankit({ reranker })`).
 *
 *   pnpm tsx --conditions=@rerankit/source examples/ai-sdk-rerank.ts
 */
import process from "node:process";
import { pathToFileURL } from "node:url";
import { createRerankit } from "@rerankit/ai-sdk";
import { Bm25Reranker, type Reranker, type RerankRequest, type RerankResponse } from "@rerankit/core";
import { startRerankServer } from "@rerankit/server";
import { rerank } from "ai";
import { queries } from "./data/corpus.ts";
import { PassageIndex } from "./lib/retrieval.ts";

export const QUERY = queries.find((q) => q.id === "q01")!.text;
export const INSTRUCT = "Given a question about health, retrieve passages that answer it.";
/** How many first-stage candidates are reranked, and how many are kept. */
export const CANDIDATES = 10;
export const TOP_N = 4;

/** A document as an application holds it: the AI SDK accepts objects as well as strings. */
export interface PassageDoc {
  id: string;
  topic: string;
  text: string;
  [key: string]: string;
}

/** The server's reranker: BM25, recording what reached it (to show the instruction got there). */
class Recording implements Reranker {
  readonly seen: RerankRequest[] = [];
  readonly #inner = new Bm25Reranker();
  rerank(request: RerankRequest): Promise<RerankResponse> {
    this.seen.push(request);
    return this.#inner.rerank(request);
  }
}

export interface RankedDoc {
  originalIndex: number;
  id: string;
  score: number;
}

export interface AiSdkRun {
  documents: PassageDoc[];
  /** Through the local server over HTTP. */
  http: RankedDoc[];
  /** In process, `createRerankit({ reranker: new Bm25Reranker() })`. */
  inProcess: RankedDoc[];
  /** The instruction the server received. */
  instructSeen: string | undefined;
  /** `providerMetadata.rerankit` of the HTTP call. */
  metadata: Record<string, unknown> | undefined;
}

export async function runAiSdkRerank({ print = console.log }: { print?: (line: string) => void } = {}): Promise<AiSdkRun> {
  const backend = new Recording();
  const server = await startRerankServer({ reranker: backend });
  // Over HTTP: a RerankClient for the "rerankit" preset (the local server's own API) is built at the first call.
  const overHttp = createRerankit({ provider: "rerankit", baseURL: `${server.url}/v1`, documentText: (d) => String(d.text) });
  // In process: any Rerankit Reranker (BM25 here, or a local cross-encoder from @rerankit/transformers).
  const local = createRerankit({ reranker: new Bm25Reranker(), documentText: (d) => String(d.text) });
  try {
    const documents: PassageDoc[] = new PassageIndex()
      .search(QUERY, CANDIDATES)
      .map(({ passage }) => ({ id: passage.id, topic: passage.topic, text: passage.text }));
    print(`Query: ${QUERY}`);
    print(`${documents.length} first-stage candidates (objects { id, topic, text }); keeping the top ${TOP_N}.`);

    const show = (title: string, ranking: { originalIndex: number; score: number; document: PassageDoc }[]): RankedDoc[] => {
      print("");
      print(title);
      for (const [rank, r] of ranking.entries()) {
        const text = r.document.text.length > 60 ? `${r.document.text.slice(0, 59)}…` : r.document.text;
        print(`  ${rank + 1}. ${r.document.id.padEnd(11)} was #${String(r.originalIndex + 1).padEnd(2)} ${r.score.toFixed(4)}  ${text}`);
      }
      return ranking.map((r) => ({ originalIndex: r.originalIndex, id: r.document.id, score: r.score }));
    };

    const viaHttp = await rerank({
      model: overHttp.reranking(),
      query: QUERY,
      documents,
      topN: TOP_N,
      providerOptions: { rerankit: { instruct: INSTRUCT } },
    });
    const http = show(`rerank() through the local Rerankit server (${server.url}):`, viaHttp.ranking);
    const metadata = viaHttp.providerMetadata?.rerankit as Record<string, unknown> | undefined;
    const instructSeen = backend.seen[0]?.instruct;
    print(`  providerMetadata.rerankit: ${JSON.stringify(metadata)}`);
    print(`  instruct received by the server: ${JSON.stringify(instructSeen)}`);

    const inProc = await rerank({ model: local.reranking(), query: QUERY, documents, topN: TOP_N });
    const inProcess = show("rerank() in process (createRerankit({ reranker: new Bm25Reranker() })):", inProc.ranking);
    const same = JSON.stringify(http.map((r) => r.id)) === JSON.stringify(inProcess.map((r) => r.id));
    print(`  same order as over HTTP: ${same ? "yes" : "no"}`);
    return { documents, http, inProcess, instructSeen, metadata };
  } finally {
    await overHttp.close();
    await server.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runAiSdkRerank().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
