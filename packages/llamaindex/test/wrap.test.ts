/**
 * The returned wrappers: the bare `{ node, score }` ones are built directly rather than spread, and
 * must come out exactly as the spread makes them (same keys in the same order, same values); any
 * other wrapper (extra keys, symbol keys, another key order, an earlier retrievalScore) is spread.
 */
import { TextNode, type NodeWithScore } from "@llamaindex/core/schema";
import type { Reranker } from "@rerankit/core";
import { describe, expect, it } from "vitest";
import { RerankPostprocessor } from "../src/index.js";

/** Scores each document by its position, reversed: the last node comes first. */
const reversing: Reranker = {
  async rerank({ documents }) {
    const n = documents.length;
    return {
      results: documents.map((_, i) => ({ index: n - 1 - i, relevanceScore: (n - i) / n })),
      model: "m",
      provider: "custom",
      scoreKind: "probability",
      usage: { requests: 1 },
      requestIds: [],
    };
  },
};

const tag = Symbol("tag");
const node = (text: string) => new TextNode({ text, id_: text });

function spreadWrap(input: NodeWithScore, score: number) {
  const earlier = (input as { retrievalScore?: unknown }).retrievalScore;
  return { ...input, score, retrievalScore: typeof earlier === "number" ? earlier : input.score };
}

describe("RerankPostprocessor wrappers", () => {
  it("match what a spread of the input makes, for bare and for decorated wrappers", async () => {
    const inputs: NodeWithScore[] = [
      { node: node("a"), score: 0.5 },
      { node: node("b") },
      { score: 0.25, node: node("c") },
      { node: node("d"), score: 0.1, extra: "kept" } as NodeWithScore,
      { node: node("e"), score: 0.2, [tag]: "sym" } as NodeWithScore,
      { node: node("f"), score: 0.3, retrievalScore: 0.9 } as NodeWithScore,
      { node: node("g"), score: undefined },
    ];
    const out = await new RerankPostprocessor({ reranker: reversing }).postprocessNodes(inputs, "q");
    const n = inputs.length;
    out.forEach((got, k) => {
      const want = spreadWrap(inputs[n - 1 - k]!, (n - k) / n);
      expect(Reflect.ownKeys(got)).toEqual(Reflect.ownKeys(want));
      expect(got).toEqual(want);
      expect(got.node).toBe(inputs[n - 1 - k]!.node);
    });
    expect((out.find((o) => o.node.id_ === "e") as unknown as Record<symbol, unknown>)[tag]).toBe("sym");
  });
});
