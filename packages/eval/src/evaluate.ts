/**
 * The evaluation: a first stage (BM25 over the corpus through `Bm25Index`, or a given TREC run),
 * each reranker reordering its top `depth`, every system scored on the same queries, compared
 * against the first stage with a paired randomization test, with latency, usage and cost.
 * The CLI (`rerankit eval`) is a thin layer over {@link evaluate}.
 */
import { Bm25Index, type Reranker, type RerankUsage } from "@rerankit/core";
import { estimateCost, DEFAULT_PRICES, type Price, type UsageTotals } from "./cost.js";
import { EvalDataError, sortHits, type EvalDocument, type EvalQuery, type Qrels, type Run, type RunHit } from "./load.js";
import { DEFAULT_METRICS, hasRelevant, parseMetrics, scoreRankings, type Metric } from "./metrics.js";
import { quote, safeText } from "./quote.js";
import type { CalibrationReport } from "./calibration/calibrate.js";
import type { NamedReranker } from "./rerankers.js";
import { pairedRandomizationTest, type PairedComparison, type SignificanceOptions } from "./significance.js";

/** Latency of one system per query, in milliseconds. */
export interface LatencySummary {
  p50: number;
  p95: number;
  mean: number;
}

/** One system's results. The shape of each entry of `--json`'s `systems`. */
export interface SystemReport {
  /** `bm25-first-stage` (or `run`) for the first stage; the SPEC for a reranker. */
  name: string;
  /** Whether this is the first stage or a reranker of its top `depth`. */
  role: "first-stage" | "reranker";
  /** A reranker's provider preset (`"bm25"` for the in-process one), when known. */
  provider?: string;
  /** A reranker's model, when known (a preset's default when the SPEC names none). */
  model?: string;
  /** Metric name → mean over the evaluated queries. */
  metrics: Record<string, number>;
  /** Metric name → query id → value. */
  perQuery: Record<string, Record<string, number>>;
  /** Per-query latency (ms) of the system's own step: the BM25 search, or the rerank call. Null for a given run file. */
  latency: LatencySummary | null;
  /** Requests, tokens and search units (when the provider reports them) and the estimated cost in USD (null when unknown). */
  usage: UsageTotals & { cost: number | null };
  /** Against the first stage (absent on the first stage itself): metric name → test result. */
  vsFirstStage?: Record<string, PairedComparison>;
  /** With `--calibrate-split`/`--calibrate-qrels`: the profile's quality on the evaluated split (calibration/). */
  calibration?: CalibrationReport;
}

/** A comparison between two rerankers (`--compare-all`). */
export interface PairReport {
  /** The baseline system. */
  a: string;
  /** The system compared with it (delta = b − a). */
  b: string;
  /** Metric name → test result. */
  tests: Record<string, PairedComparison>;
}

/** The report: the shape `--json` prints. */
export interface EvalReport {
  systems: SystemReport[];
  /** Queries evaluated (those with at least one relevant judgment). */
  queries: number;
  /** Queries left out of every mean because no document is judged relevant for them. */
  skipped: number;
  /** Their ids. */
  skippedIds: string[];
  /** Pairwise reranker comparisons, when asked for. */
  comparisons: PairReport[];
  /** How the numbers were made. */
  settings: {
    metrics: string[];
    depth: number;
    firstStage: string;
    firstStageDepth: number;
    k1: number | null;
    b: number | null;
    test: string;
    trials: number;
    seed: number;
  };
}

/** An evaluation's report plus every system's ranking (what `--run-out` writes). */
export interface EvalResult {
  report: EvalReport;
  /** System name → run (evaluated queries only), in trec_eval order. */
  runs: Map<string, Run>;
}

