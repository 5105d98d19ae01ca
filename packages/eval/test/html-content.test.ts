/**
 * What the HTML report says, read from the page's text without a browser (html.test.ts and
 * html-layout.test.ts render it in Chromium): the provenance header, every number in the tables
 * with its precision and thousands separators, the significance markers at the p < 0.05 boundary,
 * the missing-value dashes, the bar widths against the axis, the per-query delta bars (sorted,
 * signed, zeros left out, on a round scale), the notes, the calibration section and the escaping
 * of every string. A report built by hand, so each expected value is known. Fast and text-only, so
 * `pnpm mutation` runs it against every mutant of html.ts.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type EvalReport, formatCount, renderHtml, runEvalCommand, type SystemReport } from "../src/index.js";
import { writeFixture } from "./support/fixture.js";

const test = (delta: number, p: number, wins: number, ties: number, losses: number) => ({
  delta,
  p,
  wins,
  ties,
  losses,
  method: "exact" as const,
});

/** The report's colours, system by system (html.ts COLORS). */
const GREY = "#6b7280";
const BLUE = "#2563eb";
const ORANGE = "#d97706";
const GAIN = "#059669";
const LOSS = "#dc2626";

function report(patch: Partial<EvalReport> = {}): EvalReport {
  return {
    queries: 4,
    skipped: 0,
    skippedIds: [],
    comparisons: [],
    settings: {
      metrics: ["ndcg@10", "mrr@10"],
      depth: 100,
      firstStage: "bm25",
      firstStageDepth: 1000,
      k1: 0.9,
      b: 0.4,
      test: "paired randomization",
      trials: 10000,
      seed: 42,
    },
    systems: [
      {
        name: "bm25-first-stage",
        role: "first-stage",
        metrics: { "ndcg@10": 0.5, "mrr@10": 0.25 },
        perQuery: { "ndcg@10": { q1: 0.5, q2: 0.5, q3: 0.5, q4: 0.5 }, "mrr@10": { q1: 0.25, q2: 0.25, q3: 0.25, q4: 0.25 } },
        latency: null,
        usage: { requests: 0, cost: null },
      },
      {
        name: "cohere:rerank-v3.5",
        role: "reranker",
        provider: "cohere",
        model: "rerank-v3.5",
        metrics: { "ndcg@10": 0.75, "mrr@10": 0.125 },
        // Deltas against the first stage: q1 +0.3, q2 −0.1, q3 0, q4 +0.05.
        perQuery: { "ndcg@10": { q1: 0.8, q2: 0.4, q3: 0.5, q4: 0.55 }, "mrr@10": { q1: 0.125, q2: 0.125, q3: 0.125, q4: 0.125 } },
        latency: { p50: 12.345, p95: 1234.5, mean: 20 },
        usage: { requests: 7, totalTokens: 1234567, searchUnits: 3, cost: 0.01234 },
        vsFirstStage: { "ndcg@10": test(0.25, 0.01, 3, 1, 0), "mrr@10": test(-0.125, 0.0004, 0, 0, 4) },
      },
      {
        name: "bm25",
        role: "reranker",
        provider: "bm25",
        metrics: { "ndcg@10": 0.5, "mrr@10": 0.25 },
        perQuery: { "ndcg@10": { q1: 0.5, q2: 0.5, q3: 0.5, q4: 0.5 }, "mrr@10": { q1: 0.25, q2: 0.25, q3: 0.25, q4: 0.25 } },
        latency: { p50: 1, p95: Number.NaN, mean: 1.5 },
        usage: { requests: 2, cost: 0 },
        // Exactly at the boundary: p = 0.05 is not "p < 0.05", so no marker.
        vsFirstStage: { "ndcg@10": test(0, 0.05, 0, 4, 0), "mrr@10": test(0, 1, 0, 4, 0) },
      },
    ],
    ...patch,
  };
}

/** The first cell of a system's row: its colour swatch, its name, and what it is. */
function systemCell(color: string, name: string, detail: string): string {
  return `<span class="swatch" style="background:${color}"></span><span class="sys">${name}</span><span class="detail">${detail}</span>`;
}

/**
 * The header and the cells, row by row, of the table with this id. Each cell must carry its
 * column's name (`data-label`, what a narrow screen shows in its card) and nothing may stand
 * between the cells.
 */
