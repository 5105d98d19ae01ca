/**
 * The HTML report: one self-contained file (inline CSS, no script, nothing fetched) that says what
 * was evaluated and how (dataset, split, date, the command), then the metric means per system, a
 * bar chart, per-query deltas against the first stage, the significance tests, latency, usage and
 * cost. It reflows from a phone (420 px) to a desktop (1280 px) with no horizontal scrolling: the
 * charts are HTML bars and stretched SVG with HTML labels, so text keeps its size at any width.
 *
 * Every value written goes through {@link esc} (text) or a number formatter: ids, names, usage
 * and settings may come from a dataset or a remote service.
 */
import type { EvalReport, SystemReport } from "./evaluate.js";
import { reliabilitySection } from "./calibration/html.js";
import { esc } from "./quote.js";
import { formatP } from "./table.js";

const COLORS = ["#6b7280", "#2563eb", "#d97706", "#059669", "#dc2626", "#7c3aed", "#db2777", "#0891b2"];

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const twoDecimals = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** A count with thousands separators (`12,345`); anything but a finite number is "–". */
export function formatCount(value: unknown): string {
  return typeof value === "number" && Number.isFinite(value) ? integer.format(value) : "–";
}

/** A number with `digits` decimals; anything but a finite number is "–" (it never reaches the page as text). */
function fixed(value: unknown, digits: number): string {
  return typeof value === "number" && Number.isFinite(value) ? value.toFixed(digits) : "–";
}

function ms(value: unknown): string {
  return typeof value === "number" && Number.isFinite(value) ? twoDecimals.format(value) : "–";
}

function signed(value: number, digits: number): string {
  return `${value >= 0 ? "+" : "−"}${fixed(Math.abs(value), digits)}`;
}

/**
 * A table row whose cells carry their column's name: on a narrow screen each row becomes a card of
 * "name value" lines (CSS below), so nothing scrolls sideways.
 */
function row(labels: readonly string[], cells: readonly string[]): string {
  return `<tr>${cells.map((c, i) => `<td data-label="${esc(labels[i] ?? "")}">${c}</td>`).join("")}</tr>`;
}

function head(labels: readonly string[]): string {
  return `<thead><tr>${labels.map((l) => `<th>${esc(l)}</th>`).join("")}</tr></thead>`;
}

/** Where a report came from: shown at its top. */
export interface HtmlReportOptions {
  /** @default "Rerankit evaluation" */
  title?: string;
  /** The dataset: `beir/scifact`, or the collection folder. */
  dataset?: string;
  /** The qrels split evaluated. */
  split?: string;
  /** A qrels file given instead of a split. */
  qrels?: string;
  /** The command that made the report (any API key already removed). */
  command?: string;
  /** When the report was made. @default now */
  created?: Date;
}

function systemLabel(s: SystemReport, i: number): string {
  const detail = s.role === "first-stage" ? "first stage" : [s.provider, s.model].filter(Boolean).join(" · ");
  return `<span class="swatch" style="background:${COLORS[i % COLORS.length]}"></span><span class="sys">${esc(s.name)}</span>${detail ? `<span class="detail">${esc(detail)}</span>` : ""}`;
}

/** Metric means as horizontal HTML bars, one group per metric: labels never overlap, at any width. */
function metricBars(report: EvalReport): string {
  const metrics = report.settings.metrics;
  let max = 0;
  for (const s of report.systems) for (const m of metrics) max = Math.max(max, s.metrics[m] ?? 0);
  const scale = Math.max(1, max);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => `<span style="left:${t * 100}%">${fixed(scale * t, 2)}</span>`).join("");
  const groups = metrics
    .map((m) => {
      const rows = report.systems
        .map((s, si) => {
          // A missing value draws no bar and shows the table's dash, never a made-up 0.0000.
          const v = s.metrics[m];
          const width = Math.max(0, Math.min(100, (100 * (v ?? 0)) / scale));
          return `<div class="bar-row"><span class="bar-label">${esc(s.name)}</span><span class="bar-track"><span class="bar" style="width:${width.toFixed(2)}%;background:${COLORS[si % COLORS.length]}" title="${esc(`${s.name} ${m}: ${fixed(v, 4)}`)}"></span></span><span class="bar-value">${fixed(v, 4)}</span></div>`;
        })
        .join("");
      return `<div class="bar-group"><div class="bar-metric">${esc(m)}</div>${rows}</div>`;
    })
    .join("");
  return `<figure id="metric-bars" class="chart" role="img" aria-label="Mean of each metric per system">
<div class="axis-title y-title">each system's mean, grouped by metric</div>
<div class="bars">${groups}</div>
<div class="bar-row axis"><span class="bar-label"></span><span class="bar-track ticks">${ticks}</span><span class="bar-value"></span></div>
<figcaption class="axis-title x-title">mean over ${formatCount(report.queries)} queries (0 = nothing relevant found, 1 = ideal ranking)</figcaption>
</figure>`;
}