/** Progress of {@link evaluate}: one event per query per system. */
export interface EvalProgress {
  system: string;
  done: number;
  total: number;
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Queries with their texts (queries without a relevant judgment are counted and left out). */
  queries: readonly EvalQuery[];
  /** The judgments. */
  qrels: Qrels;
  /** The corpus: needed for the BM25 first stage and for any reranker (texts are `title + " " + text`). */
  documents?: readonly EvalDocument[];
  /** A first stage of your own (e.g. from `loadTrecRun`). Without it, BM25 over `documents`. */
  firstStage?: Run;
  /**
   * The first stage's name in reports.
   * @default "bm25-first-stage" (or "run" for a given run)
   */
  firstStageName?: string;
  /** A prebuilt index over `documents` (else one is built with `k1`, `b`). */
  index?: Bm25Index;
  /**
   * BM25 term-frequency saturation (Anserini's BEIR setting).
   * @default 0.9
   */
  k1?: number;
  /**
   * BM25 length normalisation (Anserini's BEIR setting).
   * @default 0.4
   */
  b?: number;
  /**
   * How many BM25 hits the first stage keeps per query.
   * @default 1000
   */
  firstStageDepth?: number;
  /** Rerankers to compare (see `rerankerFromSpec`). @default [] */
  rerankers?: readonly NamedReranker[];
  /**
   * How many of the first stage's top hits each reranker reorders; the rest keep their order below them.
   * @default 100
   */
  depth?: number;
  /**
   * Metrics, as names (`"ndcg@10,recall@100"`) or parsed.
   * @default ["ndcg@10", "mrr@10", "recall@100", "map@100", "p@10"]
   */
  metrics?: string | readonly string[] | readonly Metric[];
  /** Also compare every pair of rerankers. @default false */
  compareAll?: boolean;
  /** Randomization test settings. @default { trials: 10000, seed: 42 } */
  significance?: SignificanceOptions;
  /** Price table, merged over the built-in one. @default DEFAULT_PRICES */
  prices?: Readonly<Record<string, Price>>;
  /** Called after each query of each system. */
  onProgress?: (progress: EvalProgress) => void;
  /** Stops the evaluation between queries (and aborts a rerank call in flight). */
  signal?: AbortSignal;
}

/** p-th percentile (nearest rank) of `values`. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function summarize(latencies: readonly number[]): LatencySummary | null {
  if (latencies.length === 0) return null;
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), mean: latencies.reduce((s, x) => s + x, 0) / latencies.length };
}

/** The text a reranker sees for a document: title and text joined, as the first stage indexes it. */
export function documentText(doc: EvalDocument): string {
  return doc.title ? `${doc.title} ${doc.text}` : doc.text;
}

/** BM25 retrieval of every query's top `topK` over `index`, with per-query latency. */
export function bm25FirstStage(
  index: Bm25Index,
  queries: readonly EvalQuery[],
  options: { topK?: number; onQuery?: (done: number) => void; signal?: AbortSignal } = {},
): { run: Run; latencies: number[] } {
  const run: Run = new Map();
  const latencies: number[] = [];
  const topK = options.topK ?? 1000;
  queries.forEach((q, i) => {
    options.signal?.throwIfAborted();
    const start = performance.now();
    const hits = index.search(q.text, { topK });
    latencies.push(performance.now() - start);
    run.set(
      q.id,
      hits.map((h) => ({ id: h.id, score: h.score })),
    );
    options.onQuery?.(i + 1);
  });
  return { run, latencies };
}

/**
 * Reranks the top `depth` hits of each query of `firstStage` with `reranker`. The reranked hits come
 * first in trec_eval order of the reranker's scores (ties by id descending); the first stage's hits
 * below `depth` follow in their order, with scores below every reranked one.
 */
