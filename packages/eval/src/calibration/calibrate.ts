/**
 * Calibrating the systems of an evaluation: each system's top-`depth` (score, relevant) pairs on
 * the fitting queries give its profile; the same pairs on the evaluated queries measure it.
 */
import { type CalibrationProfile, calibrationMap, checkCalibrationProfile } from "@rerankit/core";
import type { EvalResult } from "../evaluate.js";
import type { Qrels, Run } from "../load.js";
import { type CalibrationMethod, fitCalibration } from "./fit.js";
import { type CalibrationMeasures, calibrationMeasures } from "./metrics.js";
import { selectAt, type Selection, type Target, thresholdFor } from "./thresholds.js";

/** (raw score, 0/1 label) pairs: each query's top `depth` hits; unjudged hits are not relevant (as in trec_eval). */
export interface CalibrationPairs {
  scores: Float64Array;
  labels: Uint8Array;
  /** Queries the pairs come from. */
  queries: number;
}

/** The pairs of `run`: each query's top `depth` hits, labelled from `qrels` (grade > 0 is relevant). */
export function calibrationPairs(run: Run, qrels: Qrels, depth: number): CalibrationPairs {
  const scores: number[] = [];
  const labels: number[] = [];
  for (const [qid, hits] of run) {
    const judged = qrels.get(qid);
    for (const hit of hits.slice(0, depth)) {
      scores.push(hit.score);
      labels.push((judged?.get(hit.id) ?? 0) > 0 ? 1 : 0);
    }
  }
  return { scores: Float64Array.from(scores), labels: Uint8Array.from(labels), queries: run.size };
}

/** A threshold's score and what it gives on the fitting and the evaluated split. */
export interface ThresholdReport {
  threshold: number;
  fitted: Omit<Selection, "threshold">;
  evaluated: Omit<Selection, "threshold">;
}

/** `systems[i].calibration` of the report (`--json`). */
export interface CalibrationReport extends CalibrationMeasures {
  method: CalibrationMethod;
  fittedOn: { split?: string; queries: number; pairs: number };
  /** With `--target`: the raw and the calibrated thresholds reaching it on the fitting split (null: none does). */
  target?: { metric: Target["metric"]; value: number; raw: ThresholdReport | null; calibrated: ThresholdReport | null };
}

/** Options of {@link calibrateSystem}. */
export interface CalibrateSystemOptions {
  method?: CalibrationMethod;
  /** Hits per query that make pairs. @default 100 */
  depth?: number;
  /** The fitting split's name, recorded in the profile. */
  split?: string;
  target?: Target;
  provider?: string;
  model?: string;
  /** @default now */
  created?: string;
}

function threshold(
  fitScores: ArrayLike<number>,
  fit: CalibrationPairs,
  evalScores: ArrayLike<number>,
  evaluated: CalibrationPairs,
  target: Target,
): ThresholdReport | null {
  const t = thresholdFor(fitScores, fit.labels, target);
  if (t === undefined) return null;
  const { threshold: _f, ...fitted } = selectAt(fitScores, fit.labels, t);
  const { threshold: _e, ...measured } = selectAt(evalScores, evaluated.labels, t);
  return { threshold: t, fitted, evaluated: measured };
}

/**
 * Fits one system's profile on `fitRun` (judged by `fitQrels`) and measures it on `evalRun`
 * (judged by `evalQrels`). The fitted base rate is the no-skill reference.
 */
export function calibrateSystem(
  system: string,
  fitRun: Run,
  fitQrels: Qrels,
  evalRun: Run,
  evalQrels: Qrels,
  options: CalibrateSystemOptions = {},
): { profile: CalibrationProfile; report: CalibrationReport } {
  const method = options.method ?? "isotonic";
  const depth = options.depth ?? 100;
  const fit = calibrationPairs(fitRun, fitQrels, depth);
  if (fit.scores.length === 0) throw new RangeError(`${system}: no hits on the fitting queries to calibrate on`);
  const points = fitCalibration(method, fit.scores, fit.labels);
  let positives = 0;
  for (const y of fit.labels) positives += y;
  const baseRate = positives / fit.labels.length;
  const fittedOn = { ...(options.split !== undefined ? { split: options.split } : {}), queries: fit.queries, pairs: fit.scores.length };
  const profile = checkCalibrationProfile({
    format: "rerankit-calibration/1",
    system,
    ...(options.provider !== undefined ? { provider: options.provider } : {}),
    ...(options.model !== undefined ? { model: options.model } : {}),
    method,
    points,
    baseRate,
    fittedOn,
    created: options.created ?? new Date().toISOString(),
  });
  const map = calibrationMap(points);
  const evaluated = calibrationPairs(evalRun, evalQrels, depth);
  const p = evaluated.scores.map(map);
  const report: CalibrationReport = { method, fittedOn, ...calibrationMeasures(p, evaluated.labels, baseRate) };
  if (options.target) {
    const target = options.target;
    report.target = {
      metric: target.metric,
      value: target.value,
      raw: threshold(fit.scores, fit, evaluated.scores, evaluated, target),
      calibrated: threshold(fit.scores.map(map), fit, p, evaluated, target),
    };
  }
  return { profile, report };
}

/**
 * Calibrates every system of `evaluated` (the report on the evaluated split) from the same
 * systems' runs in `fitted` (an evaluation of the fitting queries), attaching each report to its
 * `systems[i].calibration`. Returns the profiles by system name.
 */
export function calibrateEvaluation(
  evaluated: EvalResult,
  evalQrels: Qrels,
  fitted: EvalResult,
  fitQrels: Qrels,
  options: Omit<CalibrateSystemOptions, "provider" | "model"> & { models?: ReadonlyMap<string, { provider?: string; model?: string }> },
): Map<string, CalibrationProfile> {
  const profiles = new Map<string, CalibrationProfile>();
  const depth = options.depth ?? evaluated.report.settings.depth;
  for (const system of evaluated.report.systems) {
    const fitRun = fitted.runs.get(system.name);
    const evalRun = evaluated.runs.get(system.name);
    if (!fitRun || !evalRun) throw new RangeError(`${system.name}: no run to calibrate`);
    const known = options.models?.get(system.name);
    const { profile, report } = calibrateSystem(system.name, fitRun, fitQrels, evalRun, evalQrels, {
      ...options,
      depth,
      ...(known?.provider !== undefined ? { provider: known.provider } : {}),
      ...(known?.model !== undefined ? { model: known.model } : {}),
    });
    system.calibration = report;
    profiles.set(system.name, profile);
  }
  return profiles;
}
