/**
 * The HTML report: one self-contained file (inline CSS and SVG charts, no script, nothing fetched)
 * with metric bars per system, per-query deltas against the first stage, the significance tests,
 * latency, usage and cost.
 */
import type { EvalReport, SystemReport } from "./evaluate.js";
import { reliabilitySection } from "./calibration/html.js";
import { formatP } from "./table.js";

const COLORS = ["#6b7280", "#2563eb", "#d97706", "#059669", "#dc2626", "#7c3aed", "#db2777", "#0891b2"];

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function metricBars(report: EvalReport): string {
  const metrics = report.settings.metrics;
  const systems = report.systems;
  const groupWidth = Math.max(84, systems.length * 22 + 24);
  const width = 60 + metrics.length * groupWidth;
  const height = 260;
  const plot = 200;
  const top = 20;
  const max = Math.max(1e-9, ...systems.flatMap((s) => metrics.map((m) => s.metrics[m]!)));
  const scale = max <= 1 ? 1 : max;
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Metric means per system" class="chart" id="metric-bars" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`;
  for (let t = 0; t <= 4; t++) {
    const y = top + plot - (plot * t) / 4;
    svg += `<line x1="50" x2="${width}" y1="${y}" y2="${y}" stroke="#e5e7eb"/><text x="45" y="${y + 4}" text-anchor="end" font-size="10">${((scale * t) / 4).toFixed(2)}</text>`;
  }
  metrics.forEach((m, mi) => {
    const x0 = 60 + mi * groupWidth;
    systems.forEach((s, si) => {
      const v = s.metrics[m]!;
      const h = (plot * v) / scale;
      svg += `<rect class="bar" x="${x0 + si * 22}" y="${(top + plot - h).toFixed(1)}" width="18" height="${h.toFixed(1)}" fill="${COLORS[si % COLORS.length]}"><title>${esc(s.name)} ${esc(m)}: ${v.toFixed(4)}</title></rect>`;
    });
    svg += `<text x="${x0 + (systems.length * 22) / 2}" y="${top + plot + 16}" text-anchor="middle" font-size="11">${esc(m)}</text>`;
  });
  svg += "</svg>";
  const legend = systems
    .map((s, si) => `<span class="key"><i style="background:${COLORS[si % COLORS.length]}"></i>${esc(s.name)}</span>`)
    .join(" ");
  return `${svg}<p class="legend">${legend}</p>`;
}

function deltaChart(report: EvalReport, system: SystemReport, metric: string): string {
  const first = report.systems[0]!;
  const deltas = Object.keys(first.perQuery[metric]!)
    .map((q) => ({ q, d: system.perQuery[metric]![q]! - first.perQuery[metric]![q]! }))
    .sort((x, y) => y.d - x.d);
  const width = 720;
  const height = 180;
  const mid = height / 2;
  const bar = width / Math.max(1, deltas.length);
  const max = Math.max(1e-9, ...deltas.map((x) => Math.abs(x.d)));
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Per-query ${esc(metric)} change of ${esc(system.name)} against ${esc(first.name)}" class="chart delta" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`;
  svg += `<line x1="0" x2="${width}" y1="${mid}" y2="${mid}" stroke="#9ca3af"/>`;
  deltas.forEach(({ q, d }, i) => {
    if (d === 0) return;
    const h = ((mid - 8) * Math.abs(d)) / max;
    svg += `<rect class="bar" x="${(i * bar).toFixed(2)}" y="${(d > 0 ? mid - h : mid).toFixed(1)}" width="${Math.max(0.5, bar - 0.5).toFixed(2)}" height="${h.toFixed(1)}" fill="${d > 0 ? "#059669" : "#dc2626"}"><title>${esc(q)}: ${d > 0 ? "+" : ""}${d.toFixed(4)}</title></rect>`;
  });
  svg += `<text x="4" y="12" font-size="10">+${max.toFixed(2)}</text><text x="4" y="${height - 4}" font-size="10">−${max.toFixed(2)}</text></svg>`;
  return svg;
}

