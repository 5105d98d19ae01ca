/**
 * What the HTML report says, read from the page's text without a browser (html.test.ts renders it
 * in Chromium): every number in the tables, the significance markers at the p < 0.05 boundary, the
 * missing-value dashes, the bar heights against the axis, the per-query delta bars (sorted, signed,
 * zeros left out) and the notes. A report built by hand, so each expected value is known.
 */
import { describe, expect, it } from "vitest";
import { type EvalReport, renderHtml } from "../src/index.js";

const test = (delta: number, p: number, wins: number, ties: number, losses: number) => ({
  delta,
  p,
  wins,
  ties,
  losses,
  method: "exact" as const,
});

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
        metrics: { "ndcg@10": 0.75, "mrr@10": 0.125 },
        // Deltas against the first stage: q1 +0.3, q2 −0.1, q3 0, q4 +0.05.
        perQuery: { "ndcg@10": { q1: 0.8, q2: 0.4, q3: 0.5, q4: 0.55 }, "mrr@10": { q1: 0.125, q2: 0.125, q3: 0.125, q4: 0.125 } },
        latency: { p50: 12.345, p95: 40.5, mean: 20 },
        usage: { requests: 7, totalTokens: 1234, searchUnits: 3, cost: 0.01234 },
        vsFirstStage: { "ndcg@10": test(0.25, 0.01, 3, 1, 0), "mrr@10": test(-0.125, 0.0004, 0, 0, 4) },
      },
      {
        name: "bm25",
        role: "reranker",
        metrics: { "ndcg@10": 0.5, "mrr@10": 0.25 },
        perQuery: { "ndcg@10": { q1: 0.5, q2: 0.5, q3: 0.5, q4: 0.5 }, "mrr@10": { q1: 0.25, q2: 0.25, q3: 0.25, q4: 0.25 } },
        latency: { p50: 1, p95: 2, mean: 1.5 },
        usage: { requests: 2, cost: null },
        // Exactly at the boundary: p = 0.05 is not "p < 0.05", so no marker.
        vsFirstStage: { "ndcg@10": test(0, 0.05, 0, 4, 0), "mrr@10": test(0, 1, 0, 4, 0) },
      },
    ],
    ...patch,
  };
}

/** The text of each cell, row by row, of the table with this id. */
function table(html: string, id: string): string[][] {
  const match = new RegExp(`<table id="${id}">([\\s\\S]*?)</table>`).exec(html);
  if (!match) return [];
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(match[1]!)![1]!;
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => {
    const cells = [...row[1]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((cell) => cell[1]!);
    // Nothing but the cells in a row: no stray text between them.
    expect(row[1]).toBe(cells.map((c) => `<td>${c}</td>`).join(""));
    return cells;
  });
}

/** The header cells of the table with this id. */
function header(html: string, id: string): string[] {
  const match = new RegExp(`<table id="${id}"><thead><tr>([\\s\\S]*?)</tr>`).exec(html)!;
  const cells = [...match[1]!.matchAll(/<th>([\s\S]*?)<\/th>/g)].map((cell) => cell[1]!);
  expect(match[1]).toBe(cells.map((c) => `<th>${c}</th>`).join(""));
  return cells;
}

interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
  fill: string;
  title: string;
}

/** The bars of one SVG (by a regex on its opening tag), with their geometry and tooltip. */
function bars(svg: string): Bar[] {
  return [
    ...svg.matchAll(
      /<rect class="bar" x="([^"]+)" y="([^"]+)" width="([^"]+)" height="([^"]+)" fill="([^"]+)"><title>([^<]*)<\/title><\/rect>/g,
    ),
  ].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    width: Number(m[3]),
    height: Number(m[4]),
    fill: m[5]!,
    title: m[6]!,
  }));
}

function svgs(html: string, cls: string): string[] {
  return [...html.matchAll(new RegExp(`<svg [^>]*class="${cls}"[^>]*>[\\s\\S]*?</svg>`, "g"))].map((m) => m[0]);
}