function table(html: string, id: string): { head: string[]; rows: string[][] } {
  const match = new RegExp(`<table id="${id}"><thead><tr>([\\s\\S]*?)</tr></thead><tbody>\\n([\\s\\S]*?)\\n</tbody></table>`).exec(html);
  if (!match) throw new Error(`no table ${id}`);
  const head = [...match[1]!.matchAll(/<th>([\s\S]*?)<\/th>/g)].map((m) => m[1]!);
  expect(match[1]).toBe(head.map((h) => `<th>${h}</th>`).join(""));
  const lines = match[2] === "" ? [] : match[2]!.split("\n");
  const rows = lines.map((line) => {
    const cells = [...line.matchAll(/<td data-label="([^"]*)">([\s\S]*?)<\/td>/g)];
    expect(line).toBe(`<tr>${cells.map((c) => c[0]).join("")}</tr>`);
    expect(cells.map((c) => c[1])).toEqual(head);
    return cells.map((c) => c[2]!);
  });
  return { head, rows };
}

/** The provenance header: each `<dt>` with its `<dd>`, in order. */
function meta(html: string): [string, string][] {
  const dl = /<dl class="meta">([\s\S]*?)<\/dl>/.exec(html)![1]!;
  const pairs = [...dl.matchAll(/<dt>([^<]*)<\/dt><dd>([\s\S]*?)<\/dd>/g)];
  expect(dl).toBe(pairs.map((p) => p[0]).join(""));
  return pairs.map((p) => [p[1]!, p[2]!]);
}

interface MetricBar {
  label: string;
  width: number;
  color: string;
  title: string;
  value: string;
}

/** The metric chart: each metric's group of bars, and the axis tick labels with their positions. */
function metricChart(html: string): { groups: { metric: string; bars: MetricBar[] }[]; ticks: [number, string][]; caption: string } {
  const figure = /<figure id="metric-bars"[^>]*>([\s\S]*?)<\/figure>/.exec(html)![1]!;
  const groupMatches = [
    ...figure.matchAll(
      /<div class="bar-group"><div class="bar-metric">([^<]*)<\/div>([\s\S]*?)<\/div>(?=<div class="bar-group">|<\/div>\n)/g,
    ),
  ];
  // Nothing between the groups, nor between the rows of a group, nor between the ticks.
  expect(/<div class="bars">([\s\S]*?)<\/div>\n/.exec(figure)![1]).toBe(groupMatches.map((g) => g[0]).join(""));
  const groups = groupMatches.map((g) => {
    const rows = [
      ...g[2]!.matchAll(
        /<div class="bar-row"><span class="bar-label">([^<]*)<\/span><span class="bar-track"><span class="bar" style="width:([^%]+)%;background:([^"]+)" title="([^"]*)"><\/span><\/span><span class="bar-value">([^<]*)<\/span><\/div>/g,
      ),
    ];
    expect(g[2]).toBe(rows.map((r) => r[0]).join(""));
    return {
      metric: g[1]!,
      bars: rows.map((r) => ({ label: r[1]!, width: Number(r[2]), color: r[3]!, title: r[4]!, value: r[5]! })),
    };
  });
  const track = /<span class="bar-track ticks">([\s\S]*?)<\/span><span class="bar-value">/.exec(figure)![1]!;
  const tickMatches = [...track.matchAll(/<span style="left:([^%]+)%">([^<]*)<\/span>/g)];
  expect(track).toBe(tickMatches.map((m) => m[0]).join(""));
  const ticks = tickMatches.map((m) => [Number(m[1]), m[2]!] as [number, string]);
  const caption = /<figcaption class="axis-title x-title">([^<]*)<\/figcaption>/.exec(figure)![1]!;
  return { groups, ticks, caption };
}

interface DeltaBar {
  x: number;
  y: number;
  width: number;
  height: number;
  fill: string;
  title: string;
}

interface DeltaChart {
  label: string;
  viewBox: string;
  bars: DeltaBar[];
  scale: [string, string, string];
  zeroLine: string;
  caption: string;
}

