/** Loaders: BEIR folders (plain or gzip corpus, CRLF qrels), TREC runs and qrels, and their errors. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatTrecRun, loadBeir, parseBeirQrels, parseCorpus, parseQueries, parseTrecQrels, parseTrecRun } from "../src/index.js";
import { writeFixture } from "./support/fixture.js";
import { dataError, dataErrorAsync } from "./support/errors.js";

describe("BEIR folders", () => {
  it("loads corpus.jsonl or corpus.jsonl.gz, queries and a CRLF qrels split", async () => {
    for (const gzip of [false, true]) {
      const c = await loadBeir(writeFixture({ gzip }));
      expect(c.documents).toHaveLength(6);
      expect(c.documents[0]).toEqual({
        id: "d1",
        title: "Hand washing",
        text: "Washing hands with soap prevents colds and the spread of viruses.",
      });
      expect(c.queries.map((q) => q.id)).toEqual(["q1", "q2", "q3", "q4"]);
      expect(c.qrels.get("q1")).toEqual(
        new Map([
          ["d1", 2],
          ["d2", 1],
          ["d3", 0],
        ]),
      );
      // No stray "\r" from CRLF line ends.
      expect([...c.qrels.get("q3")!.keys()]).toEqual(["d3"]);
    }
  });

  it("names a missing split, an empty split, a judged query or document that does not exist", async () => {
    const dir = writeFixture();
    expect((await dataErrorAsync(loadBeir(dir, { split: "dev" }))).message).toMatch(/qrels\/dev\.tsv: file not found/);
    writeFileSync(join(dir, "qrels", "empty.tsv"), "query-id\tcorpus-id\tscore\r\n");
    expect((await dataErrorAsync(loadBeir(dir, { split: "empty" }))).message).toMatch(/split "empty" has no judgments/);
    writeFileSync(join(dir, "qrels", "ghostq.tsv"), "query-id\tcorpus-id\tscore\nq9\td1\t1\n");
    expect((await dataErrorAsync(loadBeir(dir, { split: "ghostq" }))).message).toMatch(
      /query "q9" is judged in .*ghostq\.tsv but missing from queries\.jsonl/,
    );
    writeFileSync(join(dir, "qrels", "ghostd.tsv"), "query-id\tcorpus-id\tscore\nq1\tzzz\t1\n");
    expect((await dataErrorAsync(loadBeir(dir, { split: "ghostd" }))).message).toMatch(
      /document "zzz" \(judged for query "q1"\) is not in the corpus/,
    );
  });

  it("reports the file and line of a malformed line, and what was expected", () => {
    const corpus = dataError(() => parseCorpus('{"_id":"a","text":"x"}\n{"_id":"b"}\n', "c.jsonl"));
    expect([corpus.file, corpus.line]).toEqual(["c.jsonl", 2]);
    expect(corpus.message).toBe('c.jsonl:2: expected a JSON object with a string "_id" and "text" (and optional string "title")');
    expect(dataError(() => parseCorpus('{"_id":"a","text":"x"}\n{not json\n', "c.jsonl")).message).toMatch(/^c\.jsonl:2: .*invalid JSON/);
    expect(dataError(() => parseCorpus('{"_id":"a","text":"x"}\n{"_id":"a","text":"y"}\n', "c.jsonl")).message).toBe(
      'c.jsonl:2: duplicate document id "a" (first on line 1)',
    );
    expect(dataError(() => parseQueries('{"_id":1,"text":"x"}', "q.jsonl")).line).toBe(1);
    expect(dataError(() => parseBeirQrels("q\td\ts\n", "t.tsv")).message).toBe(
      't.tsv:1: expected the header "query-id<TAB>corpus-id<TAB>score"',
    );
    expect(dataError(() => parseBeirQrels("query-id\tcorpus-id\tscore\r\nq1\td1\r\n", "t.tsv")).message).toBe(
      't.tsv:2: expected 3 tab-separated fields "query-id corpus-id score", got 2',
    );
    expect(dataError(() => parseBeirQrels("query-id\tcorpus-id\tscore\nq1\td1\thigh\n", "t.tsv")).message).toBe(
      't.tsv:2: expected an integer relevance grade in the third field, got "high"',
    );
    expect(dataError(() => parseBeirQrels("query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td1\t2\n", "t.tsv")).message).toMatch(
      /^t\.tsv:3: .*twice with different grades/,
    );
  });
});

describe("TREC files", () => {
  it("parses qrels and runs, sorting each query in trec_eval order", () => {
    expect(parseTrecQrels("q1 0 d1 2\r\nq1 0 d2 0\n\nq2 0 d3 1\n")).toEqual(
      new Map([
        [
          "q1",
          new Map([
            ["d1", 2],
            ["d2", 0],
          ]),
        ],
        ["q2", new Map([["d3", 1]])],
      ]),
    );
    const run = parseTrecRun("q1 Q0 a 2 1.5 x\nq1 Q0 b 1 3 x\nq1 Q0 c 3 1.5 x\nq2 Q0 a 1 -1 x\n");
    expect(run.get("q1")).toEqual([
      { id: "b", score: 3 },
      { id: "c", score: 1.5 },
      { id: "a", score: 1.5 },
    ]);
    expect(formatTrecRun(run, "my run")).toBe("q1 Q0 b 1 3 my_run\nq1 Q0 c 2 1.5 my_run\nq1 Q0 a 3 1.5 my_run\nq2 Q0 a 1 -1 my_run\n");
    expect(parseTrecRun(formatTrecRun(run, "t"))).toEqual(run);
  });

  it("reports malformed lines with file and line", () => {
    expect(dataError(() => parseTrecRun("q1 Q0 a 1 1 x\nq1 Q0 b 2\n", "r.txt")).message).toBe(
      'r.txt:2: expected 6 fields "qid Q0 docid rank score tag", got 4',
    );
    expect(dataError(() => parseTrecRun("q1 Q0 a 1 NaN x\n", "r.txt")).message).toBe(
      'r.txt:1: expected a number in the score field (5th), got "NaN"',
    );
    expect(dataError(() => parseTrecRun("q1 Q0 a 1 1 x\nq1 Q0 a 2 0.5 x\n", "r.txt")).message).toBe(
      'r.txt:2: document "a" is listed twice for query "q1"',
    );
    expect(dataError(() => parseTrecQrels("q1 0 d1\n", "qr")).message).toBe('qr:1: expected 4 fields "qid 0 docid rel", got 3');
    expect(dataError(() => parseTrecQrels("q1 0 d1 0.5\n", "qr")).message).toBe(
      'qr:1: expected an integer relevance grade in the fourth field, got "0.5"',
    );
  });
});
