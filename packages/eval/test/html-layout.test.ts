/**
 * The HTML report looked at in real headless Chromium (Debian's, driven by playwright-core; no
 * browser download): no horizontal scrolling at 1280 px or at 420 px, labels that do not overlap,
 * charts that use the width, the provenance at the top; and hostile ids, names and texts that show
 * as text and never run. Screenshots land in $RERANKIT_SCREENSHOTS when set, to look at.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { Reranker, RerankRequest, RerankResponse } from "@rerankit/core";
import { type EvalReport, evaluate, renderHtml } from "../src/index.js";
import { sharedBrowser } from "./support/chromium.js";

const browser = sharedBrowser();

/** A reranker that scores by a fixed per-document table, reporting usage as a service would. */
function tableReranker(scores: (doc: string) => number, usage: RerankResponse["usage"]): Reranker {
  return {
    async rerank(request: RerankRequest): Promise<RerankResponse> {
      const texts = request.documents.map((d) => (typeof d === "string" ? d : d.text));
      return {
        results: texts.map((t, index) => ({ index, relevanceScore: scores(t) })).sort((a, b) => b.relevanceScore - a.relevanceScore),
        ...(usage ? { usage } : {}),
      } as RerankResponse;
    },
  } as Reranker;
}

/** A realistic report: 240 queries, two rerankers (one HTTP-like, with a provider and model), long names. */
async function bigReport(): Promise<EvalReport> {
  const documents = Array.from({ length: 400 }, (_, i) => ({
    id: `doc-${i}`,
    title: "",
    text: `topic${i % 40} filler${i % 7} words${i % 13}`,
  }));
  const queries = Array.from({ length: 240 }, (_, i) => ({ id: `query-${i}`, text: `topic${i % 40} words${i % 13}` }));
  const qrels = new Map(
    queries.map((q, i) => [
      q.id,
      new Map([
        [`doc-${(i % 40) + 40 * (i % 3)}`, 1],
        [`doc-${(i * 7) % 400}`, 2],
      ]),
    ]),
  );
  const { report } = await evaluate({
    queries,
    qrels,
    documents,
    depth: 50,
    significance: { trials: 200 },
    rerankers: [
      {
        name: "cohere:rerank-v3.5@https://api.cohere.example/v2",
        provider: "cohere",
        model: "rerank-v3.5",
        reranker: tableReranker((t) => (t.length * 31) % 17, { requests: 1, searchUnits: 1 }),
      },
      {
        name: "tei@http://127.0.0.1:8080",
        provider: "tei",
        model: "BAAI/bge-reranker-v2-m3",
        reranker: tableReranker((t) => (t.length * 13) % 11, { requests: 1, totalTokens: 123_456 }),
      },
    ],
  });
  return report;
}

const LAYOUT = `(() => {
  const boxes = (sel) => [...document.querySelectorAll(sel)].map((el) => { const r = el.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height, text: el.textContent }; });
  const overlaps = (list) => {
    const out = [];
    for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) {
      const a = list[i], b = list[j];
      if (a.w > 0 && b.w > 0 && a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5) out.push([a.text, b.text]);
    }
    return out;
  };
  const charts = [...document.querySelectorAll(".delta")].map((c) => overlaps(boxes.call(null, "#" + (c.id || (c.id = "d" + Math.random().toString(36).slice(2))) + " .tick")));
  const bars = document.querySelector("#metric-bars");
  return {
    viewport: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    bodyScrollWidth: document.body.scrollWidth,
    tickOverlaps: charts.flat(),
    barLabelOverlaps: overlaps(boxes("#metric-bars .bar-label, #metric-bars .bar-value, #metric-bars .ticks span")),
    metaOverlaps: overlaps(boxes("dl.meta dt, dl.meta dd")),
    barsWidth: bars.getBoundingClientRect().width,
    bodyWidth: document.body.getBoundingClientRect().width,
    deltaWidths: [...document.querySelectorAll(".delta-bars")].map((s) => s.getBoundingClientRect().width),
    tableOverflow: [...document.querySelectorAll(".table-wrap")].map((w) => w.scrollWidth - w.clientWidth),
    fontSizes: [...document.querySelectorAll(".tick, .bar-label, .axis-title")].map((e) => parseFloat(getComputedStyle(e).fontSize)),
    meta: Object.fromEntries([...document.querySelectorAll("dl.meta dt")].map((dt) => [dt.textContent, dt.nextElementSibling.textContent])),
    systems: [...document.querySelectorAll("#metrics tbody tr td:first-child")].map((td) => td.textContent),
    counts: [...document.querySelectorAll("#cost tbody tr")].map((tr) => [...tr.children].map((td) => td.textContent)),
  };
})()`;

