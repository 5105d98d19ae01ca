/**
 * `rerankit eval`: the command line over {@link evaluate}. {@link runEvalCommand} takes the argument
 * list and the streams, and resolves the exit code (0 done, 1 failed, 2 usage error), so it is tested
 * in-process and any bin can host it.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { Bm25Index, RerankInputError } from "@rerankit/core";
import { CALIBRATION_FLAGS, CALIBRATION_HELP, prepareCalibration, runCalibration } from "./calibration/cli.js";
import { formatCalibrationTable } from "./calibration/table.js";
import { runFileNames } from "./file-names.js";
import { parsePrices, type Price } from "./cost.js";
import { type EvaluateOptions, evaluate } from "./evaluate.js";
import { renderHtml } from "./html.js";
import { BEIR_BASE_URL, ensureBeirDataset } from "./datasets.js";
import { EvalDataError, loadBeir, loadTrecQrels, readTrecRun, writeTrecRun, type Collection, type Qrels, type Run } from "./load.js";
import { DEFAULT_METRICS, parseMetrics } from "./metrics.js";
import { downloadBar, progressBar } from "./progress.js";
import { quote, safeText } from "./quote.js";
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
  /**
   * Rewrites a `RerankInputError` from core in the command line's words (`apiKey` → `--api-key`).
   * The `rerankit` bin passes the one `rank` uses. @default the error unchanged
   */
  cliError?: (error: RerankInputError) => Error;
}

/** The help text of `rerankit eval`. */
export const EVAL_HELP = `Usage: rerankit eval --collection DIR [--split test] [options]
       rerankit eval --dataset beir/NAME [--split test] [options]
       rerankit eval --run FILE --qrels FILE [options]

Measures ranking quality: a first stage (BM25 over the collection, or your TREC run), each
--rerank system reordering its top --depth, every system scored on the same queries with
trec_eval's metric definitions, and compared with the first stage by a paired two-sided
randomization test (p-value, wins/ties/losses per query).

Inputs:
  --collection DIR       BEIR folder: corpus.jsonl[.gz], queries.jsonl, qrels/<split>.tsv
  --dataset beir/NAME    a BEIR dataset by name (scifact, nfcorpus, fiqa, arguana, …): downloaded
                         once from ${BEIR_BASE_URL}/NAME.zip
                         into $RERANKIT_DATA_DIR/beir/NAME (default ${"$"}XDG_CACHE_HOME/rerankit or
                         ~/.cache/rerankit), md5-checked, then read offline
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
  --timeout MS           deadline of each rerank call, retries included     (default 60000)
  --timeout-ms MS        the old name of --timeout: now refused with a hint

${CALIBRATION_HELP}
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
  --html FILE            write a self-contained HTML report with charts (after the
                         run files and the table or JSON, so a report failure loses nothing)
  -h, --help             show this help

Example (BEIR SciFact, Anserini's BM25 settings, then a reranker on its top 100):
  rerankit eval --dataset beir/scifact --k1 0.9 --b 0.4 --rerank bm25 --html report.html

SciFact (Wadden et al., 2020, github.com/allenai/scifact) in BEIR's packaging (Thakur et al.,
2021): 5,183 abstracts, 300 test claims. Licence: claims and judgments CC BY 4.0, abstracts
ODC-By 1.0 (first released as CC BY-NC 2.0, as BEIR lists it): attribution required. Each BEIR
dataset keeps its own licence; BEIR does not relicense them.
`;

/** A mistake on the command line (exit 2). */
class UsageError extends Error {
  override readonly name = "UsageError";
}

const SEE = "see rerankit eval --help";

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || !Number.isSafeInteger(n))
    throw new UsageError(`${flag} must be an integer from 1 up, not ${quote(value)}`);
  return n;
}

function number(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`${flag} must be a number from ${min} to ${max}, not ${quote(value)}`);
  return n;
}

/** parseArgs' messages are aimed at programmers: these name the flag and the fix, as `rank`'s do. */
function parseError(error: unknown): UsageError {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const flag = /'(-[^']*)'/.exec(message)?.[1]?.split(", ").at(-1)?.split(" ")[0];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return new UsageError(`unknown flag ${flag ?? message} for eval; ${SEE}`);
  if (message.includes("argument missing")) return new UsageError(`${flag ?? "a flag"} needs a value; ${SEE}`);
  if (message.includes("ambiguous")) {
    return new UsageError(`${flag} needs a value, and the next word starts with "-"; write ${flag}=VALUE for a value that does; ${SEE}`);
  }
  if (message.includes("does not take an argument")) return new UsageError(`${flag ?? "a flag"} takes no value; ${SEE}`);
  return new UsageError(`${message.replace(/\s*\n\s*/g, " ")}; ${SEE}`);
}

