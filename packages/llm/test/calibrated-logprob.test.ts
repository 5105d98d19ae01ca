/**
 * `calibrated()` around a `LogprobReranker` (issue 23 with issue 22), against a real
 * OpenAI-compatible server on 127.0.0.1. Nothing is fitted: the profile is written by hand, so
 * every expected probability is computed here from the logprobs the server sends and the map's
 * points. The score cache sits inside (in the LogprobReranker) and holds raw P(yes), never a
 * calibrated value.
 */
import { type CalibrationProfile, calibrated, memoryScoreCache, RerankInputError } from "@rerankit/core";
import { afterEach, describe, expect, it } from "vitest";
import { LogprobReranker } from "../src/index.js";
import { type ChatServer, startChatServer, yesNoReply } from "./support/chat-server.js";

const servers: ChatServer[] = [];
const rerankers: LogprobReranker[] = [];
afterEach(async () => {
  await Promise.all(rerankers.splice(0).map((r) => r.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

// Each document's logprobs are written in its text: "ly,ln".
const fromText = yesNoReply((document) => {
  const [yes, no] = document.split(",").map(Number);
  return { yes: yes!, no: no! };
});
const pYes = (document: string) => {
  const [ly, ln] = document.split(",").map(Number);
  return Math.exp(ly!) / (Math.exp(ly!) + Math.exp(ln!));
};

/** A valid profile by hand: P(yes) 0 → 0.05, 0.5 → 0.3, 1 → 0.9 (the judge is overconfident in "no" and in "yes"). */
const PROFILE: CalibrationProfile = {
  format: "rerankit-calibration/1",
  system: "logprob_judge-model",
  provider: "logprob/qwen3-reranker",
  model: "judge-model",
  method: "isotonic",
  points: [
    [0, 0.05],
    [0.5, 0.3],
    [1, 0.9],
  ],
  baseRate: 0.3,
  fittedOn: { split: "train", queries: 10, pairs: 100 },
  created: "2026-12-06T05:00:00.000Z",
};
/** The profile's map, written out: linear between the points. */
const map = (p: number) => (p <= 0.5 ? 0.05 + (p / 0.5) * 0.25 : 0.3 + ((p - 0.5) / 0.5) * 0.6);

// P(yes) ≈ 0.917, 0.5, 0.050; calibrated ≈ 0.800, 0.3, 0.075.
const DOCUMENTS = ["-3,-0.05", "-0.1,-2.5", "-1,-1"];

async function setup() {
  const server = await startChatServer(fromText);
  servers.push(server);
  const cache = memoryScoreCache();
  const inner = new LogprobReranker({ baseURL: `${server.url}/v1`, model: "judge-model", cache });
  rerankers.push(inner);
  const warnings: string[] = [];
  const reranker = calibrated(inner, PROFILE, { hooks: { onWarning: ({ message }) => warnings.push(message) } });
  return { server, inner, reranker, warnings };
}

describe("calibrated(LogprobReranker)", () => {
  it("answers calibrated probabilities, keeps P(yes) as rawScore, and sorts by them", async () => {
    const { server, reranker, warnings } = await setup();
    const response = await reranker.rerank({ query: "what is rerankit", documents: DOCUMENTS });
    expect(server.requests).toHaveLength(3);
    expect(response.scoreKind).toBe("calibrated");
    expect(response.provider).toBe("logprob/qwen3-reranker");
    expect(response.model).toBe("judge-model");
    expect(response.results.map((r) => r.index)).toEqual([1, 2, 0]);
    for (const r of response.results) {
      const p = pYes(DOCUMENTS[r.index]!);
      expect(r.rawScore).toBeCloseTo(p, 12);
      expect(r.relevanceScore).toBeCloseTo(map(p), 12);
    }
    expect(response.results.map((r) => r.relevanceScore)).not.toEqual(response.results.map((r) => r.rawScore));
    // The profile names this provider and model: no mismatch warning.
    expect(warnings).toEqual([]);
  });

  it("minScore compares calibrated probabilities, not P(yes)", async () => {
    const { server, reranker } = await setup();
    // P(yes) 0.5 passes 0.4, its calibrated 0.3 does not: only the first document stays.
    const response = await reranker.rerank({ query: "q", documents: DOCUMENTS, minScore: 0.4 });
    expect(response.results.map((r) => r.index)).toEqual([1]);
    expect(pYes(DOCUMENTS[2]!)).toBeGreaterThanOrEqual(0.4);
    // The inner reranker scored every document (minScore is applied after the map).
    expect(server.requests).toHaveLength(3);
    await expect(reranker.rerank({ query: "q", documents: DOCUMENTS, minScore: Number.NaN })).rejects.toBeInstanceOf(RerankInputError);
  });

  it("composes with the score cache: a repeat is served from it, and the cache holds P(yes), not the calibrated score", async () => {
    const { server, inner, reranker } = await setup();
    const first = await reranker.rerank({ query: "q", documents: DOCUMENTS, topN: 2 });
    const again = await reranker.rerank({ query: "q", documents: DOCUMENTS, topN: 2 });
    expect(server.requests).toHaveLength(3);
    expect(again.usage).toMatchObject({ requests: 0, cacheHits: 3 });
    expect(again.results).toEqual(first.results);
    expect(again.results.map((r) => r.index)).toEqual([1, 2]);
    // The same cache, read without calibration: raw P(yes), so calibration never maps twice.
    const plain = await inner.rerank({ query: "q", documents: DOCUMENTS });
    expect(plain.usage).toMatchObject({ requests: 0, cacheHits: 3 });
    expect(plain.scoreKind).toBe("probability");
    for (const r of plain.results) expect(r.relevanceScore).toBeCloseTo(pYes(DOCUMENTS[r.index]!), 12);
    expect(plain.results.every((r) => r.rawScore === undefined)).toBe(true);
  });

  it("warns once through the hooks when the profile was fitted for another model", async () => {
    const server = await startChatServer(fromText);
    servers.push(server);
    const inner = new LogprobReranker({ baseURL: `${server.url}/v1`, model: "another-judge" });
    rerankers.push(inner);
    const warnings: string[] = [];
    const reranker = calibrated(inner, PROFILE, { hooks: { onWarning: ({ message }) => warnings.push(message) } });
    for (let i = 0; i < 2; i++) await reranker.rerank({ query: "q", documents: DOCUMENTS });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/fitted for logprob\/qwen3-reranker judge-model, but logprob\/qwen3-reranker another-judge answered/);
  });
});
