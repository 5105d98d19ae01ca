import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RerankError, RerankInputError } from "@rerankit/core";
import { type RerankServer, startRerankServer } from "@rerankit/server";
import { beforeAll, describe, expect, it } from "vitest";
import { QWEN3_DEFAULT_INSTRUCT, Qwen3Reranker } from "../src/index.js";
import { QWEN3, TINY } from "./fixtures.js";

/** The same weights as QWEN3, with `num_logits_to_keep`. */
const QWEN3_KEEP = fileURLToPath(new URL("./fixtures/tiny-qwen3-reranker-keep-logits", import.meta.url));
const TOLERANCE = 1e-4;

interface Qwen3Case {
  query: string;
  document: string;
  instruct: string | null;
  maxLength: number | null;
  inputIds: number[];
  pYes: number;
}
const expected = JSON.parse(readFileSync(join(QWEN3, "expected.json"), "utf8")) as {
  yesId: number;
  noId: number;
  defaultInstruct: string;
  cases: Qwen3Case[];
};
const plain = expected.cases.filter((c) => c.maxLength === null);
const defaults = plain.filter((c) => c.instruct === null);
const instructOf = (c: Qwen3Case) => c.instruct ?? undefined;

describe("Qwen3Reranker on the tiny Qwen3 fixture", () => {
  let reranker: Qwen3Reranker;
  beforeAll(async () => {
    reranker = new Qwen3Reranker({ model: QWEN3, localOnly: true });
    await reranker.load();
  });

  it("builds the model card's prompt: the same token ids as the reference tokenizer", async () => {
    expect(QWEN3_DEFAULT_INSTRUCT).toBe(expected.defaultInstruct);
    for (const c of plain) {
      const [ids] = await reranker.encode(c.query, [c.document], c.instruct ?? QWEN3_DEFAULT_INSTRUCT);
      expect(ids).toEqual(c.inputIds);
    }
  });

  it("scores each document as P(yes) of PyTorch's last position, within 1e-4", async () => {
    for (const c of plain) {
      const instruct = instructOf(c);
      const response = await reranker.rerank({ query: c.query, documents: [c.document], ...(instruct ? { instruct } : {}) });
      expect(Math.abs(response.results[0]!.relevanceScore - c.pYes)).toBeLessThan(TOLERANCE);
      expect(response).toMatchObject({ model: QWEN3, provider: "transformers", scoreKind: "probability" });
      expect(response.usage.totalTokens).toBe(c.inputIds.length);
    }
  });

  it("puts the instruct in the prompt: another instruct gives another score, each the reference's", async () => {
    const withDefault = defaults.find((c) => c.document.startsWith("Paris"))!;
    const withOther = plain.find((c) => c.instruct !== null && c.document === withDefault.document && c.query === withDefault.query)!;
    const request = { query: withDefault.query, documents: [withDefault.document] };
    const one = (await reranker.rerank(request)).results[0]!.relevanceScore;
    const other = (await reranker.rerank({ ...request, instruct: withOther.instruct! })).results[0]!.relevanceScore;
    const explicitDefault = (await reranker.rerank({ ...request, instruct: QWEN3_DEFAULT_INSTRUCT })).results[0]!.relevanceScore;
    expect(Math.abs(one - withDefault.pYes)).toBeLessThan(TOLERANCE);
    expect(Math.abs(other - withOther.pYes)).toBeLessThan(TOLERANCE);
    expect(Math.abs(one - other)).toBeGreaterThan(0.005);
    expect(explicitDefault).toBe(one);
    // The `instruct` option is the default for requests without one.
    const configured = new Qwen3Reranker({ model: QWEN3, instruct: withOther.instruct! });
    expect(Math.abs((await configured.rerank(request)).results[0]!.relevanceScore - withOther.pYes)).toBeLessThan(TOLERANCE);
  });

  it("gives the same scores with batch sizes 1 and 3 (padded, each row read at its last token), ranked like the reference", async () => {
    const query = "what is the capital of france";
    const list = defaults.filter((c) => c.query === query);
    expect(list.length).toBe(3);
    expect(new Set(list.map((c) => c.inputIds.length)).size).toBe(3); // different lengths: padded in one batch
    const documents = list.map((c) => c.document);
    const one = await new Qwen3Reranker({ model: QWEN3, batchSize: 1 }).rerank({ query, documents });
    const three = await new Qwen3Reranker({ model: QWEN3, batchSize: 3 }).rerank({ query, documents });
    const order = list
      .map((c, index) => ({ index, score: c.pYes }))
      .sort((a, b) => b.score - a.score)
      .map((r) => r.index);
    expect(one.results.map((r) => r.index)).toEqual(order);
    expect(three.results.map((r) => r.index)).toEqual(order);
    for (const [k, r] of three.results.entries()) {
      expect(Math.abs(r.relevanceScore - list[r.index]!.pYes)).toBeLessThan(TOLERANCE);
      expect(Math.abs(r.relevanceScore - one.results[k]!.relevanceScore)).toBeLessThan(1e-6);
    }
  });

  it("cuts an over-long prompt at the end of the document, keeping the prompt's closing suffix", async () => {
    const long = expected.cases.find((c) => c.maxLength !== null)!;
    const short = new Qwen3Reranker({ model: QWEN3, maxLength: long.maxLength! });
    expect(await short.maxLength()).toBe(long.maxLength);
    const [ids] = await short.encode(long.query, [long.document]);
    expect(ids).toEqual(long.inputIds);
    expect(ids!.length).toBe(long.maxLength);
    const [untruncated] = await reranker.encode(long.query, [long.document]);
    expect(untruncated!.length).toBeGreaterThan(long.maxLength!);
    expect(ids!.slice(-10)).toEqual(untruncated!.slice(-10));
    const score = (await short.rerank({ query: long.query, documents: [long.document] })).results[0]!.relevanceScore;
    expect(Math.abs(score - long.pYes)).toBeLessThan(TOLERANCE);
  });

  it("with a graph taking num_logits_to_keep, computes the same scores", async () => {
    expect(readFileSync(join(QWEN3_KEEP, "onnx", "model.onnx")).includes("num_logits_to_keep")).toBe(true);
    expect(readFileSync(join(QWEN3, "onnx", "model.onnx")).includes("num_logits_to_keep")).toBe(false);
    const keep = new Qwen3Reranker({ model: QWEN3_KEEP, batchSize: 4 });
    const query = "how to prevent a cold";
    const list = defaults.filter((c) => c.query === query);
    expect(new Set(list.map((c) => c.inputIds.length)).size).toBe(list.length); // rows end at different columns
    const response = await keep.rerank({ query, documents: list.map((c) => c.document) });
    expect(response.results).toHaveLength(list.length);
    for (const r of response.results) expect(Math.abs(r.relevanceScore - list[r.index]!.pYes)).toBeLessThan(TOLERANCE);
  });

  it("serves as the reranker of startRerankServer, with the request's instruct", async () => {
    let server: RerankServer | undefined;
    try {
      server = await startRerankServer({ reranker });
      const query = "what is the capital of france";
      const list = plain.filter((c) => c.query === query && c.instruct !== null);
      const instruct = list[0]!.instruct!;
      const documents = [list[0]!.document, ...defaults.filter((c) => c.query === query).map((c) => c.document)];
      const res = await fetch(`${server.url}/v1/rerank`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, documents, instruction: instruct, top_n: 4 }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { results: { index: number; relevance_score: number }[] };
      const own = await reranker.rerank({ query, documents, instruct });
      expect(body.results.map((r) => r.index)).toEqual(own.results.map((r) => r.index));
      const first = body.results.find((r) => r.index === 0)!;
      expect(Math.abs(first.relevance_score - list[0]!.pYes)).toBeLessThan(TOLERANCE);
    } finally {
      await server?.close();
    }
  });
});

