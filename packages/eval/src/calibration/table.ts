/** The calibration part of the terminal table: measures, reliability and thresholds per system. */
import type { EvalReport } from "../evaluate.js";
import { pad as padColumns } from "../table.js";
import type { ThresholdReport } from "./calibrate.js";

/** The first column (the system) left-aligned, the numbers right-aligned. */
const pad = (rows: string[][]) => padColumns(rows, (c) => c > 0);

const num = (x: number | null, digits = 4) => (x === null ? "–" : x.toFixed(digits));

function thresholdCells(t: ThresholdReport | null): string[] {
  if (t === null) return ["unreachable", "–", "–"];
  return [
    t.threshold.toPrecision(4),
    `${num(t.fitted.precision, 3)} → ${num(t.evaluated.precision, 3)}`,
    `${num(t.fitted.recall, 3)} → ${num(t.evaluated.recall, 3)}`,
  ];
}

/** Empty without calibration; else the lines `rerankit eval` prints under its table. */
export function formatCalibrationTable(report: EvalReport): string {
  const systems = report.systems.filter((s) => s.calibration);
  if (systems.length === 0) return "";
  const first = systems[0]!.calibration!;
  const lines = [
    "",
    `Calibration (${first.method}, fitted on ${first.fittedOn.split ?? "the given qrels"}: ${first.fittedOn.queries} queries; measured on the evaluated queries' top ${report.settings.depth} hits):`,
    pad([
      ["system", "pairs", "Brier", "base-rate Brier", "skill", "ECE"],
      ...systems.map((s) => {
        const c = s.calibration!;
        return [s.name, String(c.pairs), num(c.brier), num(c.brierBaseRate), num(c.brierSkill, 3), num(c.ece)];
      }),
    ]),
    "",
    "Reliability (bin: mean predicted p → share relevant, pairs):",
  ];
  for (const s of systems) {
    lines.push(`  ${s.name}`);
    for (const bin of s.calibration!.reliability) {
      lines.push(
        `    ${bin.from.toFixed(1)}–${bin.to.toFixed(1)}: ${bin.predicted.toFixed(3)} → ${bin.observed.toFixed(3)} (${bin.count})`,
      );
    }
  }
  const targeted = systems.filter((s) => s.calibration!.target);
  if (targeted.length > 0) {
    const t = targeted[0]!.calibration!.target!;
    lines.push(
      "",
      `Thresholds for ${t.metric} ≥ ${t.value} on the fitting queries (precision and recall: fitting → evaluated):`,
      pad([
        ["system", "score", "threshold", "precision", "recall"],
        ...targeted.flatMap((s) => {
          const target = s.calibration!.target!;
          return [
            [s.name, "raw", ...thresholdCells(target.raw)],
            [s.name, "calibrated", ...thresholdCells(target.calibrated)],
          ];
        }),
      ]),
    );
  }
  return `${lines.join("\n")}\n`;
}