// Each test renders inside its own body (never at describe level): mutation testing switches a
// mutant on per test, and a page rendered while the file is collected would never see it.
describe("renderHtml: the metrics table", () => {
  it("has one column per metric between the name and the latency, usage and cost columns", () => {
    const html = renderHtml(report());
    expect(header(html, "metrics")).toEqual([
      "system",
      "ndcg@10",
      "mrr@10",
      "p50 ms",
      "p95 ms",
      "requests",
      "tokens",
      "search units",
      "est. cost $",
    ]);
  });

  it("prints every value with its precision, markers only below p 0.05, and a dash where a value is missing", () => {
    const html = renderHtml(report());
    expect(table(html, "metrics")).toEqual([
      ["bm25-first-stage", "0.5000", "0.2500", "–", "–", "0", "–", "–", "–"],
      ["cohere:rerank-v3.5", "0.7500 ▲", "0.1250 ▼", "12.35", "40.50", "7", "1234", "3", "0.0123"],
      ["bm25", "0.5000", "0.2500", "1.00", "2.00", "2", "–", "–", "–"],
    ]);
  });
});

describe("renderHtml: the significance tables", () => {
  it("lists each reranker × metric against the first stage: signed delta, p, wins, ties, losses", () => {
    const html = renderHtml(report());
    expect(html).toContain("<h2>Significance against bm25-first-stage</h2>");
    expect(table(html, "tests")).toEqual([
      ["cohere:rerank-v3.5", "ndcg@10", "+0.2500", "0.010", "3", "1", "0"],
      ["cohere:rerank-v3.5", "mrr@10", "-0.1250", "<0.001", "0", "0", "4"],
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
    expect(html).toContain("<h2>Pairwise</h2>");
    expect(table(html, "pairs")).toEqual([
      ["cohere:rerank-v3.5 vs bm25", "ndcg@10", "+0.2500", "0.200", "2", "1", "1"],
      ["cohere:rerank-v3.5 vs bm25", "mrr@10", "-0.1250", "<0.001", "0", "0", "4"],
      ["y vs x", "ndcg@10", "+0.0000", "1.000", "0", "4", "0"],
      ["y vs x", "mrr@10", "+0.0000", "1.000", "0", "4", "0"],
    ]);
  });

  it("leaves both out, headings included, when there is nothing to compare", () => {
    const only = report();
    const html = renderHtml({ ...only, systems: [only.systems[0]!] });
    expect(html).not.toContain('id="tests"');
    expect(html).not.toContain("Significance against");
    expect(html).not.toContain('id="pairs"');
    expect(html).not.toContain("Pairwise");
    expect(html).not.toContain("Per-query change");
    expect(table(html, "metrics")).toHaveLength(1);
    // After the metric chart's legend the page ends: nothing else was rendered in their place.
    expect(/<p class="legend">[\s\S]*?<\/p>([\s\S]*)<\/body>/.exec(html)![1]!.trim()).toBe("");
  });
});

describe("renderHtml: the metric bars", () => {
  it("draws one bar per system and metric, its height the value on a 0–1 axis, its tooltip the value", () => {
    const html = renderHtml(report());
    const chart = /<svg [^>]*id="metric-bars"[\s\S]*?<\/svg>/.exec(html)![0];
    const drawn = bars(chart);
    expect(drawn).toHaveLength(6);
    // Plot 200 px high from y = 20: a value v is 200·v high and starts at 220 − 200·v.
    const values = [0.5, 0.75, 0.5, 0.25, 0.125, 0.25];
    drawn.forEach((bar, i) => {
      expect(bar.height).toBeCloseTo(200 * values[i]!, 1);
      expect(bar.y).toBeCloseTo(220 - 200 * values[i]!, 1);
      expect(bar.width).toBe(18);
    });
    expect(drawn.map((b) => b.title)).toEqual([
      "bm25-first-stage ndcg@10: 0.5000",
      "cohere:rerank-v3.5 ndcg@10: 0.7500",
      "bm25 ndcg@10: 0.5000",
      "bm25-first-stage mrr@10: 0.2500",
      "cohere:rerank-v3.5 mrr@10: 0.1250",
      "bm25 mrr@10: 0.2500",
    ]);
    // Systems side by side within a metric's group, groups left to right; one colour per system.
    expect(drawn[1]!.x - drawn[0]!.x).toBe(22);
    expect(drawn[3]!.x).toBeGreaterThan(drawn[2]!.x);
    expect(new Set(drawn.slice(0, 3).map((b) => b.fill)).size).toBe(3);
    expect(drawn.slice(3).map((b) => b.fill)).toEqual(drawn.slice(0, 3).map((b) => b.fill));
    // The axis: five ticks from 0 to 1, each line and label at the height a bar of that value reaches.
    const ticks = [
      ...chart.matchAll(
        /<line x1="50" x2="[^"]+" y1="([^"]+)" y2="([^"]+)" stroke="#e5e7eb"\/><text x="45" y="([^"]+)" text-anchor="end" font-size="10">([^<]+)</g,
      ),
    ];
    expect(ticks.map((m) => m[4])).toEqual(["0.00", "0.25", "0.50", "0.75", "1.00"]);
    for (const m of ticks) {
      const y = 220 - 200 * Number(m[4]);
      expect(Number(m[1])).toBeCloseTo(y, 6);
      expect(Number(m[2])).toBeCloseTo(y, 6);
      expect(Number(m[3])).toBeCloseTo(y + 4, 6); // the label sits on its line
    }
    // Each metric named under the middle of its group of bars, below the plot.
    const labels = [...chart.matchAll(/<text x="([^"]+)" y="([^"]+)" text-anchor="middle" font-size="11">([^<]+)</g)];
    expect(labels.map((m) => m[3])).toEqual(["ndcg@10", "mrr@10"]);
    labels.forEach((m, g) => {
      const group = drawn.slice(g * 3, g * 3 + 3);
      // Three 18 px bars 22 px apart: the group spans 66 px from its first bar, the label at its middle.
      expect(Number(m[1])).toBeCloseTo(group[0]!.x + 33, 6);
      expect(Number(m[2])).toBe(236);
    });
    // The legend names every system in its bar colour.
    const legend = [...html.matchAll(/<span class="key"><i style="background:([^"]+)"><\/i>([^<]+)<\/span>/g)];
    expect(legend.map((m) => m[2])).toEqual(["bm25-first-stage", "cohere:rerank-v3.5", "bm25"]);
    expect(legend.map((m) => m[1])).toEqual(drawn.slice(0, 3).map((b) => b.fill));
  });

  it("scales the axis to the largest value when a metric goes above 1", () => {
    const base = report();
    const systems = base.systems.map((s, i) => ({ ...s, metrics: { "ndcg@10": i === 1 ? 2 : 0.5, "mrr@10": 1 } }));
    const chart = /<svg [^>]*id="metric-bars"[\s\S]*?<\/svg>/.exec(renderHtml({ ...base, systems }))![0];
    expect([...chart.matchAll(/text-anchor="end" font-size="10">([^<]+)</g)].map((m) => m[1])).toEqual([
      "0.00",
      "0.50",
      "1.00",
      "1.50",
      "2.00",
    ]);
    const drawn = bars(chart);
    expect(drawn[1]!.height).toBeCloseTo(200, 1); // the largest value fills the plot
    expect(drawn[0]!.height).toBeCloseTo(50, 1); // 0.5 of 2
  });

  it("widens the chart with the number of metrics and systems", () => {
    const width = (r: EvalReport) => Number(/<svg [^>]*id="metric-bars"[^>]*width="([^"]+)"/.exec(renderHtml(r))![1]);
    const base = report();
    const one = { ...base, settings: { ...base.settings, metrics: ["ndcg@10"] } };
    expect(width(base)).toBeGreaterThan(width(one));
    // 3 systems: a group is max(84, 3·22 + 24) = 90 px, after a 60 px margin.
    expect(width(base)).toBe(60 + 2 * 90);
    expect(width({ ...one, systems: base.systems.slice(0, 1) })).toBe(60 + 84);
  });
});

