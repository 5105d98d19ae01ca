/**
 * Attacks on the eval inputs and outputs (issue 20, items 13–18 and the "also noticed"): duplicate
 * and unsafe ids, terminal escapes in messages, a "__proto__" query id, usage that is not a number,
 * runs too deep for a spread, a report that cannot be written, gzip bombs, long lines, files read
 * as streams, and run file names that collide.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Reranker, RerankRequest, RerankResponse } from "@rerankit/core";
import { describe, expect, it } from "vitest";
import {
  addUsage,
  EvalDataError,
  evaluate,
  formatTrecRun,
  loadBeir,
  parseBeirQrels,
  parseCorpus,
  parseQueries,
  parseTrecQrels,
  parseTrecRun,
  renderHtml,
  rerankRun,
  runEvalCommand,
  runFileNames,
  type UsageTotals,
} from "../src/index.js";
import { writeFixture } from "./support/fixture.js";
import { capture } from "./support/io.js";
import { dataError } from "./support/errors.js";

/** Whether `text` holds a control character other than the line feed that ends a message. */
function hasControl(text: string): boolean {
  return [...text].some((c) => {
    const n = c.codePointAt(0)!;
    return (n < 0x20 && n !== 0x0a) || (n >= 0x7f && n <= 0x9f);
  });
}

describe("ids", () => {
  it("refuses a duplicate query id with the file and both lines", () => {
    const e = dataError(() => parseQueries('{"_id":"q1","text":"a"}\n{"_id":"q2","text":"b"}\n{"_id":"q1","text":"c"}\n', "queries.jsonl"));
    expect(e.file).toBe("queries.jsonl");
    expect(e.line).toBe(3);
    expect(e.message).toBe('queries.jsonl:3: duplicate query id "q1" (first on line 1)');
  });

  it.each([
    ["a space", "q 1"],
    ["a newline", "q\n1"],
    ["a tab", "q\t1"],
    ["an escape", "q\u001b]0;pwned\u00071"],
    ["a C1 control", "q\u009b2J"],
  ])("refuses an id holding %s in every loader, naming file and line", (_, id) => {
    const json = JSON.stringify(id);
    expect(dataError(() => parseCorpus(`{"_id":"ok","text":"t"}\n{"_id":${json},"text":"t"}\n`, "c.jsonl")).line).toBe(2);
    expect(dataError(() => parseQueries(`{"_id":${json},"text":"t"}\n`, "q.jsonl")).line).toBe(1);
    if (!/[\t\n]/.test(id)) {
      expect(dataError(() => parseBeirQrels(`query-id\tcorpus-id\tscore\nq\t${id}\t1\n`, "t.tsv")).line).toBe(2);
    }
    if (!/\s/.test(id)) {
      expect(dataError(() => parseTrecQrels(`${id} 0 d 1\n`, "qrels")).line).toBe(1);
      expect(dataError(() => parseTrecRun(`q Q0 ${id} 1 2 tag\n`, "run")).line).toBe(1);
    }
  });

  it("never writes an unsafe id into a TREC run line (API callers included)", () => {
    expect(() => formatTrecRun(new Map([["q 1", [{ id: "d", score: 1 }]]]), "t")).toThrow(RangeError);
    expect(() => formatTrecRun(new Map([["q", [{ id: "d\nq2 Q0 planted 1 99 t", score: 1 }]]]), "t")).toThrow(RangeError);
    expect(formatTrecRun(new Map([["q", [{ id: "d", score: 1 }]]]), "my\u001b tag")).toBe("q Q0 d 1 1 my_tag\n");
  });

  it("escapes control characters in every message that quotes input, down to the CLI's stderr", async () => {
    const evil = "\u001b]52;c;cHduZWQ=\u0007\u001b[2J\u009b31m";
    const dir = mkdtempSync(join(tmpdir(), "rerankit-evil-"));
    writeFileSync(join(dir, "run"), `${evil} Q0 d 1 1 t\n`);
    writeFileSync(join(dir, "qrels"), "q 0 d 1\n");
    const c = capture();
    expect(await runEvalCommand(["--run", join(dir, "run"), "--qrels", join(dir, "qrels")], c.io)).toBe(1);
    expect(c.stderr()).toMatch(/^EvalDataError: .*run:1: query id ".*" is empty or holds whitespace or a control character\n$/);
    expect(c.stderr()).toContain("\\u001b]52;c;cHduZWQ=\\u0007\\u001b[2J\\u009b31m");
    expect(hasControl(c.stderr())).toBe(false);
    // A bad metric or flag value quoted back is escaped too.
    const m = capture();
    expect(await runEvalCommand(["--collection", "x", "--metrics", `nd\u001b[2Jcg@10`], m.io)).toBe(2);
    expect(m.stderr()).toContain("\\u001b[2J");
    expect(hasControl(m.stderr())).toBe(false);
  });
});

