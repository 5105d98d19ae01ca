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
  writeTrecRun,
  type ReadLimits,
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
  addUsage,
  type EvaluateOptions,
  type EvalResult,
  type EvalReport,
  type SystemReport,
  type PairReport,
  type LatencySummary,
  type EvalProgress,
} from "./evaluate.js";
export { formatTable, formatP } from "./table.js";
export { renderHtml, formatCount, type HtmlReportOptions } from "./html.js";
export { progressBar, downloadBar, type ProgressStream } from "./progress.js";
export { runFileNames } from "./file-names.js";
export { runEvalCommand, EVAL_HELP, EVAL_FLAGS, type EvalCommandIo } from "./cli.js";
export {
  ensureBeirDataset,
  parseDatasetName,
  dataDir,
  BEIR_DATASETS,
  BEIR_BASE_URL,
  DatasetError,
  type EnsureDatasetOptions,
  type DownloadProgress,
} from "./datasets.js";
export { readTrecRun } from "./load.js";
// Calibration (issue 22): fitting profiles, measuring them, thresholds for a target.
export {
  fitIsotonic,
  fitPlatt,
  fitPlattParameters,
  fitCalibration,
  type CalibrationMethod,
  type CalibrationPoints,
  type PlattParameters,
} from "./calibration/fit.js";
export { calibrationMeasures, RELIABILITY_BINS, type CalibrationMeasures, type ReliabilityBin } from "./calibration/metrics.js";
export { parseTarget, selectAt, thresholdFor, type Selection, type Target } from "./calibration/thresholds.js";
export {
  calibrationPairs,
  calibrateSystem,
  calibrateEvaluation,
  type CalibrationPairs,
  type CalibrationReport,
  type CalibrateSystemOptions,
  type ThresholdReport,
} from "./calibration/calibrate.js";
export { systemFileStem, systemFileStems } from "./file-names.js";
