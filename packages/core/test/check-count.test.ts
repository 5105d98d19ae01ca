/** checkRerankResponse with an expectation: order and count as well as indices and scores. */
import { describe, expect, it } from "vitest";
import { checkEntries } from "../src/check.js";
import { checkRerankResponse, type RerankResponse, RerankResponseError } from "../src/index.js";

const response = (scores: [number, number][]): RerankResponse => ({
  results: scores.map(([index, relevanceScore]) => ({ index, relevanceScore })),
  model: "m",
  provider: "custom",
  scoreKind: "unknown",
  usage: { requests: 0 },
  requestIds: [],
});

describe("checkRerankResponse(response, { documents, topN, minScore })", () => {
  const all = response([
    [1, 0.9],
    [0, 0.5],
    [2, 0.5],
  ]);

  it("accepts every document, sorted by score descending and ties by index", () => {
    expect(() => checkRerankResponse(all, { documents: 3 })).not.toThrow();
  });

  it.each([
    ["a short answer", response([[1, 0.9]]), { documents: 3 }, /returned 1 results for 3 documents \(expected 3\)/],
    ["fewer than topN", response([[1, 0.9]]), { documents: 3, topN: 2 }, /returned 1 results for 3 documents \(expected 2 with topN 2\)/],
    ["more than topN", all, { documents: 3, topN: 2 }, /returned 3 results for 3 documents \(expected 2 with topN 2\)/],
    [
      "a score below minScore",
      response([
        [1, 0.9],
        [0, 0.1],
      ]),
      { documents: 3, minScore: 0.5 },
      /score 0.1 for index 0, below minScore 0.5/,
    ],
    ["more than topN with minScore", all, { documents: 3, topN: 1, minScore: 0 }, /expected at most 1/],
    [
      "results out of order",
      response([
        [0, 0.5],
        [1, 0.9],
      ]),
      { documents: 2 },
      /out of order at position 1/,
    ],
    [
      "a tie out of index order",
      response([
        [2, 0.5],
        [0, 0.5],
      ]),
      { documents: 3, topN: 2 },
      /out of order/,
    ],
    [
      "a repeated index",
      response([
        [0, 1],
        [0, 1],
      ]),
      { documents: 2 },
      /index 0 for 2 documents/,
    ],
  ])("refuses %s", (_name, r, expected, message) => {
    expect(() => checkRerankResponse(r, expected)).toThrow(RerankResponseError);
    expect(() => checkRerankResponse(r, expected)).toThrow(message);
    // The error names the reranker that answered.
    expect(() => checkRerankResponse(r, expected)).toThrow(expect.objectContaining({ provider: "custom" }));
  });

  it("accepts topN larger than the list (clamped), and fewer results under minScore", () => {
    expect(() => checkRerankResponse(all, { documents: 3, topN: 10 })).not.toThrow();
    expect(() => checkRerankResponse(response([[1, 0.9]]), { documents: 3, minScore: 0.6 })).not.toThrow();
    expect(() => checkRerankResponse(response([]), { documents: 0 })).not.toThrow();
    // minScore keeps every document: exactly `documents` results is still allowed (`>`, not `>=`).
    expect(() => checkRerankResponse(all, { documents: 3, minScore: 0.5 })).not.toThrow();
    expect(() =>
      checkRerankResponse(
        response([
          [1, 0.9],
          [0, 0.5],
        ]),
        { documents: 3, topN: 2, minScore: 0.1 },
      ),
    ).not.toThrow();
  });

  it("keeps the number form's old rules: indices and scores only", () => {
    expect(() => checkRerankResponse(response([[1, 0.1]]), 3)).not.toThrow();
  });
});

describe("checkEntries (the rule the client's per-batch check words itself)", () => {
  const score = (r: { index: number; s: number }) => r.s;
  it.each([
    ["an index out of range", [{ index: 3, s: 1 }], { problem: "range", index: 3 }],
    ["a fractional index", [{ index: 0.5, s: 1 }], { problem: "range", index: 0.5 }],
    [
      "a repeated index",
      [
        { index: 1, s: 1 },
        { index: 1, s: 0 },
      ],
      { problem: "repeat", index: 1 },
    ],
    ["a non-finite score", [{ index: 2, s: Number.NaN }], { problem: "score", index: 2 }],
  ])("names %s", (_name, results, expected) => {
    expect(checkEntries(results, 3, score)).toEqual(expected);
  });
  it("finds nothing wrong in a valid list", () => {
    expect(
      checkEntries(
        [
          { index: 2, s: 0.1 },
          { index: 0, s: -5 },
        ],
        3,
        score,
      ),
    ).toBeUndefined();
  });
});