describe("Qwen3Reranker's checks", () => {
  it("rejects bad options and a blank instruct with a RerankInputError naming the field", async () => {
    expect(() => new Qwen3Reranker({ model: "" })).toThrow(expect.objectContaining({ field: "model" }));
    expect(() => new Qwen3Reranker({ model: QWEN3, batchSize: 0 })).toThrow(expect.objectContaining({ field: "batchSize" }));
    expect(() => new Qwen3Reranker({ model: QWEN3, instruct: " " })).toThrow(expect.objectContaining({ field: "instruct" }));
    const reranker = new Qwen3Reranker({ model: QWEN3 });
    const error = await reranker.rerank({ query: "q", documents: ["d"], instruct: "  " }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankInputError);
    expect(error).toMatchObject({ field: "instruct" });
  });

  it("fails clearly for a missing model with localOnly, a maxLength too small for the prompt, and a model without yes/no tokens", async () => {
    const missing = await new Qwen3Reranker({ model: join(QWEN3, "nope"), localOnly: true }).load().catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(RerankInputError);
    expect(missing).toMatchObject({ field: "model" });
    expect((missing as Error).message).toMatch(/Qwen3Reranker: model .* was not found/);
    const tooShort = await new Qwen3Reranker({ model: QWEN3, maxLength: 40 }).load().catch((e: unknown) => e);
    expect(tooShort).toBeInstanceOf(RerankInputError);
    expect(tooShort).toMatchObject({ field: "maxLength" });
    // The BERT cross-encoder fixture is no causal LM with "yes"/"no" tokens.
    const notQwen = await new Qwen3Reranker({ model: TINY, localOnly: true }).load().catch((e: unknown) => e);
    expect(notQwen).toBeInstanceOf(RerankError);
    expect((notQwen as Error).message).toMatch(/Qwen3Reranker/);
  });
});
