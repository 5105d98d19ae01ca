/**
 * `loadCalibration(path)`: reads a profile file. It is the only file reader of core: `node:fs` is
 * imported when it is called, so edge bundles that never call it never load it.
 */
import { RerankInputError } from "../errors.js";
import { type CalibrationProfile, checkCalibrationProfile } from "./profile.js";

/** Line and column of `position` in `text` (1-based), for a JSON syntax error. */
function lineOf(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split("\n").length;
  return `line ${line}, column ${position - before.lastIndexOf("\n")}`;
}

/**
 * Reads and checks a calibration profile (`<system>.calibration.json`, written by
 * `rerankit eval --calibration-out DIR`).
 *
 * @throws RerankInputError (`field: "path"`) when the file cannot be read or is not JSON (with
 * where, as far as the runtime's parser says), or naming the first bad field of the profile.
 * @example
 * const reranker = calibrated(client, await loadCalibration("calibration/cohere_rerank-v3.5.calibration.json"));
 */
export async function loadCalibration(path: string): Promise<CalibrationProfile> {
  const { readFile } = await import("node:fs/promises");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new RerankInputError(`cannot read the calibration profile ${path} (${(error as NodeJS.ErrnoException).code ?? "error"})`, {
      field: "path",
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const at = /position (\d+)/.exec((error as Error).message);
    const where = at ? ` at ${lineOf(text, Number(at[1]))}` : "";
    throw new RerankInputError(`${path}${where}: expected a JSON calibration profile (${(error as Error).message})`, { field: "path" });
  }
  try {
    return checkCalibrationProfile(parsed, "profile");
  } catch (error) {
    if (error instanceof RerankInputError) throw new RerankInputError(`${path}: ${error.message}`, { field: error.field });
    throw error;
  }
}