/** The per-query delta charts, in page order. */
function deltaCharts(html: string): DeltaChart[] {
  return [...html.matchAll(/<figure class="chart delta" role="img" aria-label="([^"]*)">([\s\S]*?)<\/figure>/g)].map((f) => {
    const body = f[2]!;
    const scale =
      /<div class="delta-scale"><span class="tick tick-top">([^<]*)<\/span><span class="tick tick-mid">([^<]*)<\/span><span class="tick tick-bottom">([^<]*)<\/span><\/div>/.exec(
        body,
      )!;
    const svg = /<svg [^>]*viewBox="([^"]+)"[^>]*>(<line [^>]*\/>)([\s\S]*?)<\/svg>/.exec(body)!;
    const bars = [
      ...svg[3]!.matchAll(
        /<rect class="bar" x="([^"]+)" y="([^"]+)" width="([^"]+)" height="([^"]+)" fill="([^"]+)"><title>([^<]*)<\/title><\/rect>/g,
      ),
    ];
    // Nothing in the SVG but the zero line and the bars.
    expect(svg[3]).toBe(bars.map((b) => b[0]).join(""));
    return {
      label: f[1]!,
      viewBox: svg[1]!,
      zeroLine: svg[2]!,
      bars: bars.map((m) => ({ x: Number(m[1]), y: Number(m[2]), width: Number(m[3]), height: Number(m[4]), fill: m[5]!, title: m[6]! })),
      scale: [scale[1]!, scale[2]!, scale[3]!],
      caption: /<figcaption class="axis-title x-title">([^<]*)<\/figcaption>/.exec(body)![1]!,
    };
  });
}

/** A report of one reranker against the first stage on one metric, with these per-query values. */
function deltaReport(first: Record<string, number>, reranked: Record<string, number>): EvalReport {
  const base = report();
  const only = (s: SystemReport, values: Record<string, number>): SystemReport => ({
    ...s,
    metrics: { "ndcg@10": 0.5 },
    perQuery: { "ndcg@10": values },
  });
  return {
    ...base,
    settings: { ...base.settings, metrics: ["ndcg@10"] },
    systems: [only(base.systems[0]!, first), only(base.systems[1]!, reranked)],
  };
}

afterEach(() => {
  vi.useRealTimers();
});

// Each test renders inside its own body (never at describe level): mutation testing switches a
// mutant on per test, and a page rendered while the file is collected would never see it.
describe("renderHtml: the provenance header", () => {
  it("names the dataset, split, query counts, first stage, date and command, with thousands separators", () => {
    const html = renderHtml(report({ queries: 12345, skipped: 2, skippedIds: ["a", "b"] }), {
      dataset: "beir/scifact",
      split: "test",
      command: "rerankit eval --dataset beir/scifact --rerank cohere:rerank-v3.5 --api-key *** --html r.html",
      created: new Date("2026-12-06T05:10:42.123Z"),
    });
    expect(meta(html)).toEqual([
      ["dataset", "beir/scifact"],
      ["split", "test"],
      ["queries", "12,345 evaluated; 2 left out (no relevant judgment)"],
      ["first stage", "bm25 (BM25, k1 0.90, b 0.40, top 1,000); rerankers reorder its top 100"],
      ["made", '<time datetime="2026-12-06T05:10:42.123Z">2026-12-06 05:10:42 UTC</time>'],
      ["command", "<code>rerankit eval --dataset beir/scifact --rerank cohere:rerank-v3.5 --api-key *** --html r.html</code>"],
    ]);
  });

  it("names a qrels file instead of a split, and leaves out what it was not told", () => {
    const html = renderHtml(report(), { qrels: "my/qrels.tsv", created: new Date("2026-01-02T03:04:05Z") });
    expect(meta(html)).toEqual([
      ["judgments", "my/qrels.tsv"],
      ["queries", "4 evaluated"],
      ["first stage", "bm25 (BM25, k1 0.90, b 0.40, top 1,000); rerankers reorder its top 100"],
      ["made", '<time datetime="2026-01-02T03:04:05.000Z">2026-01-02 03:04:05 UTC</time>'],
    ]);
  });

  it("says nothing about BM25 settings for a given run file", () => {
    const base = report();
    const html = renderHtml(
      { ...base, settings: { ...base.settings, firstStage: "run.trec", k1: null, b: null } },
      { created: new Date(0) },
    );
    expect(meta(html)[1]).toEqual(["first stage", "run.trec; rerankers reorder its top 100"]);
    expect(html).not.toContain("BM25, k1");
  });

  it("is dated now when no date is given", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2031-07-08T09:10:11.500Z"));
    expect(meta(renderHtml(report()))[2]).toEqual(["made", '<time datetime="2031-07-08T09:10:11.500Z">2031-07-08 09:10:11 UTC</time>']);
  });

  it("titles the page; a string option is the title", () => {
    expect(renderHtml(report())).toContain("<title>Rerankit evaluation</title>\n");
    expect(renderHtml(report())).toContain("<h1>Rerankit evaluation</h1>");
    const html = renderHtml(report(), "SciFact");
    expect(html).toContain("<title>SciFact</title>");
    expect(html).toContain("<h1>SciFact</h1>");
    expect(renderHtml(report(), { title: "Mine" })).toContain("<h1>Mine</h1>");
  });

  it("`rerankit eval --html` writes the command it ran, with the --api-key value replaced", async () => {
    const dir = writeFixture();
    const out = mkdtempSync(join(tmpdir(), "rerankit-html-"));
    const noop = { write: () => true };
    for (const [args, shown] of [
      [["--api-key", "sk-secret-1"], "--api-key ***"],
      [["--api-key=sk-secret-1"], "--api-key=***"],
    ] as const) {
      const file = join(out, `${shown.length}.html`);
      const code = await runEvalCommand(["--collection", dir, "--rerank", "bm25", ...args, "--html", file], {
        stdout: noop,
        stderr: { ...noop, isTTY: false },
        env: {},
      });
      expect(code).toBe(0);
      const html = readFileSync(file, "utf8");
      expect(html).not.toContain("sk-secret");
      const command = new Map(meta(html)).get("command")!;
      expect(command).toBe(`<code>rerankit eval --collection ${dir} --rerank bm25 ${shown} --html ${file}</code>`);
      expect(new Map(meta(html)).get("dataset")).toBe(dir);
      expect(new Map(meta(html)).get("split")).toBe("test");
    }
  });
});