describe("renderHtml: per-query deltas", () => {
  it("draws one chart per reranker on the primary metric, titled with both systems", () => {
    const html = renderHtml(report());
    const charts = svgs(html, "chart delta");
    expect(charts).toHaveLength(2);
    expect(html).toContain("<h2>Per-query change against the first stage</h2>");
    expect(html).toContain("<h3>cohere:rerank-v3.5: ndcg@10 per query, minus bm25-first-stage (sorted)</h3>");
    expect(charts[0]).toContain('aria-label="Per-query ndcg@10 change of cohere:rerank-v3.5 against bm25-first-stage"');
  });

  it("sorts the deltas best first, leaves out zeros, draws gains up in green and losses down in red", () => {
    const chart = svgs(renderHtml(report()), "chart delta")[0]!;
    const drawn = bars(chart);
    // Deltas q1 +0.3, q4 +0.05, q3 0 (no bar), q2 −0.1; the largest |delta| fills 90 − 8 = 82 px.
    expect(drawn.map((b) => b.title)).toEqual(["q1: +0.3000", "q4: +0.0500", "q2: -0.1000"]);
    const slot = 720 / 4;
    expect(drawn.map((b) => b.x)).toEqual([0, slot, 3 * slot]);
    expect(drawn[0]!.height).toBeCloseTo(82, 1);
    expect(drawn[1]!.height).toBeCloseTo((82 * 0.05) / 0.3, 1);
    expect(drawn[2]!.height).toBeCloseTo((82 * 0.1) / 0.3, 1);
    expect(drawn[0]!.y).toBeCloseTo(90 - 82, 1); // above the middle line
    expect(drawn[2]!.y).toBe(90); // from the middle line down
    expect(drawn.map((b) => b.fill)).toEqual(["#059669", "#059669", "#dc2626"]);
    for (const b of drawn) expect(b.width).toBeCloseTo(slot - 0.5, 2);
    // The zero line across the middle, where the bars start; the scale labelled at the top and bottom.
    expect(chart).toContain('<line x1="0" x2="720" y1="90" y2="90" stroke="#9ca3af"/>');
    expect(chart).toContain('<text x="4" y="12" font-size="10">+0.30</text>');
    expect(chart).toContain('<text x="4" y="176" font-size="10">−0.30</text>');
  });

  it("a reranker equal to the first stage on every query draws no bar", () => {
    const charts = svgs(renderHtml(report()), "chart delta");
    expect(charts).toHaveLength(2);
    expect(bars(charts[1]!)).toEqual([]);
  });
});

