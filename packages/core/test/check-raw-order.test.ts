/**
 * checkRerankResponse's order rule for tied scores: a calibration map has flat stretches, so
 * results with equal (calibrated) scores must keep their raw order, raw score descending, and
 * only then the index ascending. One row per way of breaking the tie.
 */
import { describe, expect, it } from "vitest";
import { checkRerankResponse, type RerankResponse, RerankResponseError } from "../src/index.js";

type Result = RerankResponse["results"][number];

const response = (results: Result[]): RerankResponse => ({
  results,
  model: "m",
  provider: "custom",
  scoreKind: "probability",
  usage: { requests: 0 },
  requestIds: [],
});

const r = (index: number, relevanceScore: number, rawScore?: number): Result =>
  rawScore === undefined ? { index, relevanceScore } : { index, relevanceScore, rawScore };

const ORDER =
  "The reranker returned results out of order at position 1 (sorted by score descending, ties by raw score descending then index ascending, expected).";

describe("checkRerankResponse: ties on the score keep the raw order", () => {
  it.each([
    ["equal scores, raw descending, indices descending", [r(5, 0.5, 0.9), r(0, 0.5, 0.1)], true],
    ["equal scores, raw ascending", [r(0, 0.5, 0.1), r(5, 0.5, 0.9)], false],
    ["equal scores and raw scores, indices ascending", [r(1, 0.5, 0.3), r(2, 0.5, 0.3)], true],
    ["equal scores and raw scores, indices descending", [r(2, 0.5, 0.3), r(1, 0.5, 0.3)], false],
    ["no raw score counts as 0: above a negative raw score", [r(1, 0.5), r(0, 0.5, -1)], true],
    ["no raw score counts as 0: below a positive raw score", [r(0, 0.5), r(1, 0.5, 0.2)], false],
    ["no raw scores: indices ascending", [r(0, 0.5), r(1, 0.5)], true],
    ["no raw scores: indices descending", [r(1, 0.5), r(0, 0.5)], false],
    ["different scores: the raw scores do not matter", [r(3, 0.6, 0.1), r(1, 0.5, 0.9)], true],
    ["different scores ascending, raw descending", [r(1, 0.5, 0.9), r(3, 0.6, 0.1)], false],
  ] as const)("%s", (_name, results, ok) => {
    // topN = the results' count: only the order can be wrong.
    const check = () => checkRerankResponse(response([...results]), { documents: 10, topN: results.length });
    if (ok) expect(check).not.toThrow();
    else expect(check).toThrow(new RerankResponseError(ORDER, { provider: "custom" }));
  });

  it("names the position out of order", () => {
    expect(() => checkRerankResponse(response([r(9, 0.7, 1), r(0, 0.5, 0.1), r(5, 0.5, 0.9)]), { documents: 10, topN: 3 })).toThrow(
      "out of order at position 2",
    );
  });
});