describe("renderHtml: the quality table", () => {
  it("has one column per metric after the system, each value with 4 decimals, markers only below p 0.05", () => {
    const { head, rows } = table(renderHtml(report()), "metrics");
    expect(head).toEqual(["system", "ndcg@10", "mrr@10"]);
    expect(rows).toEqual([
      [systemCell(GREY, "bm25-first-stage", "first stage"), "0.5000", "0.2500"],
      [systemCell(BLUE, "cohere:rerank-v3.5", "cohere · rerank-v3.5"), "0.7500 ▲", "0.1250 ▼"],
      [systemCell(ORANGE, "bm25", "bm25"), "0.5000", "0.2500"],
    ]);
  });

  it("shows a dash for a missing value, and no detail line for a system of unknown provider", () => {
    const base = report();
    const systems = base.systems.map((s, i) => (i === 2 ? { ...s, provider: undefined, metrics: { "ndcg@10": Number.NaN } } : s));
    const { rows } = table(renderHtml({ ...base, systems }), "metrics");
    expect(rows[2]).toEqual([`<span class="swatch" style="background:${ORANGE}"></span><span class="sys">bm25</span>`, "–", "–"]);
  });

  it("explains the markers: test, trials with separators, seed", () => {
    expect(renderHtml(report())).toContain(
      '<p class="note">▲/▼: different from bm25-first-stage at p &lt; 0.05 (paired randomization, 10,000 trials, seed 42).</p>',
    );
  });
});

describe("renderHtml: the speed and cost table", () => {
  it("prints latency with 2 decimals, counts with separators, the cost in dollars, a dash where unknown", () => {
    const { head, rows } = table(renderHtml(report()), "cost");
    expect(head).toEqual(["system", "p50 ms", "p95 ms", "requests", "tokens", "search units", "est. cost"]);
    expect(rows.map((r) => r.slice(1))).toEqual([
      ["–", "–", "0", "–", "–", "–"],
      ["12.35", "1,234.50", "7", "1,234,567", "3", "$0.0123"],
      ["1.00", "–", "2", "–", "–", "$0.0000"],
    ]);
    expect(rows.map((r) => r[0])).toEqual(table(renderHtml(report()), "metrics").rows.map((r) => r[0]));
  });

  it("formatCount: separators, rounding, a dash for anything but a finite number", () => {
    expect([0, 999, 1000, 12345.6, -2500, Number.NaN, Number.POSITIVE_INFINITY, "5", null, undefined].map(formatCount)).toEqual([
      "0",
      "999",
      "1,000",
      "12,346",
      "-2,500",
      "–",
      "–",
      "–",
      "–",
      "–",
    ]);
  });
});

