/**
 * What a score means: `probability` is 0..1, `logit` is an unbounded raw score, `unknown` is any
 * other scale (for example BM25), `calibrated` is the probability that the hit is relevant, from a
 * calibration profile fitted on labelled queries (comparable across providers), `rank` is a
 * position-derived score (a listwise reranker's: it orders documents, it does not measure them).
 * Never compare thresholds across kinds.
 */
export type ScoreKind = "probability" | "logit" | "unknown" | "calibrated" | "rank";
