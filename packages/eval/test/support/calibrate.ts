/** `rerankit eval --calibrate-split train` writing its runs and profiles to a folder, as users run it. */
import { join } from "node:path";
import { expect } from "vitest";
import { type EvalReport, runEvalCommand } from "../../src/index.js";
import { capture } from "./io.js";

/**
 * Runs `rerankit eval --collection <collection> --calibrate-split train <flags> --json` with
 * `--run-out <out>/runs` and `--calibration-out <out>/profiles`; checks that it ended with 0 and
 * printed nothing on stderr, and returns the JSON report.
 */
export async function calibrateIntoFolder(collection: string, out: string, flags: string[]): Promise<EvalReport> {
  const c = capture();
  const code = await runEvalCommand(
    [
      "--collection",
      collection,
      "--calibrate-split",
      "train",
      ...flags,
      "--json",
      "--run-out",
      join(out, "runs"),
      "--calibration-out",
      join(out, "profiles"),
    ],
    c.io,
  );
  expect(c.stderr()).toBe("");
  expect(code).toBe(0);
  return JSON.parse(c.stdout()) as EvalReport;
}
