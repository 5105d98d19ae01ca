/**
 * An LLM reranker calibrated end to end through the CLI (issues 22 and 23): `rerankit eval
 * --rerank logprob:<model>@<baseURL> --calibrate-split train` against a local OpenAI-compatible
 * server that answers with logprobs, on the small BEIR fixture plus a train split. The profile is
 * fitted on the LLM's P(yes) (the server's own numbers), its Brier score is recomputed here from the
 * `--run-out` run, and the profile then calibrates a `LogprobReranker` at run time.
 */
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { calibrated, loadCalibration } from "@rerankit/core";
import { LogprobReranker } from "@rerankit/llm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EvalReport, runEvalCommand } from "../src/index.js";
import { fixtureQrels, writeFixture } from "./support/fixture.js";
import { interpolate } from "./support/interpolate.js";

/** The judge: P(yes) from the share of the query's words found in the document (a pointwise score). */
const words = (text: string) => new Set(text.toLowerCase().match(/[a-z]+/g) ?? []);
function judge(query: string, document: string): { yes: number; no: number } {
  const q = words(query);
  const d = words(document);
  let shared = 0;
  for (const w of q) if (d.has(w)) shared++;
  return { yes: -3 + (3 * shared) / q.size, no: -1 };
}
const pYes = ({ yes, no }: { yes: number; no: number }) => Math.exp(yes) / (Math.exp(yes) + Math.exp(no));

let chat: http.Server;
let chatURL: string;
/** Every P(yes) the server implied, as the client computes it. */
const served = new Set<number>();

beforeAll(async () => {
  chat = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      const user = (JSON.parse(body) as { messages: { role: string; content: string }[] }).messages[1]!.content;
      const query = /<Query>: (.*)\n/.exec(user)![1]!;
      const document = user.slice(user.indexOf("<Document>: ") + "<Document>: ".length);
      const logprobs = judge(query, document);
      served.add(pYes(logprobs));
      const top = [
        { token: "yes", logprob: logprobs.yes },
        { token: "no", logprob: logprobs.no },
      ];
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ id: "c1", model: "judge", choices: [{ index: 0, logprobs: { content: [{ token: "yes", top_logprobs: top }] } }] }),
      );
    });
  });
  await new Promise<void>((resolve) => chat.listen(0, "127.0.0.1", resolve));
  chatURL = `http://127.0.0.1:${(chat.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => chat.close(() => resolve())));

/** The fixture with three more queries judged in qrels/train.tsv (as calibration-cli.test.ts). */
function withTrainSplit(): string {
  const dir = writeFixture({ crlf: false });
  const queries = [
    { _id: "q5", text: "soap hands colds" },
    { _id: "q6", text: "massive stars collapse" },
    { _id: "q7", text: "cold water coffee beans" },
  ];
  appendFileSync(join(dir, "queries.jsonl"), `${queries.map((q) => JSON.stringify(q)).join("\n")}\n`);
  writeFileSync(
    join(dir, "qrels", "train.tsv"),
    "query-id\tcorpus-id\tscore\nq5\td1\t1\nq5\td2\t0\nq6\td6\t1\nq6\td5\t1\nq7\td3\t1\nq7\td4\t0\n",
  );
  return dir;
}

describe("rerankit eval --rerank logprob:… --calibrate-split train", () => {
  it("fits a profile on the LLM's P(yes) over train, measures it on test, and the profile calibrates a LogprobReranker", async () => {
    const out = mkdtempSync(join(tmpdir(), "rerankit-llm-calibration-"));
    const spec = `logprob:judge@${chatURL}`;
    let stdout = "";
    let stderr = "";
    const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: {} };
    const args = ["--collection", withTrainSplit(), "--rerank", spec, "--calibrate-split", "train", "--json"];
    const code = await runEvalCommand([...args, "--run-out", join(out, "runs"), "--calibration-out", join(out, "profiles")], io);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as EvalReport;
    expect(report.systems.map((s) => s.name)).toEqual(["bm25-first-stage", spec]);
    const llm = report.systems[1]!.calibration!;
    expect(llm).toMatchObject({ method: "isotonic", fittedOn: { split: "train", queries: 3 } });

    // One profile per system, named like its run file; the LLM's is fitted on the server's P(yes).
    const runs = readdirSync(join(out, "runs")).filter((f) => f !== "bm25-first-stage.run");
    expect(runs).toHaveLength(1);
    const system = runs[0]!.replace(/\.run$/, "");
    const file = join(out, "profiles", `${system}.calibration.json`);
    const profile = await loadCalibration(file);
    expect(profile).toMatchObject({
      format: "rerankit-calibration/1",
      method: "isotonic",
      provider: "logprob/qwen3-reranker",
      model: "judge",
    });
    expect(profile.fittedOn).toEqual(llm.fittedOn);
    for (const [raw, p] of profile.points) {
      expect([...served].some((s) => Math.abs(s - raw) < 1e-12)).toBe(true);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    }
    // Train: q5's d1, q6's d5 and d6, q7's d3 are the relevant hits, and the judge scores them highest.
    expect(profile.points.at(-1)![1]).toBe(1);

    // Measured on test: the Brier score the run file and the profile give, recomputed here.
    const relevant = new Set(fixtureQrels.filter(([, , g]) => g > 0).map(([q, d]) => `${q} ${d}`));
    const pairs: { p: number; y: number }[] = [];
    for (const line of readFileSync(join(out, "runs", runs[0]!), "utf8").split("\n")) {
      const [q, , d, rank, score] = line.split(" ");
      if (!q || Number(rank) > report.settings.depth) continue;
      expect([...served].some((s) => Math.abs(s - Number(score)) < 1e-9)).toBe(true);
      pairs.push({ p: interpolate(profile.points, Number(score)), y: relevant.has(`${q} ${d}`) ? 1 : 0 });
    }
    expect(llm.pairs).toBe(pairs.length);
    expect(llm.brier).toBeCloseTo(pairs.reduce((s, { p, y }) => s + (p - y) ** 2, 0) / pairs.length, 10);

    // At run time: the profile around the LLM reranker, no mismatch warning for the same model.
    const warnings: string[] = [];
    const inner = new LogprobReranker({ baseURL: chatURL, model: "judge" });
    try {
      const reranker = calibrated(inner, profile, { hooks: { onWarning: ({ message }) => warnings.push(message) } });
      const documents = ["Washing hands with soap prevents colds.", "Cold brew coffee steeps ground beans in cold water."];
      const response = await reranker.rerank({ query: "how to prevent a cold", documents });
      expect(response.scoreKind).toBe("calibrated");
      for (const r of response.results) {
        const raw = pYes(judge("how to prevent a cold", documents[r.index]!));
        expect(r.rawScore).toBeCloseTo(raw, 12);
        expect(r.relevanceScore).toBeCloseTo(interpolate(profile.points, raw), 12);
      }
      expect(warnings).toEqual([]);
    } finally {
      await inner.close();
    }
  });
});