/**
 * One line: `ErrorName: message`, control characters escaped (messages quote input). A plain
 * `Error` that wraps another (a reranker failing on a query) is named by its cause, as `rank`
 * names a `RerankConnectionError`; the message already carries the cause's text.
 */
function errorLine(error: unknown): string {
  if (error instanceof Error) {
    const name = error.name === "Error" && error.cause instanceof Error ? error.cause.name : error.name;
    return `${name}: ${safeText(error.message.replace(/\s*\n\s*/g, " "))}`;
  }
  return `Error: ${safeText(String(error))}`;
}

/** Runs `rerankit eval` with `argv` (the arguments after `eval`); resolves the exit code. */
export async function runEvalCommand(argv: readonly string[], io: EvalCommandIo): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (error) {
    io.stderr.write(`${errorLine(parseError(error))}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(EVAL_HELP);
    return 0;
  }
  try {
    return await run(values, io, argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${errorLine(new UsageError(`${error.message.replace(/\.$/, "")}; ${SEE}`))}\n`);
      return 2;
    }
    io.stderr.write(`${errorLine(error instanceof RerankInputError && io.cliError ? io.cliError(error) : error)}\n`);
    return 1;
  }
}

/** The flags of `rerankit eval`, as `util.parseArgs` takes them (also read by the generated CLI reference). */
export const EVAL_FLAGS = {
  collection: { type: "string" },
  dataset: { type: "string" },
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
  timeout: { type: "string" },
  // Only to say that it is now --timeout.
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
  ...CALIBRATION_FLAGS,
} as const satisfies NonNullable<ParseArgsConfig["options"]>;

function parse(argv: readonly string[]) {
  return parseArgs({ args: [...argv], allowPositionals: false, strict: true, options: EVAL_FLAGS });
}