describe("renderHtml: the notes and the page", () => {
  it("says how many queries were evaluated, how many left out, and how the first stage was made", () => {
    const html = renderHtml(report({ skipped: 2, skippedIds: ["a", "b"] }));
    expect(html).toContain(
      '<p class="note">4 queries evaluated; 2 left out (no relevant judgment). First stage: bm25 (BM25, k1 0.9, b 0.4, top 1000); rerankers reorder its top 100.</p>',
    );
    expect(html).toContain("(paired randomization, 10000 trials, seed 42)");
  });

  it("says nothing about left-out queries or BM25 settings when there are none (a given run file)", () => {
    const base = report();
    const html = renderHtml({ ...base, settings: { ...base.settings, firstStage: "run.trec", k1: null, b: null } });
    expect(html).toContain('<p class="note">4 queries evaluated. First stage: run.trec; rerankers reorder its top 100.</p>');
    expect(html).not.toContain("left out");
  });

  it("titles the page, escaping what it prints", () => {
    const html = renderHtml(report(), 'SciFact <b>&</b> "quotes"');
    expect(html).toContain("<title>SciFact &#60;b&#62;&#38;&#60;/b&#62; &#34;quotes&#34;</title>");
    expect(html).toContain("<h1>SciFact &#60;b&#62;&#38;&#60;/b&#62; &#34;quotes&#34;</h1>");
    expect(renderHtml(report())).toContain("<title>Rerankit evaluation</title>");
  });

  it("is one self-contained page: no script, nothing fetched", () => {
    const html = renderHtml(report());
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link rel="stylesheet"|src="http/);
  });
});
