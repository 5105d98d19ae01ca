/** A small BEIR-format collection written to a temp folder (CRLF qrels, gzip corpus optional). */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

export const fixtureDocs = [
  { _id: "d1", title: "Hand washing", text: "Washing hands with soap prevents colds and the spread of viruses." },
  { _id: "d2", title: "Sleep", text: "Sleep helps the immune system fight the common cold." },
  { _id: "d3", title: "Cold brew", text: "Cold brew coffee steeps ground beans in cold water." },
  { _id: "d4", title: "Batteries", text: "Car batteries lose capacity in cold weather." },
  { _id: "d5", title: "Stars", text: "A neutron star is the collapsed core of a massive star." },
  { _id: "d6", title: "Black holes", text: "Black holes form when massive stars collapse." },
];
export const fixtureQueries = [
  { _id: "q1", text: "how to prevent a cold" },
  { _id: "q2", text: "what is a neutron star" },
  { _id: "q3", text: "cold brew coffee" },
  { _id: "q4", text: "stock market" }, // judged, but nothing relevant: left out and counted
];
export const fixtureQrels = [
  ["q1", "d1", 2],
  ["q1", "d2", 1],
  ["q1", "d3", 0],
  ["q2", "d5", 1],
  ["q3", "d3", 1],
  ["q4", "d4", 0],
] as const;

/** Writes the collection; returns its folder. */
export function writeFixture(options: { gzip?: boolean; crlf?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "rerankit-eval-"));
  const corpus = `${fixtureDocs.map((d) => JSON.stringify(d)).join("\n")}\n`;
  if (options.gzip) writeFileSync(join(dir, "corpus.jsonl.gz"), gzipSync(corpus));
  else writeFileSync(join(dir, "corpus.jsonl"), corpus);
  writeFileSync(join(dir, "queries.jsonl"), `${fixtureQueries.map((q) => JSON.stringify(q)).join("\n")}\n`);
  mkdirSync(join(dir, "qrels"));
  const eol = options.crlf === false ? "\n" : "\r\n";
  writeFileSync(join(dir, "qrels", "test.tsv"), `query-id\tcorpus-id\tscore${eol}${fixtureQrels.map((r) => r.join("\t")).join(eol)}${eol}`);
  return dir;
}
