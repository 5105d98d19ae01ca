/**
 * `pnpm demo`: rerank a few corpus passages for English and Chinese queries over real HTTP.
 *
 * Offline it starts the local Rerankit server (BM25) on an ephemeral loopback port and calls it
 * through `RerankClient` (provider "rerankit"). With RERANKIT_PROVIDER and that provider's key set
 * (e.g. RERANKIT_PROVIDER=siliconflow SILICONFLOW_API_KEY=…), it calls that provider instead.
 */
import process from "node:process";
import { pathToFileURL } from "node:url";
import { queries, type LabelledQuery } from "./data/corpus.ts";
import { score, table, truncate } from "./lib/format.ts";
import { openReranker, type Env } from "./lib/reranker.ts";
import { PassageIndex } from "./lib/retrieval.ts";

/** The demo's queries: two English, two Chinese. */
export const DEMO_QUERY_IDS = ["q05", "q02", "q18", "q13"] as const;
/** Candidates per query: the first stage's top 8 (by the small local embedding). */
export const CANDIDATES = 8;
/** Results printed per query. */
export const SHOWN = 5;

export interface DemoOptions {
  env?: Env;
  /** Where lines go. @default console.log */
  print?: (line: string) => void;
}

/** Runs the demo; resolves once every connection and server it opened is closed. */
export async function runDemo({ env = process.env, print = console.log }: DemoOptions = {}): Promise<void> {
  const chosen = await openReranker(env);
  try {
    if (chosen.note) print(`note: ${chosen.note}`);
    print(`Reranker: ${chosen.label}`);
    print(
      `Each query: the ${CANDIDATES} passages a small local embedding finds first, reranked; top ${SHOWN} shown (✓ = labelled relevant).`,
    );
    const index = new PassageIndex();
    for (const id of DEMO_QUERY_IDS) {
      const query = queries.find((q) => q.id === id) as LabelledQuery;
      const hits = index.search(query.text, CANDIDATES);
      const started = performance.now();
      const response = await chosen.client.rerank({ query: query.text, documents: hits.map((h) => h.passage.text), topN: SHOWN });
      const ms = performance.now() - started;
      const rows = response.results.map((r, rank) => {
        const passage = hits[r.index]!.passage;
        return [
          `${rank + 1}`,
          score(r.relevanceScore),
          `#${r.index + 1}`,
          query.relevant[passage.id] ? "✓" : "",
          passage.id,
          truncate(passage.text, 64),
        ];
      });
      print("");
      print(`Query (${query.lang}): ${query.text}`);
      print(table(["rank", "score", "was", "", "passage", "text"], rows, [0, 1, 2]));
      print(`${response.provider} · ${response.model} · ${response.usage.requests} request(s) · ${ms.toFixed(1)} ms`);
    }
  } finally {
    await chosen.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runDemo().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
