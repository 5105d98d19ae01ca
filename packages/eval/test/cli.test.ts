/**
 * `rerankit eval` through runEvalCommand, in-process: a BEIR fixture, the in-process BM25 reranker
 * and a preset (TEI) talking HTTP to a real server on 127.0.0.1; JSON shape, run files, HTML,
 * price table, errors and exit codes. One spawn of a real process through the tiny bin.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EvalReport, parseTrecRun, runEvalCommand } from "../src/index.js";
import { writeFixture } from "./support/fixture.js";
import { capture } from "./support/io.js";

const here = dirname(fileURLToPath(import.meta.url));

// A TEI-style rerank server: scores each text by how many query words it contains (a weak but
// deterministic reranker), reports 7 compute tokens per request.
let server: Server;
let teiURL: string;
let requests = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      requests++;
      const { query, texts } = JSON.parse(body) as { query: string; texts: string[] };
      const words = query.toLowerCase().split(/\W+/).filter(Boolean);
      const scored = texts.map((t, index) => ({ index, score: words.filter((w) => t.toLowerCase().includes(w)).length / words.length }));
      scored.sort((a, b) => b.score - a.score || a.index - b.index);
      res.writeHead(200, { "content-type": "application/json", "x-compute-tokens": "7" });
      res.end(JSON.stringify(scored));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  teiURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("rerankit eval", () => {
  it("prints its help", async () => {
    const c = capture();
    expect(await runEvalCommand(["--help"], c.io)).toBe(0);
    expect(c.stdout()).toContain("Usage: rerankit eval --collection DIR");
    expect(c.stdout()).toContain("--rerank SPEC");
  });

  it("evaluates BM25 and two rerankers on the same queries: JSON, run files, HTML, usage and cost", async () => {
    const dir = writeFixture();
    const out = mkdtempSync(join(tmpdir(), "rerankit-eval-out-"));
    writeFileSync(join(out, "prices.json"), JSON.stringify({ tei: { perMillionTokens: 1000 } }));
    const c = capture();
    requests = 0;
    const code = await runEvalCommand(
      [
        "--collection",
        dir,
        "--rerank",
        "bm25",
        "--rerank",
        `tei@${teiURL}`,
        "--depth",
        "3",
        "--json",
        "--run-out",
        join(out, "runs"),
        "--html",
        join(out, "report.html"),
        "--prices",
        join(out, "prices.json"),
        "--compare-all",
      ],
      c.io,
    );
    expect(c.stderr()).toBe(""); // no progress bar when stderr is not a terminal
    expect(code).toBe(0);
    const report = JSON.parse(c.stdout()) as EvalReport;
    expect(report.queries).toBe(3);
    expect(report.skipped).toBe(1);
    expect(report.skippedIds).toEqual(["q4"]);
    expect(report.systems.map((s) => s.name)).toEqual(["bm25-first-stage", "bm25", `tei@${teiURL}`]);
    for (const s of report.systems) {
      expect(Object.keys(s.metrics)).toEqual(["ndcg@10", "mrr@10", "recall@100", "map@100", "p@10"]);
      expect(Object.keys(s.perQuery["ndcg@10"]!)).toEqual(["q1", "q2", "q3"]);
      expect(s.latency!.p95).toBeGreaterThanOrEqual(s.latency!.p50);
    }
    const [first, bm25, tei] = report.systems;
    // Each query's relevant documents are retrieved by BM25 (q1's d1 and d2, q2's d5, q3's d3).
    expect(first!.metrics["recall@100"]).toBe(1);
    expect(first!.perQuery["mrr@10"]).toEqual({ q1: 1, q2: 1, q3: 1 });
    expect(bm25!.usage).toEqual({ requests: 0, cost: 0 });
    expect(tei!.usage).toEqual({ requests: 3, totalTokens: 21, cost: (21 / 1e6) * 1000 });
    expect(requests).toBe(3);
    expect(tei!.vsFirstStage!["ndcg@10"]!.wins + tei!.vsFirstStage!["ndcg@10"]!.ties + tei!.vsFirstStage!["ndcg@10"]!.losses).toBe(3);
    expect(report.comparisons.map((p) => [p.a, p.b])).toEqual([["bm25", `tei@${teiURL}`]]);

    // Run files: one per system, in trec_eval order, re-readable; the reranked depth comes first.
    const firstRun = parseTrecRun(readFileSync(join(out, "runs", "bm25-first-stage.run"), "utf8"));
    expect([...firstRun.keys()]).toEqual(["q1", "q2", "q3"]);
    expect(firstRun.get("q1")![0]!.id).toBe("d1");
    const teiFile = readFileSync(join(out, "runs", `tei_http_127.0.0.1_${new URL(teiURL).port}.run`), "utf8");
    const teiRun = parseTrecRun(teiFile);
    expect(
      teiRun
        .get("q1")!
        .map((h) => h.id)
        .slice(3),
    ).toEqual(
      firstRun
        .get("q1")!
        .map((h) => h.id)
        .slice(3),
    );
    expect(teiFile.split("\n")[0]).toMatch(/^q1 Q0 \S+ 1 \S+ tei@http/);

    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('id="metric-bars"');
    expect(html).not.toMatch(/<script|src=|href="http/);
  });

  it("prints a table, with the test against the first stage", async () => {
    const c = capture();
    expect(await runEvalCommand(["--collection", writeFixture(), "--rerank", "bm25", "--metrics", "ndcg@10,p@1"], c.io)).toBe(0);
    const text = c.stdout();
    expect(text).toMatch(/^system\s+ndcg@10\s+p@1\s+p50 ms/);
    expect(text).toContain("3 queries evaluated; 1 left out (no relevant judgment)");
    expect(text).toMatch(/Against bm25-first-stage on ndcg@10 .*randomization/);
    expect(text).toMatch(/bm25\s+[+-]\d\.\d{4}\s+p \d\.\d{3}\s+\d+\/\d+\/\d+ win\/tie\/loss/);
  });

  it("draws a progress bar on stderr when it is a terminal", async () => {
    const c = capture(true);
    expect(await runEvalCommand(["--collection", writeFixture(), "--rerank", "bm25"], c.io)).toBe(0);
    expect(c.stderr()).toMatch(/bm25-first-stage\s+\[.*\] 3\/3 queries/);
    expect(c.stderr()).toMatch(/bm25 {2,}.*3\/3 queries \| .* left/);
  });

  it("evaluates a TREC run against TREC qrels without a collection", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rerankit-eval-trec-"));
    writeFileSync(join(dir, "run"), "1 Q0 a 1 3 x\n1 Q0 b 2 2 x\n1 Q0 c 3 2 x\n2 Q0 z 1 1 x\n");
    writeFileSync(join(dir, "qrels"), "1 0 c 1\n1 0 b 0\n2 0 y 1\n3 0 w 0\n");
    const c = capture();
    expect(
      await runEvalCommand(["--run", join(dir, "run"), "--qrels", join(dir, "qrels"), "--metrics", "mrr@10,recall@2", "--json"], c.io),
    ).toBe(0);
    const report = JSON.parse(c.stdout()) as EvalReport;
    // Query 1: b and c tie at 2, so c (the larger id) ranks 2nd; query 2 finds nothing; query 3 has no relevant judgment.
    expect(report.systems[0]!.perQuery["mrr@10"]).toEqual({ "1": 0.5, "2": 0 });
    expect(report.systems[0]!.metrics["recall@2"]).toBe(0.5);
    expect(report.systems[0]!.latency).toBeNull();
    expect([report.queries, report.skipped]).toEqual([2, 1]);
  });

  it("exits 2 on a usage error and 1 on bad data, saying what and where", async () => {
    const cases: [string[], number, RegExp][] = [
      [[], 2, /^UsageError: give --collection DIR/],
      [["--collection", "x", "--bogus"], 2, /^UsageError: unknown flag --bogus for eval; see rerankit eval --help\n$/],
      [["--collection", "x", "--metrics", "bleu@4"], 2, /^UsageError: unknown metric "bleu@4"/],
      [["--collection", "x", "--rerank", "nosuch:model"], 2, /^UsageError: --rerank nosuch:model: unknown reranker "nosuch:model"/],
      [["--collection", "x", "--depth", "0"], 2, /^UsageError: --depth must be an integer from 1 up, not "0"/],
      [["--collection", "x", "--hits", "1e3"], 2, /^UsageError: --hits must be an integer from 1 up, not "1e3"/],
      [["--collection", "x", "--b", "2"], 2, /^UsageError: --b must be a number from 0 to 1, not "2"/],
      [["--collection", "x", "--timeout", "soon"], 2, /^UsageError: --timeout must be an integer from 1 up, not "soon"/],
      [["--collection", "x", "--timeout-ms", "5"], 2, /^UsageError: --timeout-ms is now --timeout/],
      [["--run", "r"], 2, /^UsageError: --run without --collection needs --qrels/],
      [["--collection", join(tmpdir(), "no-such-collection")], 1, /^EvalDataError: .*no-such-collection: no such folder/],
    ];
    for (const [args, code, message] of cases) {
      const c = capture();
      expect(await runEvalCommand(args, c.io), args.join(" ")).toBe(code);
      expect(c.stderr()).toMatch(message);
    }
    const dir = mkdtempSync(join(tmpdir(), "rerankit-eval-bad-"));
    writeFileSync(join(dir, "run"), "1 Q0 a 1 3 x\nunknown Q0 b 1 2 x\n");
    writeFileSync(join(dir, "qrels"), "1 0 a 1\n");
    const c = capture();
    expect(await runEvalCommand(["--run", join(dir, "run"), "--qrels", join(dir, "qrels")], c.io)).toBe(1);
    expect(c.stderr()).toMatch(/^EvalDataError: .*run: query "unknown" is in neither the qrels nor the queries\n$/);
  });

  it("reports a reranker failure with the system and the query", async () => {
    const c = capture();
    // Nothing listens on port 9 of the loopback: the connection is refused (no retries: --timeout keeps it short).
    const code = await runEvalCommand(["--collection", writeFixture(), "--rerank", "tei@http://127.0.0.1:9", "--timeout", "2000"], c.io);
    expect(code).toBe(1);
    // Named by the cause, `ErrorName: message` as `rank` prints it.
    expect(c.stderr()).toMatch(/^RerankConnectionError: reranker tei@http:\/\/127\.0\.0\.1:9 failed on query "q1": .*ECONNREFUSED/);
  });

  it("runs as a real process through a bin", async () => {
    const run = promisify(execFile);
    const bin = join(here, "support", "eval-bin.ts");
    const { stdout } = await run(
      process.execPath,
      ["--conditions=@rerankit/source", "--import", "tsx", bin, "--collection", writeFixture(), "--json"],
      {
        cwd: join(here, ".."),
      },
    );
    expect((JSON.parse(stdout) as EvalReport).systems[0]!.name).toBe("bm25-first-stage");
    const failed = await run(process.execPath, ["--conditions=@rerankit/source", "--import", "tsx", bin], { cwd: join(here, "..") }).catch(
      (e) => e,
    );
    expect(failed.code).toBe(2);
  });
});