describe("renderHtml: the significance tables", () => {
  it("lists each reranker × metric against the first stage: signed delta, p, wins, ties, losses", () => {
    const base = report();
    base.systems[1]!.vsFirstStage!["ndcg@10"] = test(0.25, 0.01, 3000, 1, 0);
    const html = renderHtml(base);
    expect(html).toContain('<h2>Significance against bm25-first-stage</h2><div class="table-wrap"><table id="tests">');
    const { head, rows } = table(html, "tests");
    expect(head).toEqual(["system", "metric", "Δ mean", "p", "wins", "ties", "losses"]);
    expect(rows).toEqual([
      ["cohere:rerank-v3.5", "ndcg@10", "+0.2500", "0.010", "3,000", "1", "0"],
      ["cohere:rerank-v3.5", "mrr@10", "−0.1250", "&#60;0.001", "0", "0", "4"],
      ["bm25", "ndcg@10", "+0.0000", "0.050", "0", "4", "0"],
      ["bm25", "mrr@10", "+0.0000", "1.000", "0", "4", "0"],
    ]);
  });

  it("lists the pairwise comparisons as 'b vs a'", () => {
    const html = renderHtml(
      report({
        comparisons: [
          { a: "bm25", b: "cohere:rerank-v3.5", tests: { "ndcg@10": test(0.25, 0.2, 2, 1, 1), "mrr@10": test(-0.125, 0.0001, 0, 0, 4) } },
          { a: "x", b: "y", tests: { "ndcg@10": test(0, 1, 0, 4, 0), "mrr@10": test(0, 1, 0, 4, 0) } },
        ],
      }),
    );
    expect(html).toContain('<h2>Pairwise</h2><div class="table-wrap"><table id="pairs">');
    const { head, rows } = table(html, "pairs");
    expect(head).toEqual(["pair", "metric", "Δ mean", "p", "wins", "ties", "losses"]);
    expect(rows).toEqual([
      ["cohere:rerank-v3.5 vs bm25", "ndcg@10", "+0.2500", "0.200", "2", "1", "1"],
      ["cohere:rerank-v3.5 vs bm25", "mrr@10", "−0.1250", "&#60;0.001", "0", "0", "4"],
      ["y vs x", "ndcg@10", "+0.0000", "1.000", "0", "4", "0"],
      ["y vs x", "mrr@10", "+0.0000", "1.000", "0", "4", "0"],
    ]);
  });

  it("leaves them out, headings included, when there is nothing to compare", () => {
    const only = report();
    const html = renderHtml({ ...only, systems: [only.systems[0]!] });
    for (const gone of ['id="tests"', "Significance against", 'id="pairs"', "Pairwise", "Per-query change", "chart delta", "Calibration"]) {
      expect(html).not.toContain(gone);
    }
    expect(table(html, "metrics").rows).toHaveLength(1);
    // After the cost table the page ends: nothing else was rendered in their place.
    expect(/<table id="cost">[\s\S]*?<\/table><\/div>([\s\S]*)<\/body>/.exec(html)![1]!.trim()).toBe("");
  });
});

describe("renderHtml: a report without systems", () => {
  it("still renders, with empty tables and no first stage to name", () => {
    const html = renderHtml(report({ systems: [] }), { created: new Date(0) });
    expect(table(html, "metrics").rows).toEqual([]);
    expect(html).toContain('<p class="note">▲/▼: different from  at p &lt; 0.05');
    expect(metricChart(html).groups.map((g) => g.bars)).toEqual([[], []]);
  });
});

