/** `rerankit eval` through the rerankit dispatcher (in-process and the spawned bin). */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { EVAL_HELP, type EvalReport } from "@rerankit/eval";
import { describe, expect, it } from "vitest";
import { type CliIo, runCli } from "../src/cli/main.js";

const CLI = resolve(import.meta.dirname, "../src/cli.ts");

async function run(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: {} };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** A four-document BEIR folder with CRLF qrels: two judged queries, one without a relevant document. */
function collection(): string {
  const dir = mkdtempSync(join(tmpdir(), "rerankit-cli-eval-"));
  const docs = [
    { _id: "a", title: "Colds", text: "Wash your hands to prevent a cold." },
    { _id: "b", title: "Coffee", text: "Cold brew coffee steeps in cold water." },
    { _id: "c", title: "Stars", text: "A neutron star is a collapsed core." },
    { _id: "d", title: "Markets", text: "Stock prices moved today." },
  ];
  writeFileSync(join(dir, "corpus.jsonl"), `${docs.map((d) => JSON.stringify(d)).join("\n")}\n`);
  writeFileSync(
    join(dir, "queries.jsonl"),
    '{"_id":"1","text":"prevent a cold"}\n{"_id":"2","text":"neutron star"}\n{"_id":"3","text":"bonds"}\n',
  );
  mkdirSync(join(dir, "qrels"));
  writeFileSync(join(dir, "qrels", "test.tsv"), "query-id\tcorpus-id\tscore\r\n1\ta\t1\r\n2\tc\t2\r\n3\td\t0\r\n");
  return dir;
}

describe("rerankit eval", () => {
  it("is listed in rerankit --help, with its own help", async () => {
    const main = await run(["--help"]);
    expect(main.stdout).toMatch(/^ {2}eval {3}measure ranking quality/m);
    expect(main.stdout).toContain("rerankit eval --collection DIR");
    expect((await run(["help", "eval"])).stdout).toBe(EVAL_HELP);
    const own = await run(["eval", "--help"]);
    expect([own.code, own.stdout]).toEqual([0, EVAL_HELP]);
  });

  it("evaluates a BEIR folder with a reranker and prints JSON", async () => {
    const { code, stdout, stderr } = await run([
      "eval",
      "--collection",
      collection(),
      "--rerank",
      "bm25",
      "--json",
      "--metrics",
      "ndcg@10,mrr@10",
    ]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as EvalReport;
    expect(report.systems.map((s) => s.name)).toEqual(["bm25-first-stage", "bm25"]);
    expect([report.queries, report.skipped]).toEqual([2, 1]);
    expect(report.systems[0]!.perQuery["mrr@10"]).toEqual({ "1": 1, "2": 1 });
  });

  it("exits 2 on a usage error and 1 on missing data", async () => {
    const usage = await run(["eval"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/give --collection DIR/);
    const missing = await run(["eval", "--collection", join(tmpdir(), "no-such-beir-folder")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^EvalDataError: .*no-such-beir-folder: no such folder \(expected a BEIR collection/);
  });

  it("speaks like rank: ErrorName: message, with flag names, not API option names", async () => {
    const noKey = await run(["eval", "--collection", tmpdir(), "--rerank", "cohere"]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/^UsageError: --rerank cohere: --api-key: No API key for Cohere: pass --api-key, or set COHERE_API_KEY/);
    expect(noKey.stderr).not.toMatch(/\bapiKey\b/);
    expect(noKey.stderr.trimEnd().split("\n")).toHaveLength(1);
    const timeout = await run(["eval", "--collection", tmpdir(), "--timeout", "0"]);
    expect(timeout.stderr).toMatch(/^UsageError: --timeout must be an integer from 1 up, not "0"/);
    const dash = await run(["eval", "--collection", tmpdir(), "--timeout", "-1"]);
    expect(dash.stderr).toMatch(/^UsageError: --timeout needs a value, and the next word starts with "-"; write --timeout=VALUE/);
  });

  it("runs through the spawned rerankit bin", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--conditions=@rerankit/source", "--import", "tsx", CLI, "eval", "--collection", collection(), "--metrics", "p@1"],
      { cwd: resolve(import.meta.dirname, "..") },
    );
    expect(stdout).toMatch(/^system\s+p@1/);
    expect(stdout).toContain("2 queries evaluated; 1 left out (no relevant judgment)");
  }, 60_000);
});