describe("HTML report layout in Chromium", () => {
  let file: string;
  let report: EvalReport;
  beforeAll(async () => {
    report = await bigReport();
    const dir = mkdtempSync(join(tmpdir(), "rerankit-layout-"));
    file = join(dir, "report.html");
    writeFileSync(
      file,
      renderHtml(report, {
        dataset: "beir/scifact",
        split: "test",
        command: "rerankit eval --dataset beir/scifact --rerank cohere:rerank-v3.5 --rerank tei@http://127.0.0.1:8080 --html report.html",
        created: new Date("2026-12-06T04:30:00Z"),
      }),
    );
  }, 60_000);

  for (const width of [1280, 420]) {
    it(`fits ${width} px with no horizontal scrolling, labels apart, charts across the width`, async () => {
      const page = await browser().newPage({ viewport: { width, height: 900 } });
      const errors: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(pathToFileURL(file).href);
      const seen = (await page.evaluate(LAYOUT)) as Record<string, unknown> & {
        viewport: number;
        scrollWidth: number;
        barsWidth: number;
        bodyWidth: number;
        deltaWidths: number[];
        tableOverflow: number[];
        fontSizes: number[];
        meta: Record<string, string>;
        systems: string[];
        counts: string[][];
      };
      if (process.env.RERANKIT_SCREENSHOTS)
        await page.screenshot({ path: join(process.env.RERANKIT_SCREENSHOTS, `report-${width}.png`), fullPage: true });
      await page.close();
      expect(errors).toEqual([]);
      expect(seen.viewport).toBe(width);
      expect(seen.scrollWidth, "the page scrolls sideways").toBeLessThanOrEqual(width);
      // At 1280 px every table fits as it is; at 420 px too (names wrap, columns stay).
      expect(
        seen.tableOverflow.every((o) => o <= 1),
        `a table scrolls inside: ${seen.tableOverflow}`,
      ).toBe(true);
      expect(seen.tickOverlaps).toEqual([]);
      expect(seen.barLabelOverlaps).toEqual([]);
      expect(seen.metaOverlaps).toEqual([]);
      // The charts use the width of the text column, and text stays readable (≥ 10 px) at any width.
      expect(seen.barsWidth).toBeGreaterThanOrEqual(seen.bodyWidth * 0.9);
      expect(seen.deltaWidths).toHaveLength(2);
      for (const w of seen.deltaWidths) expect(w).toBeGreaterThanOrEqual(seen.bodyWidth * 0.75);
      for (const size of seen.fontSizes) expect(size).toBeGreaterThanOrEqual(10);
      // Where it came from, and an HTTP reranker's model.
      expect(seen.meta.dataset).toBe("beir/scifact");
      expect(seen.meta.split).toBe("test");
      expect(seen.meta.made).toBe("2026-12-06 04:30:00 UTC");
      expect(seen.meta.command).toContain("rerankit eval --dataset beir/scifact");
      expect(seen.systems.some((s) => s.includes("tei · BAAI/bge-reranker-v2-m3"))).toBe(true);
      expect(seen.systems.some((s) => s.includes("cohere · rerank-v3.5"))).toBe(true);
      // Thousands separators.
      const tei = seen.counts.find((row) => row[0]!.startsWith("tei@"))!;
      expect(tei[4]).toBe(report.systems[2]!.usage.totalTokens!.toLocaleString("en-US"));
      expect(tei[4]).toMatch(/^\d{1,3}(,\d{3})+$/);
    }, 60_000);
  }
});

