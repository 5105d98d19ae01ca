/** The terminal table of a report. */
import type { EvalReport, SystemReport } from "./evaluate.js";
import { safeText } from "./quote.js";

/** Rows of cells as aligned columns, two spaces apart; `rightAlign(col)` picks right-aligned columns. */
export function pad(cells: string[][], rightAlign: (col: number) => boolean): string {
  // A reduce, not Math.max(...spread): no spread over data, however many rows.
  const widths = cells[0]!.map((_, c) => cells.reduce((w, row) => Math.max(w, row[c]!.length), 0));
  return cells
    .map((row) =>
      row
        .map((cell, c) => (rightAlign(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** A p-value as text: `<0.001` below, else three decimals. */
export function formatP(p: number): string {
  return p < 0.001 ? "<0.001" : p.toFixed(3);
}

function marker(system: SystemReport, metric: string): string {
  const test = system.vsFirstStage?.[metric];
  if (!test) return "";
  return test.p < 0.05 ? (test.delta > 0 ? "▲" : "▼") : "";
}

function formatUsage(system: SystemReport): string {
  const parts = [`${system.usage.requests} req`];
  if (system.usage.totalTokens !== undefined) parts.push(`${system.usage.totalTokens} tok`);
  if (system.usage.searchUnits !== undefined) parts.push(`${system.usage.searchUnits} su`);
  return parts.join(", ");
}

/**
 * The report as plain text: one row per system (metric means, ▲/▼ where the difference from the
 * first stage is significant at p < 0.05, latency, usage, cost), then each reranker's test against
 * the first stage on the first metric, then the pairwise comparisons.
 */
export function formatTable(report: EvalReport): string {
  const metrics = report.settings.metrics;
  const header = ["system", ...metrics, "p50 ms", "p95 ms", "usage", "cost $"];
  const rows = report.systems.map((s) => [
    s.name,
    ...metrics.map((m) => `${s.metrics[m]!.toFixed(4)}${marker(s, m) || " "}`),
    s.latency ? s.latency.p50.toFixed(2) : "–",
    s.latency ? s.latency.p95.toFixed(2) : "–",
    formatUsage(s),
    s.usage.cost === null ? "–" : s.usage.cost.toFixed(4),
  ]);
  const lines = [pad([header, ...rows], (c) => c > 0 && c !== metrics.length + 3)];
  lines.push(
    "",
    `${report.queries} queries evaluated${report.skipped ? `; ${report.skipped} left out (no relevant judgment)` : ""}; rerank depth ${report.settings.depth}; first stage ${report.settings.firstStage}${report.settings.k1 !== null ? ` (k1 ${report.settings.k1}, b ${report.settings.b})` : ""}.`,
  );
  const primary = metrics[0]!;
  const tested = report.systems.filter((s) => s.vsFirstStage);
  if (tested.length > 0) {
    lines.push("", `Against ${report.settings.firstStage} on ${primary} (${report.settings.test}; ▲/▼: p < 0.05):`);
    const testRows = tested.map((s) => {
      const t = s.vsFirstStage![primary]!;
      return [
        s.name,
        `${t.delta >= 0 ? "+" : ""}${t.delta.toFixed(4)}`,
        `p ${formatP(t.p)}`,
        `${t.wins}/${t.ties}/${t.losses} win/tie/loss`,
      ];
    });
    lines.push(pad(testRows, (c) => c === 1));
  }
  if (report.comparisons.length > 0) {
    lines.push("", `Pairwise on ${primary}:`);
    lines.push(
      pad(
        report.comparisons.map((c) => {
          const t = c.tests[primary]!;
          return [
            `${c.b} vs ${c.a}`,
            `${t.delta >= 0 ? "+" : ""}${t.delta.toFixed(4)}`,
            `p ${formatP(t.p)}`,
            `${t.wins}/${t.ties}/${t.losses} win/tie/loss`,
          ];
        }),
        (c) => c === 1,
      ),
    );
  }
  // Names come from input (run tags, SPECs): control characters are escaped line by line, so
  // nothing in a name can drive the terminal.
  return `${lines.join("\n").split("\n").map(safeText).join("\n")}\n`;
}
