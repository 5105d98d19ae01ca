/**
 * Calibration end to end, on small labelled data written here: an HTTP reranker behind the real
 * `rerankit serve` bin and the tiny local cross-encoder are calibrated the way users do it
 * (`rerankit eval --calibrate-split train --calibration-out DIR`, or the eval API), then the
 * profiles are used at run time — by `calibrated()`, by `RerankClient`'s `calibration` option with
 * a score cache, and through the LangChain adapter — and give exactly the profile's map of the
 * provider's own scores.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Document } from "@langchain/core/documents";
import {
  type CalibrationProfile,
  calibrated,
  calibrationMap,
  checkRerankResponse,
  loadCalibration,
  memoryScoreCache,
  RerankClient,
} from "@rerankit/core";
import { calibrateEvaluation, type EvalReport, evaluate, loadBeir, systemFileStem } from "@rerankit/eval";
import { RerankCompressor } from "@rerankit/langchain";
import { RerankPostprocessor } from "@rerankit/llamaindex";
import { TextNode } from "@llamaindex/core/schema";
import { CrossEncoderReranker } from "@rerankit/transformers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calibrateIntoFolder } from "../packages/eval/test/support/calibrate.js";

const SERVER = fileURLToPath(new URL("../packages/server", import.meta.url));
const TINY = fileURLToPath(new URL("../packages/transformers/test/fixtures/tiny-cross-encoder", import.meta.url));

/**
 * A small BEIR collection: 10 topics of 4 made-up words, 6 documents each (one with every topic
 * word, the others with one to three of them plus shared filler), 3 queries per topic of two topic
 * words. A document is relevant to a query of its topic when it holds one of the query's words.
 * Queries 0 and 1 of each topic are the train split, query 2 the test split.
 */
function writeCollection(): { dir: string; testQueries: { id: string; text: string }[]; docs: Map<string, string> } {
  let seed = 11;
  const rand = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const consonants = "bdfgklmnprstvz";
  const word = (t: number, w: number) => `${consonants[t]}a${consonants[(t + w + 3) % consonants.length]}o${"xqjw"[w]}ix`;
  const filler = ["report", "study", "result", "method", "sample", "measure", "effect", "group"];
  const docs = new Map<string, string>();
  const topicWords = new Map<string, string[]>();
  for (let t = 0; t < 10; t++) {
    const words = [0, 1, 2, 3].map((w) => word(t, w));
    for (let d = 0; d < 6; d++) {
      const own = d === 0 ? words : words.filter(() => rand() < 0.45);
      if (own.length === 0) own.push(words[Math.floor(rand() * 4)]!);
      const text = [...own, ...filler.filter(() => rand() < 0.5)].join(" ");
      docs.set(`t${t}d${d}`, text);
      topicWords.set(`t${t}d${d}`, own);
    }
  }
  const queries: { _id: string; text: string }[] = [];
  const qrels: Record<"train" | "test", string[]> = { train: [], test: [] };
  for (let t = 0; t < 10; t++) {
    for (let q = 0; q < 3; q++) {
      const words = [word(t, q), word(t, (q + 1 + Math.floor(rand() * 3)) % 4)];
      const id = `t${t}q${q}`;
      queries.push({ _id: id, text: words.join(" ") });
      for (let d = 0; d < 6; d++) {
        const relevant = topicWords.get(`t${t}d${d}`)!.some((w) => words.includes(w));
        qrels[q < 2 ? "train" : "test"].push(`${id}\tt${t}d${d}\t${relevant ? 1 : 0}`);
      }
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "rerankit-calibration-"));
  writeFileSync(join(dir, "corpus.jsonl"), [...docs].map(([_id, text]) => JSON.stringify({ _id, title: "", text })).join("\n"));
  writeFileSync(join(dir, "queries.jsonl"), queries.map((q) => JSON.stringify(q)).join("\n"));
  mkdirSync(join(dir, "qrels"));
  for (const split of ["train", "test"] as const) {
    writeFileSync(join(dir, "qrels", `${split}.tsv`), `query-id\tcorpus-id\tscore\n${qrels[split].join("\n")}\n`);
  }
  const testQueries = queries.filter((q) => q._id.endsWith("q2")).map((q) => ({ id: q._id, text: q.text }));
  return { dir, testQueries, docs };
}

let child: ChildProcess | undefined;
let baseURL: string;
const collection = writeCollection();