const HOSTILE = [
  `<script>window.__pwned = (window.__pwned || 0) + 1</script>`,
  `<img src=x onerror="window.__pwned = (window.__pwned || 0) + 1">`,
  `"><svg onload="window.__pwned=1">`,
  `' onmouseover='window.__pwned=1`,
];

describe("HTML report escaping in Chromium", () => {
  it("shows hostile ids, names, metric labels and usage as text; nothing runs", async () => {
    const documents = [
      { id: HOSTILE[1]!.replace(/\s/g, "_"), title: "", text: "cold flu remedy" },
      { id: "d2", title: "", text: "stars and galaxies" },
    ];
    const queries = [
      { id: "<script>window.__pwned=1</script>", text: "cold flu" },
      { id: "q&2", text: "galaxies" },
    ];
    const qrels = new Map([
      [queries[0]!.id, new Map([[documents[0]!.id, 1]])],
      [queries[1]!.id, new Map([["d2", 1]])],
    ]);
    const { report } = await evaluate({
      queries,
      qrels,
      documents,
      firstStageName: HOSTILE[0]!,
      significance: { trials: 10 },
      rerankers: [
        {
          name: HOSTILE[2]!,
          provider: HOSTILE[3]!,
          model: HOSTILE[1]!,
          // A remote service's usage passed through unchecked: strings where numbers belong.
          reranker: tableReranker((t) => t.length, {
            requests: "<script>window.__pwned=1</script>" as unknown as number,
            totalTokens: "<img src=x onerror=window.__pwned=1>" as unknown as number,
          }),
        },
      ],
    });
    const dir = mkdtempSync(join(tmpdir(), "rerankit-hostile-"));
    const file = join(dir, "report.html");
    writeFileSync(file, renderHtml(report, { title: HOSTILE[0]!, dataset: HOSTILE[1]!, split: HOSTILE[3]!, command: HOSTILE[2]! }));
    const page = await browser().newPage();
    await page.goto(pathToFileURL(file).href);
    const seen = (await page.evaluate(`({
      pwned: window.__pwned ?? 0,
      scripts: document.scripts.length,
      handlers: [...document.querySelectorAll("*")].filter((e) => [...e.attributes].some((a) => a.name.startsWith("on"))).length,
      images: document.images.length,
      text: document.body.innerText,
      title: document.title,
    })`)) as { pwned: number; scripts: number; handlers: number; images: number; text: string; title: string };
    // Hover everything, in case an attribute escaped its quotes.
    for (const el of await page.locator("td, th, dd, span, h3").all()) await el.hover({ force: true }).catch(() => {});
    const after = (await page.evaluate("window.__pwned ?? 0")) as number;
    await page.close();
    expect(seen.pwned).toBe(0);
    expect(after).toBe(0);
    expect(seen.scripts).toBe(0);
    expect(seen.handlers).toBe(0);
    expect(seen.images).toBe(0);
    // The hostile texts are on the page, as text.
    expect(seen.title).toBe(HOSTILE[0]);
    expect(seen.text).toContain(HOSTILE[0]);
    expect(seen.text).toContain(HOSTILE[2]);
    expect(seen.text).toContain(`${HOSTILE[3]} · ${HOSTILE[1]}`);
    // The bad usage was coerced where it entered: one request counted, tokens unknown.
    expect(report.systems[1]!.usage.requests).toBe(2);
    expect(report.systems[1]!.usage.totalTokens).toBeUndefined();
  }, 60_000);
});