/** A reranker scoring each text by a table, with the usage given. */
function reranker(score: (text: string, i: number) => number, usage?: unknown): Reranker {
  return {
    async rerank(request: RerankRequest): Promise<RerankResponse> {
      const texts = request.documents.map((d) => (typeof d === "string" ? d : (d as { text: string }).text));
      return {
        results: texts.map((t, index) => ({ index, relevanceScore: score(t, index) })),
        ...(usage !== undefined ? { usage } : {}),
      } as RerankResponse;
    },
  } as Reranker;
}

describe("per-query values and usage", () => {
  it('keeps a query id "__proto__" as a query like any other (deltas are numbers)', async () => {
    const PROTO = "__proto__";
    const documents = [
      { id: "a", title: "", text: "alpha beta" },
      { id: "b", title: "", text: "alpha gamma" },
    ];
    const queries = [
      { id: "__proto__", text: "alpha beta" },
      { id: "constructor", text: "alpha gamma" },
    ];
    const qrels = new Map([
      ["__proto__", new Map([["b", 1]])],
      ["constructor", new Map([["b", 1]])],
    ]);
    // BM25 ranks "b" second for "__proto__" and first for "constructor"; the reranker puts "b" first
    // everywhere: better on "__proto__", the same on "constructor".
    const { report } = await evaluate({
      queries,
      qrels,
      documents,
      metrics: "mrr@10",
      significance: { trials: 10 },
      rerankers: [{ name: "flip", provider: "x", model: undefined, reranker: reranker((t) => (t.includes("gamma") ? 2 : 1)) }],
    });
    const [first, flip] = report.systems;
    expect(Object.keys(first!.perQuery["mrr@10"]!)).toEqual(["__proto__", "constructor"]);
    expect(first!.perQuery["mrr@10"]![PROTO]).toBe(0.5);
    expect(flip!.perQuery["mrr@10"]![PROTO]).toBe(1);
    expect(flip!.vsFirstStage!["mrr@10"]!.delta).toBe(0.25);
    const json = JSON.parse(JSON.stringify(report));
    expect(Object.hasOwn(json.systems[1].perQuery["mrr@10"], PROTO)).toBe(true);
    expect(json.systems[1].perQuery["mrr@10"][PROTO]).toBe(1);
    // And the report's delta chart counts it.
    expect(renderHtml(report)).toContain("1 better, 1 unchanged, 0 worse");
  });

  it("coerces usage where it enters: only finite numbers ≥ 0 count; a call is still one request", () => {
    const total: UsageTotals = { requests: 0 };
    addUsage(total, { requests: 2, totalTokens: 10, searchUnits: 1 });
    addUsage(total, { requests: "<b>" as unknown as number, totalTokens: Number.NaN, searchUnits: -4 });
    addUsage(total, { requests: Number.POSITIVE_INFINITY, totalTokens: "9" as unknown as number });
    addUsage(total, "junk" as never);
    expect(total).toEqual({ requests: 4, totalTokens: 10, searchUnits: 1 });
  });
});

describe("sizes", () => {
  it("reranks a depth far beyond a spread's argument limit", async () => {
    const n = 300_000;
    const hits = Array.from({ length: n }, (_, i) => ({ id: `d${i}`, score: n - i }));
    const documents = new Map(hits.map((h) => [h.id, { id: h.id, title: "", text: "x" }]));
    // The reranker leaves one candidate out: it must rank below the lowest score returned.
    const partial: Reranker = {
      async rerank(request: RerankRequest) {
        return {
          results: request.documents.slice(1).map((_, i) => ({ index: i + 1, relevanceScore: -i })),
        } as unknown as RerankResponse;
      },
    } as Reranker;
    const { run } = await rerankRun(partial, new Map([["q", hits]]), [{ id: "q", text: "x" }], documents, { depth: n });
    const ranked = run.get("q")!;
    expect(ranked).toHaveLength(n);
    expect(ranked[0]!.id).toBe("d1");
    expect(ranked.at(-1)!.id).toBe("d0");
  });

  it("renders a report of 150,000 queries (no spread over the data)", () => {
    const perQuery: Record<string, number> = {};
    for (let i = 0; i < 150_000; i++) perQuery[`q${i}`] = (i % 10) / 10;
    const other: Record<string, number> = {};
    for (let i = 0; i < 150_000; i++) other[`q${i}`] = ((i + 3) % 10) / 10;
    const test = { delta: 0, p: 1, wins: 1, ties: 1, losses: 1 } as never;
    const html = renderHtml({
      systems: [
        {
          name: "a",
          role: "first-stage",
          metrics: { "ndcg@10": 0.45 },
          perQuery: { "ndcg@10": perQuery },
          latency: null,
          usage: { requests: 0, cost: null },
        },
        {
          name: "b",
          role: "reranker",
          metrics: { "ndcg@10": 0.45 },
          perQuery: { "ndcg@10": other },
          latency: null,
          usage: { requests: 150_000, cost: null },
          vsFirstStage: { "ndcg@10": test },
        },
      ],
      queries: 150_000,
      skipped: 0,
      skippedIds: [],
      comparisons: [],
      settings: {
        metrics: ["ndcg@10"],
        depth: 100,
        firstStage: "a",
        firstStageDepth: 1000,
        k1: null,
        b: null,
        test: "t",
        trials: 1,
        seed: 1,
      },
    });
    expect(html).toContain("150,000 queries");
  });
});

