/**
 * BM25 over a whole corpus, side by side: Rerankit's `Bm25Index` against `minisearch` and
 * `wink-bm25-text-search`, the JavaScript libraries users would otherwise pick, on BEIR SciFact
 * (5,183 abstracts, title + text; the 300 test queries, top 1,000 each), in one process (one core),
 * in interleaved rounds. Reports index build time, query time and throughput, and each engine's
 * nDCG@10 and R@100 computed with @rerankit/eval's trec_eval metrics.
 *
 * Every engine gets the same terms (Rerankit's Lucene-like English analyzer as its tokenizer), the
 * same k1 = 0.9 and b = 0.4 (Anserini's BEIR settings): differences in quality come from scoring,
 * not from text processing. minisearch keeps its BM25+ `d` default (0.5); wink keeps its defaults
 * otherwise.
 *
 * Standalone: `pnpm --filter @rerankit/tests run bench:bm25-index [--quick] [--no-write]` writes
 * the table into docs/BENCHMARKS.md between its own markers. `pnpm bench` also runs it (scenario
 * `bm25index`). The data is read from ../shared/data/beir-scifact beside the repository.
 */
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Bm25Index, englishAnalyzer } from "@rerankit/core";
import { type EvalDocument, type EvalQuery, loadBeir, parseMetrics, type Qrels, scoreRankings } from "@rerankit/eval";
import MiniSearch from "minisearch";
import winkBm25 from "wink-bm25-text-search";
import { median } from "./stats.js";
import { writeBenchmarksSection } from "./benchmarks-md.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
export const SCIFACT = join(root, "..", "shared", "data", "beir-scifact");
const TOP_K = 1000;
const K1 = 0.9;
const B = 0.4;

interface Engine {
  name: string;
  build(docs: readonly EvalDocument[]): void;
  /** Top TOP_K ids, best first. */
  search(query: string): string[];
}

const joined = (d: EvalDocument) => (d.title ? `${d.title} ${d.text}` : d.text);

function rerankit(): Engine {
  let index: Bm25Index;
  return {
    name: "Rerankit Bm25Index",
    build: (docs) => {
      index = Bm25Index.build(docs, { k1: K1, b: B });
    },
    search: (query) => index.search(query, { topK: TOP_K }).map((h) => h.id),
  };
}

function minisearch(): Engine {
  let index: MiniSearch<{ id: string; body: string }>;
  return {
    name: `minisearch ${version("minisearch")}`,
    build: (docs) => {
      index = new MiniSearch({
        fields: ["body"],
        tokenize: englishAnalyzer,
        processTerm: (term) => term,
        searchOptions: { bm25: { k: K1, b: B, d: 0.5 } },
      });
      index.addAll(docs.map((d) => ({ id: d.id, body: joined(d) })));
    },
    search: (query) =>
      index
        .search(query)
        .slice(0, TOP_K)
        .map((r) => String(r.id)),
  };
}

function wink(): Engine {
  let index: ReturnType<typeof winkBm25>;
  return {
    name: `wink-bm25-text-search ${version("wink-bm25-text-search")}`,
    build: (docs) => {
      index = winkBm25();
      index.defineConfig({ fldWeights: { body: 1 }, bm25Params: { k1: K1, b: B, k: 1 } });
      index.definePrepTasks([englishAnalyzer]);
      for (const d of docs) index.addDoc({ body: joined(d) }, d.id);
      index.consolidate();
    },
    search: (query) => index.search(query, TOP_K).map(([id]) => id),
  };
}

function version(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(here, "..", "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "?";
  }
}

export interface Bm25IndexBenchRow {
  name: string;
  buildMs: number;
  queryMs: number;
  docsPerSecond: number;
  queriesPerSecond: number;
  ndcg10: number;
  recall100: number;
}

export interface Bm25IndexBench {
  rows: Bm25IndexBenchRow[];
  rounds: number;
  documents: number;
  queries: number;
}