export async function rerankRun(
  reranker: Reranker,
  firstStage: Run,
  queries: readonly EvalQuery[],
  documents: ReadonlyMap<string, EvalDocument>,
  options: { depth?: number; onQuery?: (done: number) => void; signal?: AbortSignal; name?: string } = {},
): Promise<{ run: Run; latencies: number[]; usage: UsageTotals; model?: string; provider?: string }> {
  const depth = options.depth ?? 100;
  // The model the reranker's replies name (a `rerankit serve` client sends none: its server names it).
  let model: string | undefined;
  // And the provider they name: what `calibrated()` compares a profile's provider with at run time
  // (an LLM SPEC's `logprob` answers as `logprob/qwen3-reranker`).
  let provider: string | undefined;
  const run: Run = new Map();
  const latencies: number[] = [];
  const usage: UsageTotals = { requests: 0 };
  let done = 0;
  for (const q of queries) {
    options.signal?.throwIfAborted();
    const hits = firstStage.get(q.id) ?? [];
    const head = hits.slice(0, depth);
    const tail = hits.slice(depth);
    let reranked: RunHit[] = [];
    if (head.length > 0) {
      const texts = head.map((h) => {
        const doc = documents.get(h.id);
        if (!doc) throw new EvalDataError(`document ${quote(h.id)} (ranked for query ${quote(q.id)}) is not in the corpus`, "first stage");
        return documentText(doc);
      });
      const start = performance.now();
      let response: Awaited<ReturnType<Reranker["rerank"]>>;
      try {
        response = await reranker.rerank({ query: q.text, documents: texts, ...(options.signal ? { signal: options.signal } : {}) });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`reranker ${options.name ?? ""} failed on query ${quote(q.id)}: ${safeText(message)}`, { cause: error });
      }
      latencies.push(performance.now() - start);
      addUsage(usage, response.usage);
      if (model === undefined && typeof response.model === "string" && response.model !== "") model = safeText(response.model);
      if (provider === undefined && typeof response.provider === "string" && response.provider !== "")
        provider = safeText(response.provider);
      const scored = new Map<number, number>();
      for (const r of response.results) scored.set(r.index, r.relevanceScore);
      // A reranker returns every candidate unless told otherwise; any it left out rank below the rest.
      // A loop, not Math.min(...spread): a spread over a deep list overflows the stack.
      let lowest = 0;
      for (const score of scored.values()) if (score < lowest) lowest = score;
      reranked = sortHits(head.map((h, i) => ({ id: h.id, score: scored.get(i) ?? lowest - 1 })));
    }
    const floor = reranked.length ? reranked[reranked.length - 1]!.score : 0;
    run.set(q.id, [...reranked, ...tail.map((h, i) => ({ id: h.id, score: floor - (i + 1) }))]);
    options.onQuery?.(++done);
  }
  return { run, latencies, usage, ...(model !== undefined ? { model } : {}), ...(provider !== undefined ? { provider } : {}) };
}

/** A usage count as reported: a finite number ≥ 0, else undefined (unknown). */
function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Adds one response's usage to the totals. A custom `Reranker` may pass a remote service's usage
 * through unchecked: anything but a finite number ≥ 0 is taken as unknown here, where it enters,
 * so no string or object reaches the reports (a call made is still one request).
 */
export function addUsage(total: UsageTotals, usage: RerankUsage | undefined): void {
  if (!usage || typeof usage !== "object") return;
  total.requests += count(usage.requests) ?? 1;
  const tokens = count(usage.totalTokens);
  if (tokens !== undefined) total.totalTokens = (total.totalTokens ?? 0) + tokens;
  const units = count(usage.searchUnits);
  if (units !== undefined) total.searchUnits = (total.searchUnits ?? 0) + units;
}

function compare(a: SystemReport, b: SystemReport, metrics: readonly Metric[], queryIds: readonly string[], options: SignificanceOptions) {
  const tests: Record<string, PairedComparison> = {};
  for (const m of metrics) {
    const av = queryIds.map((q) => a.perQuery[m.name]![q]!);
    const bv = queryIds.map((q) => b.perQuery[m.name]![q]!);
    tests[m.name] = pairedRandomizationTest(av, bv, options);
  }
  return tests;
}

function toMetrics(spec: EvaluateOptions["metrics"]): Metric[] {
  if (spec === undefined) return parseMetrics(DEFAULT_METRICS);
  if (typeof spec === "string") return parseMetrics(spec);
  if (spec.length > 0 && typeof spec[0] === "object") return [...(spec as readonly Metric[])];
  return parseMetrics(spec as readonly string[]);
}

/**
 * Runs the whole evaluation. Every system is scored on the same queries: those of `queries` with
 * at least one relevant judgment in `qrels` (the others are counted in `skipped`).
 */
