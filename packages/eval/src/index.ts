export {
  EvalDataError,
  loadBeir,
  loadTrecRun,
  loadTrecQrels,
  parseCorpus,
  parseQueries,
  parseBeirQrels,
  parseTrecQrels,
  parseTrecRun,
  formatTrecRun,
  sortHits,
  type Collection,
  type EvalDocument,
  type EvalQuery,
  type LoadBeirOptions,
  type Qrels,
  type Run,
  type RunHit,
} from "./load.js";
export {
  DEFAULT_METRICS,
  parseMetric,
  parseMetrics,
  metricValue,
  scoreRankings,
  hasRelevant,
  type Metric,
  type MetricKind,
  type MetricScores,
} from "./metrics.js";
export { pairedRandomizationTest, EXACT_LIMIT, type PairedComparison, type SignificanceOptions } from "./significance.js";
export { DEFAULT_PRICES, estimateCost, parsePrices, type Price, type UsageTotals } from "./cost.js";
export { rerankerFromSpec, type NamedReranker, type RerankerSpecOptions } from "./rerankers.js";
export {
  evaluate,
  bm25FirstStage,
  rerankRun,
  documentText,
  percentile,
  type EvaluateOptions,
  type EvalResult,
  type EvalReport,
  type SystemReport,
  type PairReport,
  type LatencySummary,
  type EvalProgress,
} from "./evaluate.js";
export { formatTable, formatP } from "./table.js";
export { renderHtml } from "./html.js";
export { progressBar, type ProgressStream } from "./progress.js";
export { runEvalCommand, EVAL_HELP, EVAL_FLAGS, type EvalCommandIo } from "./cli.js";