/** A step of 1, 2 or 5 × 10^k at or above `x`: the scale's end reads as a round number. */
function niceCeil(x: number): number {
  if (!(x > 0)) return 0.01;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * p >= x - 1e-12) return m * p;
  return 10 * p;
}

/**
 * Per-query change of `system` against the first stage on `metric`, queries sorted by change:
 * bars in an SVG stretched to the width, the scale and axis titles in HTML beside it.
 */
function deltaChart(report: EvalReport, system: SystemReport, metric: string): string {
  const first = report.systems[0]!;
  const base = first.perQuery[metric] ?? {};
  const mine = system.perQuery[metric] ?? {};
  const deltas = Object.keys(base)
    .map((q) => ({ q, d: (mine[q] ?? 0) - (base[q] ?? 0) }))
    .sort((x, y) => y.d - x.d);
  let biggest = 0;
  for (const x of deltas) biggest = Math.max(biggest, Math.abs(x.d));
  const top = niceCeil(biggest);
  const n = Math.max(1, deltas.length);
  const height = 100;
  const mid = height / 2;
  let better = 0;
  let worse = 0;
  let bars = "";
  deltas.forEach(({ q, d }, i) => {
    if (d > 0) better++;
    if (d < 0) worse++;
    if (d === 0) return;
    const h = (mid * Math.abs(d)) / top;
    bars += `<rect class="bar" x="${i}" y="${(d > 0 ? mid - h : mid).toFixed(2)}" width="${n > 400 ? 1 : 0.9}" height="${h.toFixed(2)}" fill="${d > 0 ? "#059669" : "#dc2626"}"><title>${esc(q)}: ${signed(d, 4)}</title></rect>`;
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" class="delta-bars" viewBox="0 0 ${n} ${height}" preserveAspectRatio="none" aria-hidden="true"><line x1="0" x2="${n}" y1="${mid}" y2="${mid}" stroke="#9ca3af" vector-effect="non-scaling-stroke"/>${bars}</svg>`;
  const unchanged = deltas.length - better - worse;
  return `<figure class="chart delta" role="img" aria-label="${esc(`Per-query ${metric} change of ${system.name} against ${first.name}`)}">
<div class="delta-plot"><div class="delta-scale"><span class="tick tick-top">${signed(top, 2)}</span><span class="tick tick-mid">0</span><span class="tick tick-bottom">${signed(-top, 2)}</span></div>${svg}</div>
<figcaption class="axis-title x-title">${formatCount(deltas.length)} queries, sorted by change of ${esc(metric)}: ${formatCount(better)} better, ${formatCount(unchanged)} unchanged, ${formatCount(worse)} worse</figcaption>
</figure>`;
}

const CSS = `
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:1040px;padding:1.5rem 1rem;color:#111827}
h1{font-size:1.5rem;margin:.2rem 0 .8rem}h2{font-size:1.15rem;margin:2rem 0 .5rem}h3{font-size:1rem;margin:1.2rem 0 .3rem;overflow-wrap:anywhere}
dl.meta{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.2rem 1rem;margin:0 0 1rem}
dl.meta dt{color:#4b5563}dl.meta dd{margin:0;overflow-wrap:anywhere}
code{font:13px/1.4 ui-monospace,monospace;background:#f3f4f6;padding:.1rem .3rem;border-radius:3px;overflow-wrap:anywhere}
.table-wrap{max-width:100%;overflow-x:auto}
table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid #e5e7eb;padding:.3rem .45rem;text-align:right;vertical-align:top}
th{font-weight:600;color:#374151}
th:first-child,td:first-child{text-align:left;overflow-wrap:anywhere;min-width:7rem}
.swatch{display:inline-block;width:.7rem;height:.7rem;margin-right:.35rem;border-radius:2px;vertical-align:baseline}
.sys{font-weight:600}.detail{display:block;color:#4b5563;font-size:.85em}
.note{color:#4b5563}
.chart{margin:.5rem 0 1.5rem}
.axis-title{color:#374151;font-size:.85rem}
.bar-group{margin:.4rem 0 .6rem}.bar-metric{font-weight:600;font-size:.9rem}
.bar-row{display:grid;grid-template-columns:minmax(5rem,12rem) minmax(0,1fr) 4.2rem;gap:.5rem;align-items:center;font-size:.85rem}
.bar-label{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.bar-track{position:relative;height:.9rem;background:repeating-linear-gradient(90deg,#f3f4f6 0 1px,transparent 1px 25%)}
.bar-track .bar{position:absolute;left:0;top:0;bottom:0}
.bar-value{text-align:right;font-variant-numeric:tabular-nums}
.axis .ticks{background:none;height:1.1rem}.axis .ticks span{position:absolute;transform:translateX(-50%);font-size:.75rem;color:#4b5563}
.axis .ticks span:first-child{transform:none}.axis .ticks span:last-child{transform:translateX(-100%)}
.delta-plot{display:grid;grid-template-columns:3.2rem minmax(0,1fr);gap:.4rem;height:150px}
.delta-scale{position:relative;font-size:.75rem;color:#4b5563;text-align:right}
.delta-scale .tick{position:absolute;right:0}.tick-top{top:0}.tick-mid{top:50%;transform:translateY(-50%)}.tick-bottom{bottom:0}
.delta-bars{width:100%;height:150px;display:block;background:#fafafa}
@media (max-width:640px){
body{font-size:14px;padding:1rem .6rem}
.bar-row{grid-template-columns:minmax(4rem,7rem) minmax(0,1fr) 3.6rem}
table,tbody,tr,td{display:block;width:100%}thead{display:none}
tr{border:1px solid #e5e7eb;border-radius:6px;margin:0 0 .6rem;padding:.3rem .5rem}
td{display:flex;justify-content:space-between;gap:1rem;border:0;padding:.12rem 0;text-align:right}
td::before{content:attr(data-label);color:#4b5563;text-align:left}
td:first-child{display:block;min-width:0;border-bottom:1px solid #e5e7eb;padding-bottom:.25rem;margin-bottom:.2rem}
td:first-child::before{content:none}
}
`;

/** The report as one self-contained HTML page. `options` says where it came from (a string is the title). */
export function renderHtml(report: EvalReport, options: HtmlReportOptions | string = {}): string {
  const o: HtmlReportOptions = typeof options === "string" ? { title: options } : options;
  const title = o.title ?? "Rerankit evaluation";
  const metrics = report.settings.metrics;
  const primary = metrics[0]!;
  const s = report.settings;
  const firstName = report.systems[0]?.name ?? "";

  const qualityLabels = ["system", ...metrics];
  const quality = report.systems
    .map((sys, i) => {
      const cells = metrics.map((m) => {
        const t = sys.vsFirstStage?.[m];
        const sig = t && t.p < 0.05 ? (t.delta > 0 ? " ▲" : " ▼") : "";
        return `${fixed(sys.metrics[m], 4)}${sig}`;
      });
      return row(qualityLabels, [systemLabel(sys, i), ...cells]);
    })
    .join("\n");
  const costLabels = ["system", "p50 ms", "p95 ms", "requests", "tokens", "search units", "est. cost"];
  const cost = report.systems
    .map((sys, i) =>
      row(costLabels, [
        systemLabel(sys, i),
        ms(sys.latency?.p50),
        ms(sys.latency?.p95),
        formatCount(sys.usage.requests),
        formatCount(sys.usage.totalTokens),
        formatCount(sys.usage.searchUnits),
        sys.usage.cost === null ? "–" : `$${fixed(sys.usage.cost, 4)}`,
      ]),
    )
    .join("\n");
  const testLabels = ["system", "metric", "Δ mean", "p", "wins", "ties", "losses"];
  const pairLabels = ["pair", ...testLabels.slice(1)];
  const testRow = (
    labels: string[],
    label: string,
    m: string,
    t: { delta: number; p: number; wins: number; ties: number; losses: number },
  ) => row(labels, [label, esc(m), signed(t.delta, 4), esc(formatP(t.p)), formatCount(t.wins), formatCount(t.ties), formatCount(t.losses)]);
  const tests = report.systems
    .filter((sys) => sys.vsFirstStage)
    .flatMap((sys) => metrics.map((m) => testRow(testLabels, esc(sys.name), m, sys.vsFirstStage![m]!)))
    .join("\n");
  const pairs = report.comparisons
    .flatMap((c) => metrics.map((m) => testRow(pairLabels, `${esc(c.b)} vs ${esc(c.a)}`, m, c.tests[m]!)))
    .join("\n");
  const deltas = report.systems
    .filter((sys) => sys.role === "reranker")
    .map((sys) => `<h3>${esc(sys.name)}: ${esc(primary)} per query, minus ${esc(firstName)}</h3>\n${deltaChart(report, sys, primary)}`)
    .join("\n");
  const created = o.created ?? new Date();
  const meta = [
    o.dataset !== undefined ? `<dt>dataset</dt><dd>${esc(o.dataset)}</dd>` : "",
    o.split !== undefined ? `<dt>split</dt><dd>${esc(o.split)}</dd>` : "",
    o.qrels !== undefined ? `<dt>judgments</dt><dd>${esc(o.qrels)}</dd>` : "",
    `<dt>queries</dt><dd>${formatCount(report.queries)} evaluated${report.skipped ? `; ${formatCount(report.skipped)} left out (no relevant judgment)` : ""}</dd>`,
    `<dt>first stage</dt><dd>${esc(s.firstStage)}${s.k1 !== null ? ` (BM25, k1 ${fixed(s.k1, 2)}, b ${fixed(s.b, 2)}, top ${formatCount(s.firstStageDepth)})` : ""}; rerankers reorder its top ${formatCount(s.depth)}</dd>`,
    `<dt>made</dt><dd><time datetime="${esc(created.toISOString())}">${esc(
      created
        .toISOString()
        .replace("T", " ")
        .replace(/\.\d+Z$/, " UTC"),
    )}</time></dd>`,
    o.command !== undefined ? `<dt>command</dt><dd><code>${esc(o.command)}</code></dd>` : "",
  ].join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${esc(title)}</h1>
<dl class="meta">${meta}</dl>
<h2>Quality</h2>
<div class="table-wrap"><table id="metrics">${head(qualityLabels)}<tbody>
${quality}
</tbody></table></div>
<p class="note">▲/▼: different from ${esc(firstName)} at p &lt; 0.05 (${esc(s.test)}, ${formatCount(s.trials)} trials, seed ${esc(s.seed)}).</p>
${metricBars(report)}
<h2>Speed and cost</h2>
<div class="table-wrap"><table id="cost">${head(costLabels)}<tbody>
${cost}
</tbody></table></div>
${deltas ? `<h2>Per-query change against ${esc(firstName)}</h2>\n${deltas}` : ""}
${tests ? `<h2>Significance against ${esc(firstName)}</h2><div class="table-wrap"><table id="tests">${head(testLabels)}<tbody>\n${tests}\n</tbody></table></div>` : ""}
${reliabilitySection(report)}
${pairs ? `<h2>Pairwise</h2><div class="table-wrap"><table id="pairs">${head(pairLabels)}<tbody>\n${pairs}\n</tbody></table></div>` : ""}
</body>
</html>
`;
}