beforeAll(async () => {
  // The real `rerankit` bin from the server package's sources: `rerankit serve` on a free port.
  child = spawn(
    process.execPath,
    ["--conditions=@rerankit/source", "--import", "tsx", join(SERVER, "src", "cli.ts"), "serve", "--port", "0"],
    {
      cwd: SERVER,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child!.stdout!.on("data", (chunk) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child!.on("exit", (code) => reject(new Error(`rerankit serve exited early with ${code}`)));
  });
  baseURL = `${url}/v1`;
}, 60_000);

afterAll(() => {
  child?.kill();
});

describe("an HTTP reranker behind `rerankit serve`, calibrated by `rerankit eval`", () => {
  let profile: CalibrationProfile;
  let report: EvalReport;
  const out = mkdtempSync(join(tmpdir(), "rerankit-calibration-out-"));

  beforeAll(async () => {
    const spec = `rerankit@${baseURL}`;
    report = await calibrateIntoFolder(collection.dir, out, ["--rerank", spec, "--depth", "20"]);
    // One profile per system, named like its run file.
    for (const name of ["bm25-first-stage", spec]) {
      expect(existsSync(join(out, "runs", `${systemFileStem(name)}.run`))).toBe(true);
      expect(existsSync(join(out, "profiles", `${systemFileStem(name)}.calibration.json`))).toBe(true);
    }
    profile = await loadCalibration(join(out, "profiles", `${systemFileStem(spec)}.calibration.json`));
  }, 60_000);

  it("reports each system's calibration measured on the test queries, fitted on the train ones", () => {
    expect(report.systems).toHaveLength(2);
    for (const system of report.systems) {
      const c = system.calibration!;
      expect(c.fittedOn).toMatchObject({ split: "train", queries: 20 });
      expect(c.pairs).toBeGreaterThan(0);
      expect(c.reliability.reduce((s, b) => s + b.count, 0)).toBe(c.pairs);
      expect(c.brier).toBeGreaterThanOrEqual(0);
    }
    expect(profile).toMatchObject({ system: `rerankit@${baseURL}`, provider: "rerankit", model: "rerankit-bm25", method: "isotonic" });
  });

  it("the client's calibration option gives the profile's map of the provider's scores, through a score cache", async () => {
    const map = calibrationMap(profile.points);
    const warnings: string[] = [];
    const plain = new RerankClient({ provider: "rerankit", baseURL });
    // A client caches only when it names the model (a key must say which backend scored).
    const client = new RerankClient({
      provider: "rerankit",
      baseURL,
      model: "rerankit-bm25",
      calibration: profile,
      cache: memoryScoreCache(),
      hooks: { onWarning: ({ message }) => warnings.push(message) },
    });
    try {
      const documents = [...collection.docs.values()].slice(0, 18);
      for (const q of collection.testQueries.slice(0, 3)) {
        const raw = await plain.rerank({ query: q.text, documents });
        const rawOf = new Map(raw.results.map((r) => [r.index, r.relevanceScore]));
        const first = await client.rerank({ query: q.text, documents });
        const second = await client.rerank({ query: q.text, documents });
        expect(first.usage.cacheMisses).toBe(documents.length);
        expect(second.usage.cacheHits).toBe(documents.length);
        expect(second.usage.requests).toBe(0);
        expect(second.results).toEqual(first.results);
        expect(first.scoreKind).toBe("calibrated");
        expect(first.results).toHaveLength(documents.length);
        for (const r of first.results) {
          expect(r.rawScore).toBe(rawOf.get(r.index));
          expect(r.relevanceScore).toBe(map(r.rawScore!));
        }
        checkRerankResponse(first, { documents: documents.length });
        // calibrated() around the plain client: the same answer.
        expect((await calibrated(plain, profile).rerank({ query: q.text, documents })).results).toEqual(first.results);
        // minScore compares probabilities.
        const half = await client.rerank({ query: q.text, documents, minScore: 0.5 });
        expect(half.results).toEqual(first.results.filter((r) => r.relevanceScore >= 0.5));
      }
      expect(warnings).toEqual([]);
    } finally {
      await plain.close();
      await client.close();
    }
  });

  it("a profile fitted for another model warns through the hooks when this one answers, and still answers", async () => {
    const warnings: string[] = [];
    const client = new RerankClient({
      provider: "rerankit",
      baseURL,
      calibration: { ...profile, model: "another-model" },
      hooks: { onWarning: ({ message }) => warnings.push(message) },
    });
    try {
      const response = await client.rerank({ query: collection.testQueries[0]!.text, documents: ["a", "b"] });
      expect(response.results).toHaveLength(2);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain("another-model");
      expect(warnings[0]).toContain("rerankit-bm25");
    } finally {
      await client.close();
    }
  });

  it("the LangChain adapter passes calibration through to its client: scores are calibrated probabilities", async () => {
    const map = calibrationMap(profile.points);
    const query = collection.testQueries[1]!.text;
    const texts = [...collection.docs.values()].slice(0, 12);
    const plain = new RerankClient({ provider: "rerankit", baseURL });
    const compressor = new RerankCompressor({ provider: "rerankit", baseURL, calibration: profile });
    try {
      const raw = await plain.rerank({ query, documents: texts });
      const byText = new Map(raw.results.map((r) => [texts[r.index]!, map(r.relevanceScore)]));
      const documents = texts.map((pageContent, i) => new Document({ pageContent, metadata: { i } }));
      const compressed = await compressor.compressDocuments(documents, query);
      expect(compressed).toHaveLength(texts.length);
      for (const d of compressed) expect(d.metadata.relevanceScore).toBe(byText.get(d.pageContent));
    } finally {
      await plain.close();
      await compressor.close?.();
    }
  });
});

describe("the LlamaIndex adapter", () => {
  it("passes calibration through too, and refuses a bad profile when built", async () => {
    const profile: CalibrationProfile = {
      format: "rerankit-calibration/1",
      system: "s",
      method: "platt",
      points: [
        [0, 0.1],
        [5, 0.8],
      ],
      baseRate: 0.2,
      fittedOn: { queries: 1, pairs: 1 },
      created: "2026-12-06T05:00:00.000Z",
    };
    const map = calibrationMap(profile.points);
    const query = collection.testQueries[2]!.text;
    const texts = [...collection.docs.values()].slice(6, 16);
    const plain = new RerankClient({ provider: "rerankit", baseURL });
    const postprocessor = new RerankPostprocessor({ provider: "rerankit", baseURL, calibration: profile });
    try {
      const raw = await plain.rerank({ query, documents: texts });
      const byText = new Map(raw.results.map((r) => [texts[r.index]!, map(r.relevanceScore)]));
      const out = await postprocessor.postprocessNodes(
        texts.map((text) => ({ node: new TextNode({ text }), score: 0 })),
        query,
      );
      expect(out).toHaveLength(texts.length);
      for (const n of out) expect(n.score).toBe(byText.get((n.node as TextNode).text));
    } finally {
      await plain.close();
      await postprocessor.close();
    }
    expect(() => new RerankPostprocessor({ provider: "rerankit", baseURL, calibration: { ...profile, format: "v2" } as never })).toThrow(
      /calibration\.format/,
    );
  });
});

describe("the tiny local cross-encoder, calibrated through the eval API", () => {
  it("fits on train, measures on test, and calibrated() applies the profile's map", async () => {
    const reranker = new CrossEncoderReranker({ model: TINY, localOnly: true });
    const named = [{ name: "tiny-cross-encoder", provider: "transformers", model: TINY, reranker }];
    const test = await loadBeir(collection.dir, { split: "test" });
    const train = await loadBeir(collection.dir, { split: "train", corpus: false });
    const common = { documents: test.documents, rerankers: named, depth: 10, metrics: "ndcg@10", significance: { trials: 1 } };
    const evaluated = await evaluate({ ...common, queries: test.queries, qrels: test.qrels });
    const fitted = await evaluate({ ...common, queries: train.queries, qrels: train.qrels });
    const profiles = calibrateEvaluation(evaluated, test.qrels, fitted, train.qrels, { split: "train", method: "platt" });
    const report = evaluated.report.systems.find((s) => s.name === "tiny-cross-encoder")!.calibration!;
    // Pairs: each query's top 10 hits of the system's run (the first stage may find fewer).
    const pairsOf = (runs: typeof evaluated.runs) =>
      [...runs.get("tiny-cross-encoder")!.values()].reduce((s, hits) => s + Math.min(10, hits.length), 0);
    expect(report).toMatchObject({
      method: "platt",
      fittedOn: { split: "train", queries: 20, pairs: pairsOf(fitted.runs) },
      pairs: pairsOf(evaluated.runs),
    });
    expect(report.pairs).toBeGreaterThan(30);
    const profile = profiles.get("tiny-cross-encoder")!;
    const map = calibrationMap(profile.points);
    const documents = [...collection.docs.values()].slice(0, 8);
    const raw = await reranker.rerank({ query: test.queries[0]!.text, documents });
    const response = await calibrated(reranker, profile).rerank({ query: test.queries[0]!.text, documents });
    expect(response.scoreKind).toBe("calibrated");
    const rawOf = new Map(raw.results.map((r) => [r.index, r.relevanceScore]));
    for (const r of response.results) {
      expect(r.rawScore).toBe(rawOf.get(r.index));
      expect(r.relevanceScore).toBe(map(r.rawScore!));
    }
  }, 60_000);
});