describe("renderHtml: the metric bars", () => {
  it("draws one bar per system and metric, its width the value on a 0–1 axis, in the system's colour", () => {
    const { groups, ticks, caption } = metricChart(renderHtml(report()));
    expect(groups.map((g) => g.metric)).toEqual(["ndcg@10", "mrr@10"]);
    expect(groups[0]!.bars).toEqual([
      { label: "bm25-first-stage", width: 50, color: GREY, title: "bm25-first-stage ndcg@10: 0.5000", value: "0.5000" },
      { label: "cohere:rerank-v3.5", width: 75, color: BLUE, title: "cohere:rerank-v3.5 ndcg@10: 0.7500", value: "0.7500" },
      { label: "bm25", width: 50, color: ORANGE, title: "bm25 ndcg@10: 0.5000", value: "0.5000" },
    ]);
    expect(groups[1]!.bars.map((b) => [b.label, b.width, b.color, b.value])).toEqual([
      ["bm25-first-stage", 25, GREY, "0.2500"],
      ["cohere:rerank-v3.5", 12.5, BLUE, "0.1250"],
      ["bm25", 25, ORANGE, "0.2500"],
    ]);
    // The axis: five ticks from 0 to 1, each where a bar of that value ends.
    expect(ticks).toEqual([
      [0, "0.00"],
      [25, "0.25"],
      [50, "0.50"],
      [75, "0.75"],
      [100, "1.00"],
    ]);
    expect(caption).toBe("mean over 4 queries (0 = nothing relevant found, 1 = ideal ranking)");
    expect(renderHtml(report())).toContain('<div class="axis-title y-title">each system\'s mean, grouped by metric</div>');
  });

  it("scales the axis to the largest value when a metric goes above 1", () => {
    const base = report();
    const systems = base.systems.map((s, i) => ({ ...s, metrics: { "ndcg@10": i === 1 ? 2 : 0.5, "mrr@10": 1 } }));
    const { groups, ticks } = metricChart(renderHtml({ ...base, systems }));
    expect(ticks.map((t) => t[1])).toEqual(["0.00", "0.50", "1.00", "1.50", "2.00"]);
    expect(groups[0]!.bars.map((b) => b.width)).toEqual([25, 100, 25]); // the largest value fills the track
    expect(groups[1]!.bars.map((b) => b.width)).toEqual([50, 50, 50]);
  });

  it("keeps a missing value out of the scale and shows it as a dash, never a bar outside its track", () => {
    const base = report();
    const systems = base.systems.map((s, i) => (i === 1 ? { ...s, metrics: { "ndcg@10": -0.5 } } : s));
    const { groups, ticks } = metricChart(renderHtml({ ...base, systems }));
    expect(ticks.map((t) => t[1])).toEqual(["0.00", "0.25", "0.50", "0.75", "1.00"]);
    expect(groups[0]!.bars[1]).toMatchObject({ width: 0, value: "-0.5000" });
    expect(groups[1]!.bars[1]).toMatchObject({ width: 0, value: "–", title: "cohere:rerank-v3.5 mrr@10: –" });
  });

  it("counts the queries with thousands separators", () => {
    expect(metricChart(renderHtml(report({ queries: 5183 }))).caption).toBe(
      "mean over 5,183 queries (0 = nothing relevant found, 1 = ideal ranking)",
    );
  });
});