/** Runs every engine `rounds` times, rotating their order each round; medians per engine. */
export async function bm25IndexBench(options: { rounds?: number; log?: (line: string) => void } = {}): Promise<Bm25IndexBench> {
  const rounds = options.rounds ?? 5;
  const log = options.log ?? (() => {});
  if (!existsSync(SCIFACT)) throw new Error(`BEIR SciFact not found at ${SCIFACT}`);
  const { documents, queries, qrels } = await loadBeir(SCIFACT, { split: "test" });
  const makers = [rerankit, minisearch, wink];
  const samples = new Map<string, { build: number[]; query: number[]; quality?: { ndcg10: number; recall100: number } }>();
  for (let round = 0; round < rounds; round++) {
    const order = makers.map((_, i) => makers[(i + round) % makers.length]!);
    for (const make of order) {
      const engine = make();
      (globalThis as { gc?: () => void }).gc?.();
      let t = performance.now();
      engine.build(documents);
      const build = performance.now() - t;
      const rankings = new Map<string, string[]>();
      t = performance.now();
      for (const q of queries) rankings.set(q.id, engine.search(q.text));
      const query = performance.now() - t;
      const entry = samples.get(engine.name) ?? { build: [], query: [] };
      entry.build.push(build);
      entry.query.push(query);
      entry.quality ??= quality(rankings, qrels, queries);
      samples.set(engine.name, entry);
      log(`  round ${round + 1}/${rounds} ${engine.name}: build ${build.toFixed(0)} ms, 300 queries ${query.toFixed(0)} ms`);
    }
  }
  const rows = [...samples].map(([name, s]) => {
    const buildMs = median(s.build);
    const queryMs = median(s.query);
    return {
      name,
      buildMs,
      queryMs,
      docsPerSecond: (documents.length / buildMs) * 1000,
      queriesPerSecond: (queries.length / queryMs) * 1000,
      ndcg10: s.quality!.ndcg10,
      recall100: s.quality!.recall100,
    };
  });
  return { rows, rounds, documents: documents.length, queries: queries.length };
}

function quality(rankings: Map<string, string[]>, qrels: Qrels, queries: readonly EvalQuery[]) {
  const scores = scoreRankings(
    rankings,
    qrels,
    parseMetrics("ndcg@10,recall@100"),
    queries.map((q) => q.id),
  );
  return { ndcg10: scores.means["ndcg@10"]!, recall100: scores.means["recall@100"]! };
}

/** The results as a Markdown section. */
export function renderBm25IndexBench(bench: Bm25IndexBench): string {
  const fastestBuild = Math.min(...bench.rows.map((r) => r.buildMs));
  const fastestQuery = Math.min(...bench.rows.map((r) => r.queryMs));
  const out = [
    `### BM25 over a corpus: BEIR SciFact, ${bench.documents.toLocaleString("en")} documents, ${bench.queries} queries, top ${TOP_K.toLocaleString("en")} (k1 ${K1}, b ${B})`,
    "",
    `Medians of ${bench.rounds} interleaved rounds in one process; every engine gets the same terms (Rerankit's English analyzer). Anserini's BM25 flat: nDCG@10 0.6789, R@100 0.9253.`,
    "",
    "| engine | index build | docs/s | 300 queries | queries/s | build vs fastest | queries vs fastest | nDCG@10 | R@100 |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of bench.rows) {
    out.push(
      `| ${r.name} | ${r.buildMs.toFixed(0)} ms | ${r.docsPerSecond.toFixed(0)} | ${r.queryMs.toFixed(0)} ms | ${r.queriesPerSecond.toFixed(0)} | ${(r.buildMs / fastestBuild).toFixed(2)}× | ${(r.queryMs / fastestQuery).toFixed(2)}× | ${r.ndcg10.toFixed(4)} | ${r.recall100.toFixed(4)} |`,
    );
  }
  out.push("");
  return out.join("\n");
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes("--quick");
  const started = new Date();
  const before = loadavg();
  const bench = await bm25IndexBench({ rounds: quick ? 2 : 5, log: (line) => process.stderr.write(`${line}\n`) });
  const section = [
    `_Generated by \`pnpm --filter @rerankit/tests run bench:bm25-index${quick ? " --quick" : ""}\` on ${started.toISOString().replace("T", " ").slice(0, 16)} UTC; ${cpus()[0]?.model ?? "?"}, Node ${process.version}; load average ${before.map((l) => l.toFixed(2)).join(" ")} before, ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} after (shared machine: read the ratios)._`,
    "",
    renderBm25IndexBench(bench),
  ].join("\n");
  process.stdout.write(`${section}\n`);
  if (args.includes("--no-write")) return;
  const file = writeBenchmarksSection("bench:bm25-index", section);
  process.stderr.write(`wrote ${file}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
