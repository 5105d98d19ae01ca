/**
 * `pnpm demo`: what a reranker adds. For each query, a cheap first stage (a small local embedding)
 * retrieves candidates; the reranker reorders them. The demo prints both orders side by side for a
 * few queries, then nDCG@5 and MRR before and after reranking over every labelled query.
 *
 * Offline it starts the local Rerankit server on an ephemeral loopback port and calls it over real
 * HTTP through `RerankClient` (provider "rerankit"); the server ranks with BM25 (see
 * `localBackend` below: the one place the local reranker is chosen). One flag switches the local
 * server to a neural cross-encoder: `pnpm demo --model Xenova/ms-marco-MiniLM-L-6-v2` (a Hub id,
 * downloaded once into ~/.cache/rerankit/models (RERANKIT_MODELS_DIR), or a local folder; RERANKIT_MODEL does the
 * same). With RERANKIT_PROVIDER and that provider's key set (e.g. RERANKIT_PROVIDER=siliconflow
 * SILICONFLOW_API_KEY=…), it calls that provider instead.
 */
import process from "node:process";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Bm25Reranker } from "@rerankit/core";
import { passageById, queries, type LabelledQuery } from "./data/corpus.ts";
import { count, score, table, truncate } from "./lib/format.ts";
import { mean, ndcgAtK, reciprocalRank } from "./lib/metrics.ts";
import { openReranker, type Env, type LocalBackend } from "./lib/reranker.ts";
import { PassageIndex } from "./lib/retrieval.ts";

/**
 * The queries shown side by side: two English, two Chinese, where the first stage buries the
 * passages that answer them under near misses. The summary at the end covers every labelled query.
 */
export const DEMO_QUERY_IDS = ["q01", "q02", "q07", "q17"] as const;
/** Candidates per query: the first stage's top 20, as a RAG retriever would hand a reranker. */
export const CANDIDATES = 20;
/** Rows shown per query in the side-by-side table. */
export const SHOWN = 5;
/** The cut-off of nDCG. */
export const NDCG_AT = 5;

/**
 * What the local server ranks with when no hosted provider is asked for: the one place the demo's
 * reranker is chosen. BM25 needs no model and no network (the default); `RERANKIT_MODEL` (set by
 * `--model`) picks a local cross-encoder from `@rerankit/transformers`, as `rerankit serve --model`
 * does. That package is imported only then, so a BM25 run never loads ONNX Runtime.
 */
export async function localBackend(env: Env): Promise<LocalBackend> {
  const model = env.RERANKIT_MODEL?.trim();
  if (model) {
    const { CrossEncoderReranker } = await import("@rerankit/transformers");
    return { reranker: new CrossEncoderReranker({ model }), name: `cross-encoder ${model}` };
  }
  return { reranker: new Bm25Reranker(), name: "BM25" };
}

export interface DemoOptions {
  env?: Env;
  /** Where lines go. @default console.log */
  print?: (line: string) => void;
}

/** One labelled query, ranked by the first stage and by the reranker. */
export interface RankedQuery {
  query: LabelledQuery;
  /** Passage ids in first-stage order (the CANDIDATES nearest by the local embedding). */
  before: string[];
  /** The same passages in the reranker's order. */
  after: string[];
  /** Reranker scores by passage id. */
  scores: Map<string, number>;
}

/** What the demo measured, for callers (and the test) to check. */
export interface DemoResult {
  /** Every labelled query, in corpus order. */
  ranked: RankedQuery[];
  before: { ndcg: number; mrr: number };
  after: { ndcg: number; mrr: number };
  /** The label of the reranker used, e.g. "local Rerankit server (BM25) on 127.0.0.1, over HTTP". */
  label: string;
}