describe("renderHtml: per-query deltas", () => {
  it("draws one chart per reranker on the primary metric, titled with both systems", () => {
    const html = renderHtml(report());
    const charts = deltaCharts(html);
    expect(charts.map((c) => c.label)).toEqual([
      "Per-query ndcg@10 change of cohere:rerank-v3.5 against bm25-first-stage",
      "Per-query ndcg@10 change of bm25 against bm25-first-stage",
    ]);
    expect(html).toContain("<h2>Per-query change against bm25-first-stage</h2>");
    expect(html).toContain("<h3>cohere:rerank-v3.5: ndcg@10 per query, minus bm25-first-stage</h3>");
    expect(html).toContain("<h3>bm25: ndcg@10 per query, minus bm25-first-stage</h3>");
  });

  it("sorts the deltas best first, leaves out zeros, draws gains up in green and losses down in red", () => {
    const chart = deltaCharts(renderHtml(report()))[0]!;
    // Deltas q1 +0.3, q4 +0.05, q3 0 (no bar), q2 −0.1; the scale ends at the round 0.5 above 0.3.
    expect(chart.viewBox).toBe("0 0 4 100");
    expect(chart.zeroLine).toBe('<line x1="0" x2="4" y1="50" y2="50" stroke="#9ca3af" vector-effect="non-scaling-stroke"/>');
    expect(chart.scale).toEqual(["+0.50", "0", "−0.50"]);
    expect(chart.bars.map((b) => b.title)).toEqual(["q1: +0.3000", "q4: +0.0500", "q2: −0.1000"]);
    expect(chart.bars.map((b) => b.x)).toEqual([0, 1, 3]);
    expect(chart.bars.map((b) => b.fill)).toEqual([GAIN, GAIN, LOSS]);
    // Half the plot (50) is the scale's end (0.5): a delta d is 100·|d| high, gains end at the middle line.
    expect(chart.bars.map((b) => b.height)).toEqual([30, 5, 10]);
    expect(chart.bars.map((b) => b.y)).toEqual([20, 45, 50]);
    for (const b of chart.bars) expect(b.width).toBe(0.9);
    expect(chart.caption).toBe("4 queries, sorted by change of ndcg@10: 2 better, 1 unchanged, 1 worse");
  });

  it("a reranker equal to the first stage on every query draws no bar, on the smallest scale", () => {
    const chart = deltaCharts(renderHtml(report()))[1]!;
    expect(chart.bars).toEqual([]);
    expect(chart.scale).toEqual(["+0.01", "0", "−0.01"]);
    expect(chart.caption).toBe("4 queries, sorted by change of ndcg@10: 0 better, 4 unchanged, 0 worse");
  });

  it("ends the scale at the 1, 2 or 5 × 10^k at or above the largest change", () => {
    const scale = (d: number) => deltaCharts(renderHtml(deltaReport({ a: 0.5, b: 0.5 }, { a: 0.5 + d, b: 0.5 })))[0]!.scale;
    expect(scale(0.1)).toEqual(["+0.10", "0", "−0.10"]);
    expect(scale(0.2)).toEqual(["+0.20", "0", "−0.20"]);
    expect(scale(0.21)).toEqual(["+0.50", "0", "−0.50"]);
    expect(scale(-0.07)).toEqual(["+0.10", "0", "−0.10"]);
    expect(scale(0.015)).toEqual(["+0.02", "0", "−0.02"]);
    expect(scale(0.75)).toEqual(["+1.00", "0", "−1.00"]);
    expect(scale(-0.5)).toEqual(["+0.50", "0", "−0.50"]);
    // A loss reaching the scale's end fills the lower half.
    const chart = deltaCharts(renderHtml(deltaReport({ a: 0.5, b: 0.5 }, { a: 0, b: 0.6 })))[0]!;
    expect(chart.bars.map((b) => [b.title, b.y, b.height])).toEqual([
      ["b: +0.1000", 40, 10],
      ["a: −0.5000", 50, 50],
    ]);
  });

  it("counts a query missing from the reranker as 0, and separates thousands in the caption", () => {
    const first: Record<string, number> = {};
    const reranked: Record<string, number> = {};
    for (let i = 0; i < 1200; i++) {
      first[`q${i}`] = 0.5;
      if (i > 0) reranked[`q${i}`] = i % 2 ? 0.75 : 0.5;
    }
    const chart = deltaCharts(renderHtml(deltaReport(first, reranked)))[0]!;
    expect(chart.caption).toBe("1,200 queries, sorted by change of ndcg@10: 600 better, 599 unchanged, 1 worse");
    expect(chart.bars.at(-1)).toMatchObject({ title: "q0: −0.5000", x: 1199, fill: LOSS });
  });

  it("draws bars a full slot wide above 400 queries, so they do not fade into hairlines", () => {
    const width = (n: number) => {
      const first: Record<string, number> = {};
      const reranked: Record<string, number> = {};
      for (let i = 0; i < n; i++) {
        first[`q${i}`] = 0;
        reranked[`q${i}`] = 1;
      }
      const chart = deltaCharts(renderHtml(deltaReport(first, reranked)))[0]!;
      expect(chart.viewBox).toBe(`0 0 ${n} 100`);
      return new Set(chart.bars.map((b) => b.width));
    };
    expect(width(400)).toEqual(new Set([0.9]));
    expect(width(401)).toEqual(new Set([1]));
  });
});

