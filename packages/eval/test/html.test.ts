/** The HTML report renders in real headless Chromium, charts drawn, with no console errors. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { type EvalReport, runEvalCommand } from "../src/index.js";
import { openPage, sharedBrowser } from "./support/chromium.js";
import { writeFixture } from "./support/fixture.js";

const browser = sharedBrowser();

const INSPECT = `(() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return { width: r.width, height: r.height }; };
  const bars = document.querySelector("#metric-bars");
  return {
    title: document.title,
    metricBars: document.querySelectorAll("#metric-bars .bar").length,
    metricChart: bars ? box(bars) : null,
    deltaCharts: document.querySelectorAll(".delta svg").length,
    rows: document.querySelectorAll("#metrics tbody tr").length,
    tests: document.querySelectorAll("#tests tbody tr").length,
  };
})()`;

describe("HTML report in Chromium", () => {
  it("detects console errors (the check itself works)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rerankit-html-"));
    const file = join(dir, "bad.html");
    writeFileSync(file, "<!doctype html><title>x</title><script>console.error('boom'); undefinedFunction();</script>");
    const page = await openPage(browser(), pathToFileURL(file).href, "document.title");
    expect(page.value).toBe("x");
    expect(page.errors.some((e) => e.includes("boom"))).toBe(true);
    expect(page.errors.some((e) => e.includes("undefinedFunction"))).toBe(true);
  });

  it("renders the report with its charts and no console errors", async () => {
    const out = mkdtempSync(join(tmpdir(), "rerankit-html-"));
    const html = join(out, "report.html");
    const chunks: string[] = [];
    const io = { stdout: { write: (t: string) => chunks.push(t) }, stderr: { write: () => {} }, env: {} };
    expect(await runEvalCommand(["--collection", writeFixture(), "--rerank", "bm25", "--html", html, "--json"], io)).toBe(0);
    const report = JSON.parse(chunks.join("")) as EvalReport;
    const page = await openPage(browser(), pathToFileURL(html).href, INSPECT);
    expect(page.errors).toEqual([]);
    const seen = page.value as Record<string, unknown> & { metricChart: { width: number; height: number } };
    expect(seen.title).toBe("Rerankit evaluation");
    // One bar per system per metric (bars of value 0 are drawn with height 0 but exist).
    expect(seen.metricBars).toBe(report.systems.length * report.settings.metrics.length);
    expect(seen.metricChart.width).toBeGreaterThan(100);
    expect(seen.metricChart.height).toBeGreaterThan(100);
    expect(seen.deltaCharts).toBe(1);
    expect(seen.rows).toBe(2);
    expect(seen.tests).toBe(report.settings.metrics.length);
  });
});