async function run(values: ReturnType<typeof parse>["values"], io: EvalCommandIo, argv: readonly string[]): Promise<number> {
  if (values["timeout-ms"] !== undefined) throw new UsageError("--timeout-ms is now --timeout (milliseconds), as in rerankit rank");
  if (values.collection !== undefined && values.dataset !== undefined)
    throw new UsageError("give --collection DIR or --dataset beir/NAME, not both");
  const hasCollection = values.collection !== undefined || values.dataset !== undefined;
  if (!hasCollection && !values.run)
    throw new UsageError("give --collection DIR (a BEIR folder), --dataset beir/NAME, or --run FILE with --qrels FILE");
  if (!hasCollection && !values.qrels) throw new UsageError("--run without --collection needs --qrels FILE");
  if (!hasCollection && (values.rerank?.length ?? 0) > 0) {
    throw new UsageError("--rerank needs the document texts: give --collection DIR or --dataset beir/NAME");
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
  if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, not ${quote(values.seed ?? "")}`);
  const timeoutMs = positiveInt(values.timeout, "--timeout");

  const rerankers: NamedReranker[] = [];
  for (const spec of values.rerank ?? []) {
    try {
      rerankers.push(
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
      const cli = error instanceof RerankInputError && io.cliError ? io.cliError(error) : error;
      throw new UsageError(`--rerank ${spec}: ${(cli as Error).message}`);
    }
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
  let collectionDir = values.collection;
  if (values.dataset !== undefined) collectionDir = await fetchDataset(values.dataset, io);
  if (collectionDir !== undefined) {
    collection = await loadBeir(collectionDir, {
      split: values.split ?? "test",
      corpus: !values.run || (values.rerank?.length ?? 0) > 0,
      ...(qrels && values.qrels ? { qrels: { qrels, source: values.qrels } } : {}),
    });
    qrels = collection.qrels;
  }
  if (!qrels || qrels.size === 0) throw new EvalDataError("no judgments", values.qrels ?? "qrels");
  const calibration = await prepareCalibration({ ...values, collection: collectionDir }, { collection, qrels }, (message) => {
    throw new UsageError(message);
  });
  let firstStage: Run | undefined;
  let firstStageName: string | undefined;
  if (values.run !== undefined) {
    const read = await readTrecRun(values.run);
    firstStage = read.run;
    // The system is named by its run tag, as trec_eval and every TREC table name it.
    firstStageName = read.tags.length > 0 ? read.tags.join("+") : "run";
    if (firstStage.size === 0) throw new EvalDataError("the run has no lines", values.run);
    const known = new Set(qrels.keys());
    for (const q of calibration?.fitQrels.keys() ?? []) known.add(q);
    for (const q of collection?.allQueries ?? []) known.add(q.id);
    for (const qid of firstStage.keys()) {
      if (!known.has(qid)) throw new EvalDataError(`query ${quote(qid)} is in neither the qrels nor the queries`, values.run);
    }
    if (collection && collection.documents.length > 0) {
      const docs = new Set(collection.documents.map((d) => d.id));
      for (const [qid, list] of firstStage) {
        for (const h of list)
          if (!docs.has(h.id)) throw new EvalDataError(`document ${quote(h.id)} (query ${quote(qid)}) is not in the corpus`, values.run);
      }
    }
  }
  // The queries: the collection's judged ones, else the qrels' ids (no texts needed: no reranker runs then).
  const queries = collection ? collection.queries : [...qrels.keys()].map((id) => ({ id, text: "" }));

  // Calibration runs a second evaluation over the same corpus: one BM25 index serves both.
  const index =
    calibration && !firstStage && collection && collection.documents.length > 0
      ? Bm25Index.build(collection.documents, { ...(k1 !== undefined ? { k1 } : {}), ...(b !== undefined ? { b } : {}) })
      : undefined;

  const bar = progressBar(io.stderr);
  let result: Awaited<ReturnType<typeof evaluate>>;
  let evalOptions: EvaluateOptions;
  try {
    evalOptions = {
      queries,
      qrels,
      ...(collection ? { documents: collection.documents } : {}),
      ...(firstStage ? { firstStage } : {}),
      ...(firstStageName !== undefined ? { firstStageName } : {}),
      ...(k1 !== undefined ? { k1 } : {}),
      ...(b !== undefined ? { b } : {}),
      ...(index ? { index } : {}),
      ...(hits !== undefined ? { firstStageDepth: hits } : {}),
      ...(depth !== undefined ? { depth } : {}),
      rerankers,
      metrics,
      compareAll: values["compare-all"] ?? false,
      significance: { ...(trials !== undefined ? { trials } : {}), ...(seed !== undefined ? { seed } : {}) },
      ...(prices ? { prices } : {}),
      onProgress: bar.onProgress,
      ...(io.signal ? { signal: io.signal } : {}),
    };
    result = await evaluate(evalOptions);
  } finally {
    bar.stop();
  }
  if (calibration) await runCalibration(calibration, result, evalOptions, io);
  const { report, runs } = result;

  // Results first (run files, then the table or JSON), the report last: a report that fails
  // to render or write loses nothing else.
  if (values["run-out"] !== undefined) {
    await mkdir(values["run-out"], { recursive: true });
    for (const [name, file] of runFileNames([...runs.keys()])) {
      await writeTrecRun(join(values["run-out"], file), runs.get(name)!, name);
    }
  }
  io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatTable(report) + formatCalibrationTable(report));
  if (values.html !== undefined) {
    const html = renderHtml(report, {
      ...(values.dataset !== undefined ? { dataset: values.dataset } : collectionDir !== undefined ? { dataset: collectionDir } : {}),
      ...(collectionDir !== undefined && !values.qrels ? { split: values.split ?? "test" } : {}),
      ...(values.qrels !== undefined ? { qrels: values.qrels } : {}),
      command: ["rerankit", "eval", ...redactArgs(argv)].join(" "),
      created: new Date(),
    });
    await writeFile(values.html, html);
  }
  return 0;
}

/** The command line as typed, with the value of --api-key replaced: the report must never hold a key. */
function redactArgs(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--api-key" && i + 1 < argv.length) {
      out.push(arg, "***");
      i++;
    } else if (arg.startsWith("--api-key=")) out.push("--api-key=***");
    else out.push(/[\s"'$`\\]/.test(arg) ? `'${arg.replace(/'/g, "'\\''")}'` : arg);
  }
  return out;
}

async function fetchDataset(spec: string, io: EvalCommandIo): Promise<string> {
  const bar = downloadBar(io.stderr);
  try {
    return await ensureBeirDataset(spec, {
      env: io.env,
      onDownload: ({ url, folder }) => io.stderr.write(`Downloading ${url} into ${folder} (once; offline after)\n`),
      onProgress: bar.onProgress,
      ...(io.signal ? { signal: io.signal } : {}),
    });
  } finally {
    bar.stop();
  }
}