describe("renderHtml: the calibration section", () => {
  it("is a reliability diagram per calibrated system, after the significance table", () => {
    const base = report();
    base.systems[1]!.calibration = {
      method: "isotonic",
      fittedOn: { split: "train", queries: 809, pairs: 80900 },
      pairs: 30000,
      brier: 0.0421,
      brierBaseRate: 0.05,
      brierSkill: 0.158,
      ece: 0.0123,
      reliability: [
        { from: 0, to: 0.1, count: 900, predicted: 0.02, observed: 0.03 },
        { from: 0.9, to: 1, count: 100, predicted: 0.95, observed: 0.9 },
      ],
    };
    const html = renderHtml(base);
    expect(html).toContain(
      '<h2>Calibration</h2>\n<p class="note">Each system\'s raw scores mapped to the probability of relevance (isotonic, fitted on train (809 queries, 80900 pairs)',
    );
    const section = /<div id="calibration">([\s\S]*?)<\/div>/.exec(html)![1]!;
    expect(
      [...section.matchAll(/<figure class="calibration"><figcaption><b>([^<]*)<\/b>: ([^<]*)<\/figcaption>/g)].map((m) => [m[1], m[2]]),
    ).toEqual([["cohere:rerank-v3.5", "30000 pairs, Brier 0.0421 (base rate 0.0500), skill 0.158, ECE 0.0123"]]);
    expect([...section.matchAll(/<circle class="bin"[^>]*><title>([^<]*)<\/title>/g)].map((m) => m[1])).toEqual([
      "0.0–0.1: predicted 0.020, observed 0.030, 900 pairs",
      "0.9–1.0: predicted 0.950, observed 0.900, 100 pairs",
    ]);
    expect(html.indexOf('id="tests"')).toBeLessThan(html.indexOf("<h2>Calibration</h2>"));
  });

  it("is absent when no system was calibrated", () => {
    expect(renderHtml(report())).not.toContain("Calibration");
  });
});

describe("renderHtml: escaping", () => {
  it("escapes every string that may come from a dataset, a remote service or the command line", () => {
    /** A hostile string naming where it was put: must show as text, never become markup or break an attribute. */
    const evil = (where: string) => `<b id=${where}>"'&\``;
    const shown = (where: string) => `&#60;b id=${where}&#62;&#34;&#39;&#38;&#96;`;
    const base = report();
    const metric = evil("metric");
    const per = (values: Record<string, number>) => ({ [metric]: values });
    const systems: SystemReport[] = [
      { ...base.systems[0]!, name: evil("first"), metrics: { [metric]: 0.5 }, perQuery: per({ [evil("query")]: 0.5 }) },
      {
        ...base.systems[1]!,
        name: evil("system"),
        provider: evil("provider"),
        model: evil("model"),
        metrics: { [metric]: 0.6 },
        perQuery: per({ [evil("query")]: 0.6 }),
        vsFirstStage: { [metric]: test(0.1, 0.5, 1, 0, 0) },
        calibration: {
          method: evil("method") as "isotonic",
          fittedOn: { split: evil("fit-split"), queries: 1, pairs: 2 },
          pairs: 2,
          brier: 0.1,
          brierBaseRate: 0.2,
          brierSkill: null,
          ece: 0.1,
          reliability: [],
        },
      },
    ];
    const html = renderHtml(
      {
        ...base,
        systems,
        comparisons: [{ a: evil("pair-a"), b: evil("pair-b"), tests: { [metric]: test(0, 1, 0, 1, 0) } }],
        settings: { ...base.settings, metrics: [metric], firstStage: evil("first-stage"), test: evil("test") },
      },
      {
        title: evil("title"),
        dataset: evil("dataset"),
        split: evil("split"),
        qrels: evil("qrels"),
        command: evil("command"),
      },
    );
    expect(html).not.toContain("<b id=");
    for (const where of [
      "title",
      "dataset",
      "split",
      "qrels",
      "command",
      "first",
      "system",
      "provider",
      "model",
      "metric",
      "query",
      "first-stage",
      "test",
      "pair-a",
      "pair-b",
      "method",
      "fit-split",
    ]) {
      expect(html, where).toContain(shown(where));
    }
    // In attributes too: each quoted value ends where it should (no attribute holds a raw quote).
    expect(html).toContain(`data-label="${shown("metric")}"`);
    expect(html).toContain(`title="${shown("system")} ${shown("metric")}: 0.6000"`);
    expect(html).toContain(`aria-label="Per-query ${shown("metric")} change of ${shown("system")} against ${shown("first")}"`);
    expect(html).toContain(`<title>${shown("query")}: +0.1000</title>`);
  });

  it("is one self-contained page: no script, nothing fetched", () => {
    const html = renderHtml(report());
    expect(html.startsWith("<!doctype html>\n")).toBe(true);
    expect(html.trimEnd().endsWith("</html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link rel="stylesheet"|src=|href="http/);
  });
});