/** The report as one self-contained HTML page. */
export function renderHtml(report: EvalReport, title = "Rerankit evaluation"): string {
  const metrics = report.settings.metrics;
  const primary = metrics[0]!;
  const head = `<tr><th>system</th>${metrics.map((m) => `<th>${esc(m)}</th>`).join("")}<th>p50 ms</th><th>p95 ms</th><th>requests</th><th>tokens</th><th>search units</th><th>est. cost $</th></tr>`;
  const rows = report.systems
    .map((s) => {
      const cells = metrics.map((m) => {
        const t = s.vsFirstStage?.[m];
        const sig = t && t.p < 0.05 ? (t.delta > 0 ? " ▲" : " ▼") : "";
        return `<td>${s.metrics[m]!.toFixed(4)}${sig}</td>`;
      });
      return `<tr><td>${esc(s.name)}</td>${cells.join("")}<td>${s.latency ? s.latency.p50.toFixed(2) : "–"}</td><td>${s.latency ? s.latency.p95.toFixed(2) : "–"}</td><td>${s.usage.requests}</td><td>${s.usage.totalTokens ?? "–"}</td><td>${s.usage.searchUnits ?? "–"}</td><td>${s.usage.cost === null ? "–" : s.usage.cost.toFixed(4)}</td></tr>`;
    })
    .join("\n");
  const tests = report.systems
    .filter((s) => s.vsFirstStage)
    .flatMap((s) =>
      metrics.map((m) => {
        const t = s.vsFirstStage![m]!;
        return `<tr><td>${esc(s.name)}</td><td>${esc(m)}</td><td>${t.delta >= 0 ? "+" : ""}${t.delta.toFixed(4)}</td><td>${formatP(t.p)}</td><td>${t.wins}</td><td>${t.ties}</td><td>${t.losses}</td></tr>`;
      }),
    )
    .join("\n");
  const pairs = report.comparisons
    .flatMap((c) =>
      metrics.map((m) => {
        const t = c.tests[m]!;
        return `<tr><td>${esc(c.b)} vs ${esc(c.a)}</td><td>${esc(m)}</td><td>${t.delta >= 0 ? "+" : ""}${t.delta.toFixed(4)}</td><td>${formatP(t.p)}</td><td>${t.wins}</td><td>${t.ties}</td><td>${t.losses}</td></tr>`;
      }),
    )
    .join("\n");
  const deltas = report.systems
    .filter((s) => s.role === "reranker")
    .map(
      (s) =>
        `<h3>${esc(s.name)}: ${esc(primary)} per query, minus ${esc(report.systems[0]!.name)} (sorted)</h3>${deltaChart(report, s, primary)}`,
    )
    .join("\n");
  const s = report.settings;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1000px;padding:0 1rem;color:#111827}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border-bottom:1px solid #e5e7eb;padding:.3rem .5rem;text-align:right;white-space:nowrap}
.scroll{overflow-x:auto}
th:first-child,td:first-child{text-align:left}.chart{display:block;max-width:100%;height:auto}
.legend .key{margin-right:1rem;white-space:nowrap}.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
.note{color:#4b5563}
</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p class="note">${report.queries} queries evaluated${report.skipped ? `; ${report.skipped} left out (no relevant judgment)` : ""}. First stage: ${esc(s.firstStage)}${s.k1 !== null ? ` (BM25, k1 ${s.k1}, b ${s.b}, top ${s.firstStageDepth})` : ""}; rerankers reorder its top ${s.depth}.</p>
<h2>Metrics</h2>
<div class="scroll"><table id="metrics"><thead>${head}</thead><tbody>
${rows}
</tbody></table></div>
<p class="note">▲/▼: different from the first stage at p &lt; 0.05 (${esc(s.test)}, ${s.trials} trials, seed ${s.seed}).</p>
${metricBars(report)}
${deltas ? `<h2>Per-query change against the first stage</h2>\n${deltas}` : ""}
${tests ? `<h2>Significance against ${esc(report.systems[0]!.name)}</h2><table id="tests"><thead><tr><th>system</th><th>metric</th><th>Δ mean</th><th>p</th><th>wins</th><th>ties</th><th>losses</th></tr></thead><tbody>\n${tests}\n</tbody></table>` : ""}
${reliabilitySection(report, esc)}
${pairs ? `<h2>Pairwise</h2><table id="pairs"><thead><tr><th>pair</th><th>metric</th><th>Δ mean</th><th>p</th><th>wins</th><th>ties</th><th>losses</th></tr></thead><tbody>\n${pairs}\n</tbody></table>` : ""}
</body>
</html>
`;
}