/** Runs the demo; resolves once every connection and server it opened is closed. */
export async function runDemo({ env = process.env, print = console.log }: DemoOptions = {}): Promise<DemoResult> {
  const chosen = await openReranker(env, await localBackend(env));
  try {
    if (chosen.note) print(`note: ${chosen.note}`);
    print(`Reranker: ${chosen.label}`);
    print(
      `First stage: a small local embedding (hashed words, no IDF) retrieves ${CANDIDATES} passages per query; the reranker reorders them.`,
    );
    print(`Top ${SHOWN} of each order shown; ✓ = labelled relevant, "was" = position in the first stage.`);

    const index = new PassageIndex();
    const ranked: RankedQuery[] = [];
    for (const query of queries) {
      const hits = index.search(query.text, CANDIDATES);
      const started = performance.now();
      const response = await chosen.client.rerank({ query: query.text, documents: hits.map((h) => h.passage.text) });
      const ms = performance.now() - started;
      const result: RankedQuery = {
        query,
        before: hits.map((h) => h.passage.id),
        after: response.results.map((r) => hits[r.index]!.passage.id),
        scores: new Map(response.results.map((r) => [hits[r.index]!.passage.id, r.relevanceScore])),
      };
      ranked.push(result);
      if ((DEMO_QUERY_IDS as readonly string[]).includes(query.id)) {
        print("");
        print(`Query (${query.lang}): ${query.text}`);
        print(sideBySide(result));
        print(
          `${response.provider} · ${response.model} · ${response.usage.requests} request(s) · ${ms.toFixed(1)} ms · ` +
            `nDCG@${NDCG_AT} ${ndcg(result.before, query).toFixed(2)} → ${ndcg(result.after, query).toFixed(2)} · ` +
            `MRR ${reciprocalRank(result.before, query.relevant).toFixed(2)} → ${reciprocalRank(result.after, query.relevant).toFixed(2)}`,
        );
      }
    }

    const before = summary(ranked, "before");
    const after = summary(ranked, "after");
    const changes = ranked.map((r) => ndcg(r.after, r.query) - ndcg(r.before, r.query));
    print("");
    print(
      `All ${ranked.length} labelled queries (${ranked.filter((r) => r.query.lang === "zh").length} in Chinese), ${CANDIDATES} candidates each:`,
    );
    print(
      table(
        ["order", `nDCG@${NDCG_AT}`, "MRR"],
        [
          ["first stage (embedding)", before.ndcg.toFixed(3), before.mrr.toFixed(3)],
          [`reranked (${chosen.local ? "local server" : chosen.provider})`, after.ndcg.toFixed(3), after.mrr.toFixed(3)],
        ],
        [1, 2],
      ),
    );
    print(
      `Reranking changed nDCG@${NDCG_AT} by ${signed(after.ndcg - before.ndcg)} and MRR by ${signed(after.mrr - before.mrr)}: ` +
        `better on ${count(changes.filter((c) => c > 1e-9).length, "query", "queries")}, ` +
        `worse on ${changes.filter((c) => c < -1e-9).length}, the same on ${changes.filter((c) => Math.abs(c) <= 1e-9).length}.`,
    );
    return { ranked, before, after, label: chosen.label };
  } finally {
    await chosen.close();
  }
}

function ndcg(ids: readonly string[], query: LabelledQuery): number {
  return ndcgAtK(ids, query.relevant, NDCG_AT);
}

function summary(ranked: readonly RankedQuery[], order: "before" | "after"): { ndcg: number; mrr: number } {
  return {
    ndcg: mean(ranked.map((r) => ndcg(r[order], r.query))),
    mrr: mean(ranked.map((r) => reciprocalRank(r[order], r.query.relevant))),
  };
}

function signed(x: number): string {
  return `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(3)}`;
}

const TEXT_WIDTH = 26;

/** The first stage's top rows beside the reranker's. */
function sideBySide(r: RankedQuery): string {
  const text = (id: string) => truncate(passageById.get(id)?.text ?? "", TEXT_WIDTH);
  const mark = (id: string) => `${r.query.relevant[id] ? "✓ " : "  "}${id}`;
  const rows = Array.from({ length: Math.min(SHOWN, r.before.length) }, (_, i) => {
    const b = r.before[i]!;
    const a = r.after[i]!;
    return [`${i + 1}`, mark(b), text(b), "│", mark(a), `#${r.before.indexOf(a) + 1}`, score(r.scores.get(a)!), text(a)];
  });
  return table(["#", "first stage", "text", "│", "reranked", "was", "score", "text"], rows, [0, 5, 6]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // `pnpm demo --model ID_OR_DIR`: the one flag that swaps BM25 for a local cross-encoder.
  const { values } = parseArgs({ options: { model: { type: "string" } } });
  const env = values.model === undefined ? process.env : { ...process.env, RERANKIT_MODEL: values.model };
  runDemo({ env }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
