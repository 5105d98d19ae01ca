/**
 * `rerankit eval`'s calibration flags through runEvalCommand, in-process, on the small BEIR
 * fixture plus a train split written here: usage errors, the never-on-the-fitting-data rule, the
 * --run/--qrels/--calibrate-qrels form, the table, and the reliability diagram in real Chromium.
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { type EvalReport, runEvalCommand } from "../src/index.js";
import { openPage, sharedBrowser } from "./support/chromium.js";
import { writeFixture } from "./support/fixture.js";
import { capture } from "./support/io.js";

/** The fixture with three more queries judged in qrels/train.tsv. */
function withTrainSplit(): string {
  const dir = writeFixture({ crlf: false });
  appendFileSync(
    join(dir, "queries.jsonl"),
    `${[
      { _id: "q5", text: "soap hands colds" },
      { _id: "q6", text: "massive stars collapse" },
      { _id: "q7", text: "cold water coffee beans" },
    ]
      .map((q) => JSON.stringify(q))
      .join("\n")}\n`,
  );
  writeFileSync(
    join(dir, "qrels", "train.tsv"),
    "query-id\tcorpus-id\tscore\nq5\td1\t1\nq5\td2\t0\nq6\td6\t1\nq6\td5\t1\nq7\td3\t1\nq7\td4\t0\n",
  );
  return dir;
}

describe("rerankit eval calibration flags", () => {
  it.each([
    [["--target", "precision=0.8"], "--target needs --calibrate-split"],
    [["--calibration-out", "x"], "--calibration-out needs --calibrate-split"],
    [["--calibrate-split", "train", "--calibrate-qrels", "x"], "not both"],
    [["--calibrate-split", "train", "--calibration-method", "beta"], "isotonic or platt"],
    [["--calibrate-split", "train", "--target", "precision=2"], "--target must be"],
    [["--calibrate-split", "test"], "never measured on the data it was fitted on"],
  ])("%j is a usage error", async (flags, message) => {
    const c = capture();
    expect(await runEvalCommand(["--collection", withTrainSplit(), ...flags], c.io)).toBe(2);
    expect(c.stderr()).toContain(message);
    expect(c.stdout()).toBe("");
  });

  it("refuses judgements that share a query with the evaluated ones", async () => {
    const dir = withTrainSplit();
    const fit = join(dir, "fit.qrels");
    writeFileSync(fit, "q5 0 d1 1\nq1 0 d1 1\n");
    const c = capture();
    expect(await runEvalCommand(["--collection", dir, "--calibrate-qrels", fit], c.io)).toBe(1);
    expect(c.stderr()).toContain('query "q1" is judged both for fitting and for evaluation');
    expect(c.stderr()).toContain(fit);
  });

  it("with --run and --qrels, fits on --calibrate-qrels and writes the run's profile", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rerankit-calibration-run-"));
    const run = join(dir, "first.run");
    // Test queries a, b; train queries c, d: higher scores are more often relevant.
    const lines: string[] = [];
    for (const q of ["a", "b", "c", "d"]) for (let i = 0; i < 6; i++) lines.push(`${q} Q0 ${q}${i} ${i + 1} ${10 - i} tag`);
    writeFileSync(run, `${lines.join("\n")}\n`);
    writeFileSync(join(dir, "test.qrels"), "a 0 a0 1\na 0 a3 1\nb 0 b1 1\n");
    writeFileSync(join(dir, "train.qrels"), "c 0 c0 1\nc 0 c1 1\nd 0 d0 1\nd 0 d4 1\n");
    const c = capture();
    const args = ["--run", run, "--qrels", join(dir, "test.qrels"), "--calibrate-qrels", join(dir, "train.qrels")];
    expect(await runEvalCommand([...args, "--json", "--calibration-out", join(dir, "profiles")], c.io)).toBe(0);
    const report = JSON.parse(c.stdout()) as EvalReport;
    const calibration = report.systems[0]!.calibration!;
    expect(calibration.fittedOn).toEqual({ queries: 2, pairs: 12 });
    expect(calibration.pairs).toBe(12);
    const profile = JSON.parse(readFileSync(join(dir, "profiles", "tag.calibration.json"), "utf8"));
    // Train: score 10 → 2 of 2 relevant, 9 → 1 of 2, 8 → 0, 7 → 0, 6 → 1 of 2, 5 → 0. PAV from the
    // lowest score: 5 (0); 6 (0.5) then 7 (0) violate → pool 6–7 (1/4); 8 (0) → pool 6–8 (1/6); 9 (0.5); 10 (1).
    expect(profile.points).toEqual([
      [5, 0],
      [6, 1 / 6],
      [8, 1 / 6],
      [9, 0.5],
      [10, 1],
    ]);
    expect(profile.baseRate).toBeCloseTo(4 / 12, 12);
    expect(profile.fittedOn).toEqual({ queries: 2, pairs: 12 });
  });

  it("prints the calibration, reliability and thresholds under the table", async () => {
    const c = capture();
    expect(
      await runEvalCommand(
        ["--collection", withTrainSplit(), "--rerank", "bm25", "--calibrate-split", "train", "--target", "recall=0.5"],
        c.io,
      ),
    ).toBe(0);
    const text = c.stdout();
    expect(text).toContain("Calibration (isotonic, fitted on train: 3 queries");
    expect(text).toMatch(/bm25-first-stage\s+\d+\s+\d\.\d{4}/);
    expect(text).toContain("Reliability (bin: mean predicted p → share relevant, pairs):");
    expect(text).toContain("Thresholds for recall ≥ 0.5 on the fitting queries");
    expect(text.match(/^bm25\s+(raw|calibrated)/gm)).toHaveLength(2);
  });
});

describe("the reliability diagram in Chromium", () => {
  const browser = sharedBrowser();

  it("draws one diagram per system, one dot per non-empty bin, with no console errors", async () => {
    const out = mkdtempSync(join(tmpdir(), "rerankit-calibration-html-"));
    const html = join(out, "report.html");
    const c = capture();
    const args = ["--collection", withTrainSplit(), "--rerank", "bm25", "--calibrate-split", "train", "--json", "--html", html];
    expect(await runEvalCommand(args, c.io)).toBe(0);
    expect(existsSync(html)).toBe(true);
    const report = JSON.parse(c.stdout()) as EvalReport;
    const page = await openPage(
      browser(),
      pathToFileURL(html).href,
      `(() => ({
        diagrams: document.querySelectorAll("#calibration svg.reliability").length,
        dots: [...document.querySelectorAll("#calibration svg.reliability")].map((svg) => svg.querySelectorAll("circle.bin").length),
        width: document.querySelector("#calibration svg.reliability")?.getBoundingClientRect().width ?? 0,
      }))()`,
    );
    expect(page.errors).toEqual([]);
    const seen = page.value as { diagrams: number; dots: number[]; width: number };
    expect(seen.diagrams).toBe(report.systems.length);
    expect(seen.dots).toEqual(report.systems.map((s) => s.calibration!.reliability.length));
    expect(seen.width).toBeGreaterThan(100);
  }, 60_000);
});
