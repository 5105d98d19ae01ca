/**
 * `rerankit eval`: the command line over {@link evaluate}. {@link runEvalCommand} takes the argument
 * list and the streams, and resolves the exit code (0 done, 1 failed, 2 usage error), so it is tested
 * in-process and any bin can host it.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { RerankError } from "@rerankit/core";
import { parsePrices, type Price } from "./cost.js";
import { evaluate } from "./evaluate.js";
import { renderHtml } from "./html.js";
import { EvalDataError, formatTrecRun, loadBeir, loadTrecQrels, loadTrecRun, type Collection, type Qrels, type Run } from "./load.js";
import { DEFAULT_METRICS, parseMetrics } from "./metrics.js";
import { progressBar } from "./progress.js";
import { rerankerFromSpec, type NamedReranker } from "./rerankers.js";
import { formatTable } from "./table.js";

/** Where the command reads and writes. */
export interface EvalCommandIo {
  stdout: { write(text: string): unknown };
  /** The progress bar is drawn here only when `isTTY` is true. */
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** API keys are read from here (the preset's variable, then `RERANK_API_KEY`). */
  env: Record<string, string | undefined>;
  /** Stops the run between queries. */
  signal?: AbortSignal;
}

/** The help text of `rerankit eval`. */
export const EVAL_HELP = `Usage: rerankit eval --collection DIR [--split test] [options]
       rerankit eval --run FILE --qrels FILE [options]

Measures ranking quality: a first stage (BM25 over the collection, or your TREC run), each
--rerank system reordering its top --depth, every system scored on the same queries with
trec_eval's metric definitions, and compared with the first stage by a paired two-sided
randomization test (p-value, wins/ties/losses per query).

Inputs:
  --collection DIR       BEIR folder: corpus.jsonl[.gz], queries.jsonl, qrels/<split>.tsv
  --split NAME           qrels split to evaluate                           (default test)
  --run FILE             TREC run (qid Q0 docid rank score tag) as the first stage, instead of BM25
  --qrels FILE           TREC qrels (qid 0 docid rel), instead of the collection's split

First stage (BM25, Lucene's scoring and English analyzer, title + text):
  --k1 X                 term-frequency saturation                         (default 0.9)
  --b X                  length normalisation                              (default 0.4)
  --hits N               BM25 hits kept per query                          (default 1000)

Rerankers:
  --rerank SPEC          repeatable: bm25 (in-process), or provider[:model][@baseURL] with any
                         preset, e.g. cohere:rerank-v3.5, siliconflow, tei@http://127.0.0.1:8080,
                         or logprob:<model>@<baseURL>: an LLM's P("yes") through an OpenAI-compatible
                         server, or listwise:<model>@<baseURL>: RankGPT windows over its chat API
                         (needs @rerankit/llm; key: --api-key or RERANKIT_LLM_API_KEY)
  --depth N              first-stage hits each reranker reorders           (default 100)
  --base-url URL         base URL for presets without one in their SPEC
  --api-key K            API key (default: the preset's environment variable, then RERANK_API_KEY)
  --allow-insecure-http  allow http:// to a non-loopback host
  --timeout-ms N         per-request timeout

Report:
  --metrics LIST         comma-separated      (default ${DEFAULT_METRICS.join(",")})
                         ndcg@K, mrr@K, recall@K, map@K, p@K
  --compare-all          also test every pair of rerankers
  --trials N             randomization test trials                         (default 10000)
  --seed N               randomization test seed                           (default 42)
  --prices FILE          JSON price table: {"provider[:model]": {"perMillionTokens": 0.05,
                         "perSearchUnit": 0.002, "perRequest": 0}} over the built-in one
  --json                 print the report as JSON instead of the table
  --run-out DIR          write each system's TREC run file into DIR
  --html FILE            write a self-contained HTML report with charts
  -h, --help             show this help

Example (BEIR SciFact, Anserini's BM25 settings, then a reranker on its top 100):
  rerankit eval --collection beir-scifact --k1 0.9 --b 0.4 --rerank bm25 --html report.html
`;

class UsageError extends Error {}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got "${value}"`);
  return n;
}

function number(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`${flag} must be a number from ${min} to ${max}, got "${value}"`);
  return n;
}

/** Runs `rerankit eval` with `argv` (the arguments after `eval`); resolves the exit code. */
export async function runEvalCommand(argv: readonly string[], io: EvalCommandIo): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (error) {
    io.stderr.write(`rerankit eval: ${(error as Error).message}\nRun "rerankit eval --help" for the options.\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(EVAL_HELP);
    return 0;
  }
  try {
    return await run(values, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`rerankit eval: ${error.message}\nRun "rerankit eval --help" for the options.\n`);
      return 2;
    }
    const message =
      error instanceof EvalDataError || error instanceof RerankError || error instanceof Error ? error.message : String(error);
    io.stderr.write(`rerankit eval: ${message}\n`);
    return 1;
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: false,
    strict: true,
    options: {
      collection: { type: "string" },
      split: { type: "string" },
      run: { type: "string" },
      qrels: { type: "string" },
      k1: { type: "string" },
      b: { type: "string" },
      hits: { type: "string" },
      rerank: { type: "string", multiple: true },
      depth: { type: "string" },
      "base-url": { type: "string" },
      "api-key": { type: "string" },
      "allow-insecure-http": { type: "boolean" },
      "timeout-ms": { type: "string" },
      metrics: { type: "string" },
      "compare-all": { type: "boolean" },
      trials: { type: "string" },
      seed: { type: "string" },
      prices: { type: "string" },
      json: { type: "boolean" },
      "run-out": { type: "string" },
      html: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

async function run(values: ReturnType<typeof parse>["values"], io: EvalCommandIo): Promise<number> {
  if (!values.collection && !values.run) throw new UsageError("give --collection DIR (a BEIR folder) or --run FILE with --qrels FILE");
  if (!values.collection && !values.qrels) throw new UsageError("--run without --collection needs --qrels FILE");
  if (values.collection === undefined && (values.rerank?.length ?? 0) > 0) {
    throw new UsageError("--rerank needs the document texts: give --collection DIR");
  }
  if (values.run && (values.k1 !== undefined || values.b !== undefined || values.hits !== undefined)) {
    throw new UsageError("--k1, --b and --hits set the BM25 first stage; with --run the first stage is the run file");
  }
  let metrics: ReturnType<typeof parseMetrics>;
  try {
    metrics = parseMetrics(values.metrics ?? [...DEFAULT_METRICS]);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const k1 = number(values.k1, "--k1", 0, 1e6);
  const b = number(values.b, "--b", 0, 1);
  const hits = positiveInt(values.hits, "--hits");
  const depth = positiveInt(values.depth, "--depth");
  const trials = positiveInt(values.trials, "--trials");
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, got "${values.seed}"`);
  const timeoutMs = positiveInt(values["timeout-ms"], "--timeout-ms");

  let rerankers: NamedReranker[];
  try {
    rerankers = (values.rerank ?? []).map((spec) =>
      rerankerFromSpec(spec, {
        env: io.env,
        ...(values["base-url"] !== undefined ? { baseURL: values["base-url"] } : {}),
        ...(values["api-key"] !== undefined ? { apiKey: values["api-key"] } : {}),
        ...(values["allow-insecure-http"] ? { allowInsecureHttp: true } : {}),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      }),
    );
  } catch (error) {
    // An unknown provider is a usage error; a preset refusing its options (say, a missing key) is one too.
    throw new UsageError((error as Error).message);
  }

  let prices: Record<string, Price> | undefined;
  if (values.prices !== undefined) {
    let raw: string;
    try {
      raw = await readFile(values.prices, "utf8");
    } catch {
      throw new EvalDataError("cannot read the price table", values.prices);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new EvalDataError("expected a JSON object of provider → price, got invalid JSON", values.prices);
    }
    prices = parsePrices(parsed, values.prices);
  }

  // Inputs.
  let collection: Collection | undefined;
  let qrels: Qrels | undefined;
  if (values.qrels !== undefined) qrels = await loadTrecQrels(values.qrels);
  if (values.collection !== undefined) {
    collection = await loadBeir(values.collection, {
      split: values.split ?? "test",
      corpus: !values.run || (values.rerank?.length ?? 0) > 0,
      ...(qrels && values.qrels ? { qrels: { qrels, source: values.qrels } } : {}),
    });
    qrels = collection.qrels;
  }
  if (!qrels || qrels.size === 0) throw new EvalDataError("no judgments", values.qrels ?? "qrels");
  let firstStage: Run | undefined;
  if (values.run !== undefined) {
    firstStage = await loadTrecRun(values.run);
    if (firstStage.size === 0) throw new EvalDataError("the run has no lines", values.run);
    const known = new Set(qrels.keys());
    for (const q of collection?.allQueries ?? []) known.add(q.id);
    for (const qid of firstStage.keys()) {
      if (!known.has(qid)) throw new EvalDataError(`query "${qid}" is in neither the qrels nor the queries`, values.run);
    }
    if (collection && collection.documents.length > 0) {
      const docs = new Set(collection.documents.map((d) => d.id));
      for (const [qid, list] of firstStage) {
        for (const h of list)
          if (!docs.has(h.id)) throw new EvalDataError(`document "${h.id}" (query "${qid}") is not in the corpus`, values.run);
      }
    }
  }
  // The queries: the collection's judged ones, else the qrels' ids (no texts needed: no reranker runs then).
  const queries = collection ? collection.queries : [...qrels.keys()].map((id) => ({ id, text: "" }));

  const bar = progressBar(io.stderr);
  let result: Awaited<ReturnType<typeof evaluate>>;
  try {
    result = await evaluate({
      queries,
      qrels,
      ...(collection ? { documents: collection.documents } : {}),
      ...(firstStage ? { firstStage } : {}),
      ...(values.run ? { firstStageName: "run" } : {}),
      ...(k1 !== undefined ? { k1 } : {}),
      ...(b !== undefined ? { b } : {}),
      ...(hits !== undefined ? { firstStageDepth: hits } : {}),
      ...(depth !== undefined ? { depth } : {}),
      rerankers,
      metrics,
      compareAll: values["compare-all"] ?? false,
      significance: { ...(trials !== undefined ? { trials } : {}), ...(seed !== undefined ? { seed } : {}) },
      ...(prices ? { prices } : {}),
      onProgress: bar.onProgress,
      ...(io.signal ? { signal: io.signal } : {}),
    });
  } finally {
    bar.stop();
  }
  const { report, runs } = result;

  if (values["run-out"] !== undefined) {
    await mkdir(values["run-out"], { recursive: true });
    for (const [name, systemRun] of runs) {
      const file = join(values["run-out"], `${name.replace(/[^A-Za-z0-9._-]+/g, "_")}.run`);
      await writeFile(file, formatTrecRun(systemRun, name));
    }
  }
  if (values.html !== undefined) await writeFile(values.html, renderHtml(report));
  io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatTable(report));
  return 0;
}
