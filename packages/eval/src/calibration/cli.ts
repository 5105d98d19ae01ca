/**
 * The calibration part of `rerankit eval` (`--calibrate-split`, `--calibrate-qrels`,
 * `--calibration-method`, `--calibration-out`, `--target`): its flags, its checks, and one step
 * after the evaluation. cli.ts calls it at two places; everything else is here.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { EvalCommandIo } from "../cli.js";
import { type EvalResult, type EvaluateOptions, evaluate } from "../evaluate.js";
import { type Collection, EvalDataError, type EvalQuery, loadBeir, loadTrecQrels, type Qrels } from "../load.js";
import { progressBar } from "../progress.js";
import { calibrateEvaluation } from "./calibrate.js";
import type { CalibrationMethod } from "./fit.js";
import { parseTarget, type Target } from "./thresholds.js";
import { systemFileStem, systemFileStems } from "../file-names.js";

/** The flags, for `parseArgs`. */
export const CALIBRATION_FLAGS = {
  "calibrate-split": { type: "string" },
  "calibrate-qrels": { type: "string" },
  "calibration-method": { type: "string" },
  "calibration-out": { type: "string" },
  target: { type: "string" },
} as const;

/** Their part of `rerankit eval --help`. */
export const CALIBRATION_HELP = `Calibration (a score that means the probability of relevance; see docs/CALIBRATION.md):
  --calibrate-split NAME fit each system's map from raw score to P(relevant) on the judged
                         queries of qrels/NAME.tsv (e.g. train); measured on --split
  --calibrate-qrels FILE the judgements to fit on, with --run/--qrels (no query in both)
  --calibration-method M isotonic, or platt for small data                (default isotonic)
  --calibration-out DIR  write DIR/<system>.calibration.json, for calibrated() / loadCalibration
  --target T             precision=0.8 or recall=0.9: the raw and calibrated thresholds that
                         reach it on the fitting queries, and what they give on --split
`;

type Values = { [K in keyof typeof CALIBRATION_FLAGS]?: string | undefined } & {
  collection?: string | undefined;
  split?: string | undefined;
};

/** What {@link prepareCalibration} read: the fitting judgements and queries, and the settings. */
export interface CalibrationPlan {
  fitQrels: Qrels;
  fitQueries: EvalQuery[];
  /** The split name (`--calibrate-split`) or the qrels file (`--calibrate-qrels`). */
  fittedOn: string;
  split?: string;
  method: CalibrationMethod;
  target?: Target;
  out?: string;
}

/**
 * Checks the calibration flags and reads the fitting judgements, before anything runs. Undefined
 * without `--calibrate-split`/`--calibrate-qrels`. `usage` throws the command's usage error.
 */
export async function prepareCalibration(
  values: Values,
  inputs: { collection: Collection | undefined; qrels: Qrels },
  usage: (message: string) => never,
): Promise<CalibrationPlan | undefined> {
  const split = values["calibrate-split"];
  const file = values["calibrate-qrels"];
  if (split === undefined && file === undefined) {
    for (const flag of ["calibration-method", "calibration-out", "target"] as const) {
      if (values[flag] !== undefined) usage(`--${flag} needs --calibrate-split NAME or --calibrate-qrels FILE`);
    }
    return undefined;
  }
  if (split !== undefined && file !== undefined) usage("give --calibrate-split or --calibrate-qrels, not both");
  const method = values["calibration-method"] ?? "isotonic";
  if (method !== "isotonic" && method !== "platt") usage(`--calibration-method must be isotonic or platt, got "${method}"`);
  let target: Target | undefined;
  if (values.target !== undefined) {
    try {
      target = parseTarget(values.target);
    } catch (error) {
      usage((error as Error).message);
    }
  }
  let fitQrels: Qrels;
  let fitQueries: EvalQuery[];
  if (split !== undefined) {
    if (values.collection === undefined)
      usage("--calibrate-split reads the collection's qrels/NAME.tsv: give --collection DIR or --dataset beir/NAME");
    if (split === (values.split ?? "test"))
      usage(`--calibrate-split ${split} is the evaluated split: a profile is never measured on the data it was fitted on`);
    const fit = await loadBeir(values.collection, { split, corpus: false });
    fitQrels = fit.qrels;
    fitQueries = fit.queries;
  } else {
    fitQrels = await loadTrecQrels(file!);
    if (fitQrels.size === 0) throw new EvalDataError("no judgments", file!);
    const texts = new Map((inputs.collection?.allQueries ?? []).map((q) => [q.id, q]));
    fitQueries = [...fitQrels.keys()].map((id) => texts.get(id) ?? { id, text: "" });
    const missing = inputs.collection ? fitQueries.find((q) => !texts.has(q.id)) : undefined;
    if (missing) {
      throw new EvalDataError(`query "${missing.id}" is judged here but missing from queries.jsonl`, file!);
    }
  }
  const both = [...fitQrels.keys()].find((q) => inputs.qrels.has(q));
  if (both !== undefined) {
    throw new EvalDataError(
      `query "${both}" is judged both for fitting and for evaluation: a profile is never measured on the data it was fitted on`,
      file ?? `qrels/${split}.tsv`,
    );
  }
  return {
    fitQrels,
    fitQueries,
    fittedOn: split ?? file!,
    ...(split !== undefined ? { split } : {}),
    method,
    ...(target ? { target } : {}),
    ...(values["calibration-out"] !== undefined ? { out: values["calibration-out"] } : {}),
  };
}

/**
 * Runs every system on the fitting queries (the same first stage and rerankers), fits each
 * system's profile there, attaches its measures on the evaluated split to the report
 * (`systems[i].calibration`), and writes the profiles with `--calibration-out`.
 */
export async function runCalibration(
  plan: CalibrationPlan,
  evaluated: EvalResult,
  options: EvaluateOptions,
  io: Pick<EvalCommandIo, "stderr">,
): Promise<void> {
  const bar = progressBar(io.stderr);
  let fitted: EvalResult;
  try {
    fitted = await evaluate({
      ...options,
      queries: plan.fitQueries,
      qrels: plan.fitQrels,
      compareAll: false,
      // Only the runs are used: the significance tests of this pass are thrown away.
      significance: { trials: 1 },
      onProgress: (p) => bar.onProgress({ ...p, system: `fit ${p.system}` }),
    });
  } finally {
    bar.stop();
  }
  // What the report says of each system: the spec's model, else the one its replies named.
  const models = new Map(
    evaluated.report.systems.map((s) => [
      s.name,
      { ...(s.provider !== undefined ? { provider: s.provider } : {}), ...(s.model !== undefined ? { model: s.model } : {}) },
    ]),
  );
  const profiles = calibrateEvaluation(evaluated, options.qrels, fitted, plan.fitQrels, {
    method: plan.method,
    ...(plan.split !== undefined ? { split: plan.split } : {}),
    ...(plan.target ? { target: plan.target } : {}),
    models,
  });
  if (plan.out !== undefined) {
    await mkdir(plan.out, { recursive: true });
    const stems = systemFileStems([...evaluated.runs.keys()]);
    for (const [name, profile] of profiles) {
      const stem = stems.get(name) ?? systemFileStem(name);
      await writeFile(join(plan.out, `${stem}.calibration.json`), `${JSON.stringify(profile, null, 2)}\n`);
    }
  }
}