describe("streamed files", () => {
  it("loads lines split across read chunks, CRLF, and no final newline", async () => {
    const dir = writeFixture();
    const long = "word ".repeat(60_000); // 300 KB: spans several 64 KiB chunks
    writeFileSync(
      join(dir, "corpus.jsonl"),
      `${JSON.stringify({ _id: "d1", title: "t", text: long })}\r\n${["d2", "d3", "d4", "d5", "d6"].map((id) => JSON.stringify({ _id: id, text: `text ${id}` })).join("\n")}`,
    );
    const c = await loadBeir(dir);
    expect(c.documents.map((d) => d.id)).toEqual(["d1", "d2", "d3", "d4", "d5", "d6"]);
    expect(c.documents[0]!.text).toBe(long);
  });

  it("refuses a line longer than the cap, with the file and line, instead of filling memory", async () => {
    const dir = writeFixture();
    writeFileSync(join(dir, "queries.jsonl"), `{"_id":"q1","text":"a"}\n${"x".repeat(5000)}`);
    const error = await loadBeir(dir, { limits: { maxLineBytes: 1000 } }).catch((e) => e);
    expect(error).toBeInstanceOf(EvalDataError);
    expect(error.message).toMatch(/queries\.jsonl:2: a line is longer than 1000 bytes/);
  });

  it("refuses a gzip bomb (a corpus expanding far beyond any text)", async () => {
    const dir = writeFixture({ gzip: true });
    // 80 MiB of newlines gzip to ~80 KB: past 64 MiB out, a 1000:1 ratio is refused.
    writeFileSync(join(dir, "corpus.jsonl.gz"), gzipSync(Buffer.alloc(80 * 1024 * 1024, 10), { level: 9 }));
    const error = await loadBeir(dir).catch((e) => e);
    expect(error).toBeInstanceOf(EvalDataError);
    expect(error.message).toMatch(/corpus\.jsonl\.gz: gunzips to over 200 times its size/);
  });

  it("says a corrupt gzip file is not valid gzip", async () => {
    const dir = writeFixture({ gzip: true });
    writeFileSync(join(dir, "corpus.jsonl.gz"), Buffer.from("not gzip at all"));
    await expect(loadBeir(dir)).rejects.toThrow(/corpus\.jsonl\.gz: not a valid gzip file/);
  });
});

describe("outputs", () => {
  it("gives each system its own run file, even when their names sanitize alike", () => {
    const files = runFileNames(["bm25-first-stage", "cohere:a/b", "cohere:a_b", "COHERE_a_b", "..", "tei@http://x"]);
    expect([...files.values()]).toEqual([
      "bm25-first-stage.run",
      "cohere_a_b.run",
      "cohere_a_b-2.run",
      "COHERE_a_b-3.run",
      "_.run",
      "tei_http_x.run",
    ]);
    expect(new Set([...files.values()].map((f) => f.toLowerCase())).size).toBe(files.size);
  });

  it("writes the run files and the table before the report, so a report failure loses nothing", async () => {
    const out = mkdtempSync(join(tmpdir(), "rerankit-out-"));
    const html = join(out, "report-is-a-folder");
    mkdirSync(html);
    const c = capture();
    const code = await runEvalCommand(
      ["--collection", writeFixture(), "--rerank", "bm25", "--run-out", join(out, "runs"), "--html", html, "--json"],
      c.io,
    );
    expect(code).toBe(1);
    expect(c.stderr()).toMatch(/^Error: EISDIR/);
    expect(JSON.parse(c.stdout()).systems).toHaveLength(2);
    expect(readFileSync(join(out, "runs", "bm25.run"), "utf8")).toMatch(/^q1 Q0 d\d 1 /);
    expect(existsSync(join(out, "runs", "bm25-first-stage.run"))).toBe(true);
  });

  it("escapes control characters of a run tag in the terminal table", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rerankit-tag-"));
    writeFileSync(join(dir, "run"), "1 Q0 a 1 3 evil\u001b]0;pwned\u0007tag\n");
    writeFileSync(join(dir, "qrels"), "1 0 a 1\n");
    const c = capture();
    expect(await runEvalCommand(["--run", join(dir, "run"), "--qrels", join(dir, "qrels")], c.io)).toBe(0);
    expect(c.stdout()).toContain("evil\\u001b]0;pwned\\u0007tag");
    expect(hasControl(c.stdout())).toBe(false);
  });

  it("names a --run system by its run tag", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rerankit-tag-"));
    writeFileSync(join(dir, "run"), "1 Q0 a 1 3 anserini-bm25\n1 Q0 b 2 2 anserini-bm25\n");
    writeFileSync(join(dir, "qrels"), "1 0 a 1\n");
    const c = capture();
    expect(await runEvalCommand(["--run", join(dir, "run"), "--qrels", join(dir, "qrels"), "--json"], c.io)).toBe(0);
    expect(JSON.parse(c.stdout()).systems[0].name).toBe("anserini-bm25");
  });
});