export async function evaluate(options: EvaluateOptions): Promise<EvalResult> {
  const metrics = toMetrics(options.metrics);
  const depth = options.depth ?? 100;
  if (!Number.isInteger(depth) || depth < 1) throw new RangeError("depth must be a positive integer");
  const firstStageDepth = options.firstStageDepth ?? 1000;
  if (!Number.isInteger(firstStageDepth) || firstStageDepth < 1) throw new RangeError("firstStageDepth must be a positive integer");
  const significance = { trials: options.significance?.trials ?? 10_000, seed: options.significance?.seed ?? 42 };
  const prices = { ...DEFAULT_PRICES, ...options.prices };
  const rerankers = options.rerankers ?? [];

  const evaluated: EvalQuery[] = [];
  const skippedIds: string[] = [];
  const seen = new Set<string>();
  for (const q of options.queries) {
    if (seen.has(q.id)) continue;
    seen.add(q.id);
    if (hasRelevant(options.qrels.get(q.id))) evaluated.push(q);
    else skippedIds.push(q.id);
  }
  if (evaluated.length === 0) throw new RangeError("no query has a relevant judgment: nothing to evaluate");
  const queryIds = evaluated.map((q) => q.id);

  const documents = new Map((options.documents ?? []).map((d) => [d.id, d]));
  const runs = new Map<string, Run>();
  const systems: SystemReport[] = [];
  let k1: number | null = null;
  let b: number | null = null;

  // First stage.
  let firstRun: Run;
  let firstLatency: LatencySummary | null = null;
  const firstName = options.firstStageName ?? (options.firstStage ? "run" : "bm25-first-stage");
  if (options.firstStage) {
    firstRun = new Map(queryIds.map((q) => [q, options.firstStage!.get(q) ?? []]));
  } else {
    if (!options.documents || options.documents.length === 0)
      throw new RangeError("a BM25 first stage needs documents (or pass firstStage)");
    const index = options.index ?? Bm25Index.build(options.documents, { k1: options.k1 ?? 0.9, b: options.b ?? 0.4 });
    k1 = options.k1 ?? index.k1;
    b = options.b ?? index.b;
    const result = bm25FirstStage(index, evaluated, {
      topK: firstStageDepth,
      onQuery: (done) => options.onProgress?.({ system: firstName, done, total: evaluated.length }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    firstRun = result.run;
    firstLatency = summarize(result.latencies);
  }
  runs.set(firstName, firstRun);
  const rankingsOf = (run: Run) => new Map([...run].map(([q, hits]) => [q, hits.map((h) => h.id)]));
  const firstScores = scoreRankings(rankingsOf(firstRun), options.qrels, metrics, queryIds);
  const first: SystemReport = {
    name: firstName,
    role: "first-stage",
    metrics: firstScores.means,
    perQuery: firstScores.perQuery,
    latency: firstLatency,
    usage: { requests: 0, cost: options.firstStage ? null : 0 },
  };
  systems.push(first);

  // Rerankers.
  if (rerankers.length > 0 && documents.size === 0) throw new RangeError("rerankers need the corpus texts (documents)");
  const names = new Set([firstName]);
  for (const named of rerankers) {
    if (names.has(named.name)) throw new RangeError(`two systems are named ${quote(named.name)}`);
    names.add(named.name);
    const result = await rerankRun(named.reranker, firstRun, evaluated, documents, {
      depth,
      name: named.name,
      onQuery: (done) => options.onProgress?.({ system: named.name, done, total: evaluated.length }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    runs.set(named.name, result.run);
    const model = named.model ?? result.model;
    const scores = scoreRankings(rankingsOf(result.run), options.qrels, metrics, queryIds);
    const system: SystemReport = {
      name: named.name,
      role: "reranker",
      // The provider the replies named (what a calibration profile is checked against), else the SPEC's.
      provider: result.provider ?? named.provider,
      ...(model !== undefined ? { model } : {}),
      metrics: scores.means,
      perQuery: scores.perQuery,
      latency: summarize(result.latencies),
      usage: { ...result.usage, cost: estimateCost(result.usage, named.provider, named.model, prices) ?? null },
    };
    system.vsFirstStage = compare(first, system, metrics, queryIds, significance);
    systems.push(system);
  }

  const comparisons: PairReport[] = [];
  if (options.compareAll) {
    const reranked = systems.filter((s) => s.role === "reranker");
    for (let i = 0; i < reranked.length; i++) {
      for (let j = i + 1; j < reranked.length; j++) {
        comparisons.push({
          a: reranked[i]!.name,
          b: reranked[j]!.name,
          tests: compare(reranked[i]!, reranked[j]!, metrics, queryIds, significance),
        });
      }
    }
  }

  return {
    report: {
      systems,
      queries: evaluated.length,
      skipped: skippedIds.length,
      skippedIds,
      comparisons,
      settings: {
        metrics: metrics.map((m) => m.name),
        depth,
        firstStage: firstName,
        firstStageDepth,
        k1,
        b,
        test: "paired two-sided randomization test over queries (sign flips; exact up to 16 differing queries, else sampled)",
        trials: significance.trials,
        seed: significance.seed,
      },
    },
    runs,
  };
}
