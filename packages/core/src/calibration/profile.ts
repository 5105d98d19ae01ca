/**
 * Calibration profiles: the file format (`<system>.calibration.json`, written by
 * `rerankit eval --calibration-out`) and its check. A profile is checked when it is given (to
 * `calibrated()` or `RerankClientOptions.calibration`), never at the first call.
 */
import { RerankInputError } from "../errors.js";

/** The one format this version reads and writes. */
export const CALIBRATION_FORMAT = "rerankit-calibration/1";

/**
 * A monotone map from one reranker's raw score to the probability that a hit is relevant, fitted
 * on labelled queries (see docs/CALIBRATION.md). Plain JSON: commit it next to your code.
 *
 * @example
 * {
 *   "format": "rerankit-calibration/1", "system": "cohere:rerank-v3.5", "provider": "cohere",
 *   "model": "rerank-v3.5", "method": "isotonic", "points": [[0.01, 0.02], [0.3, 0.41], [0.9, 0.93]],
 *   "baseRate": 0.05, "fittedOn": { "split": "train", "queries": 809, "pairs": 80900 },
 *   "created": "2026-12-06T05:00:00.000Z"
 * }
 */
export interface CalibrationProfile {
  format: "rerankit-calibration/1";
  /** The system it was fitted for, as `rerankit eval` names it (its `--run-out` file's name). */
  system: string;
  /** The provider whose scores were fitted; using the profile with another one warns. */
  provider?: string;
  /** The model whose scores were fitted; using the profile with another one warns. */
  model?: string;
  /** How the points were fitted: isotonic regression (the default) or Platt scaling. */
  method: "isotonic" | "platt";
  /**
   * `[raw, p]` pairs, strictly increasing in `raw`, each `p` in [0, 1] and never decreasing. The
   * map interpolates linearly between them and is constant beyond the first and last.
   */
  points: [raw: number, p: number][];
  /** Share of relevant hits in the fitting data. */
  baseRate: number;
  /** What it was fitted on. */
  fittedOn: { split?: string; queries: number; pairs: number };
  /** When it was fitted (ISO 8601). */
  created: string;
}

function fail(field: string, message: string): never {
  throw new RerankInputError(`calibration profile: ${field} ${message}`, { field });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isCount = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 0;

/**
 * Checks a profile and returns it typed (the same object; its points are not copied).
 * `field` prefixes every field name in errors (`calibration` for the client option).
 *
 * @throws RerankInputError naming the first bad field, e.g. `calibration.points[3]`.
 */
export function checkCalibrationProfile(value: unknown, field = "calibration"): CalibrationProfile {
  if (!isObject(value)) fail(field, "must be an object (a parsed <system>.calibration.json)");
  if (value.format !== CALIBRATION_FORMAT) {
    fail(`${field}.format`, `must be "${CALIBRATION_FORMAT}" (got ${JSON.stringify(value.format) ?? "nothing"})`);
  }
  if (typeof value.system !== "string") fail(`${field}.system`, "must be a string");
  for (const key of ["provider", "model"] as const) {
    if (value[key] !== undefined && typeof value[key] !== "string") fail(`${field}.${key}`, "must be a string when present");
  }
  if (value.method !== "isotonic" && value.method !== "platt") fail(`${field}.method`, `must be "isotonic" or "platt"`);
  const points = value.points;
  if (!Array.isArray(points) || points.length === 0) fail(`${field}.points`, "must be a non-empty array of [raw, p] pairs");
  let previous: [number, number] | undefined;
  points.forEach((point: unknown, i) => {
    const at = `${field}.points[${i}]`;
    if (!Array.isArray(point) || point.length !== 2) fail(at, "must be a [raw, p] pair");
    const [raw, p] = point as unknown[];
    if (typeof raw !== "number" || !Number.isFinite(raw)) fail(at, "must have a finite raw score");
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) fail(at, "must have a probability p in [0, 1]");
    if (previous !== undefined) {
      if (!(raw > previous[0]))
        fail(at, `must have a raw score above the previous point's (${previous[0]}): points are strictly increasing`);
      if (p < previous[1]) fail(at, `must have p at least the previous point's (${previous[1]}): the map is monotone`);
    }
    previous = [raw, p];
  });
  if (typeof value.baseRate !== "number" || !(value.baseRate >= 0 && value.baseRate <= 1)) fail(`${field}.baseRate`, "must be in [0, 1]");
  const fitted = value.fittedOn;
  if (!isObject(fitted)) fail(`${field}.fittedOn`, "must be an object { split?, queries, pairs }");
  if (fitted.split !== undefined && typeof fitted.split !== "string") fail(`${field}.fittedOn.split`, "must be a string when present");
  if (!isCount(fitted.queries)) fail(`${field}.fittedOn.queries`, "must be a non-negative integer");
  if (!isCount(fitted.pairs)) fail(`${field}.fittedOn.pairs`, "must be a non-negative integer");
  if (typeof value.created !== "string") fail(`${field}.created`, "must be an ISO 8601 date string");
  return value as unknown as CalibrationProfile;
}
