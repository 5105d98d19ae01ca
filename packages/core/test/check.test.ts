/** checkRerankResponse: what adapters and the server use to refuse a custom reranker's bad results. */
import { describe, expect, it } from "vitest";
import { checkRerankResponse, RerankResponseError, type RerankResponse } from "../src/index.js";

const response = (results: RerankResponse["results"]): RerankResponse => ({
  results,
  model: "m",
  provider: "custom",
  scoreKind: "unknown",
  usage: { requests: 0 },
  requestIds: [],
});

describe("checkRerankResponse", () => {
  it("accepts unique in-range indices with finite scores, any subset", () => {
    expect(() =>
      checkRerankResponse(
        response([
          { index: 2, relevanceScore: 0.5 },
          { index: 0, relevanceScore: -3 },
        ]),
        3,
      ),
    ).not.toThrow();
    expect(() => checkRerankResponse(response([]), 3)).not.toThrow();
  });

  it.each([
    ["out of range", [{ index: 3, relevanceScore: 1 }], "index 3 for 3 documents"],
    ["negative", [{ index: -1, relevanceScore: 1 }], "index -1"],
    ["fractional", [{ index: 0.5, relevanceScore: 1 }], "index 0.5"],
    [
      "repeated",
      [
        { index: 1, relevanceScore: 1 },
        { index: 1, relevanceScore: 0 },
      ],
      "index 1 for 3",
    ],
    ["NaN score", [{ index: 1, relevanceScore: Number.NaN }], "non-finite score for index 1"],
    ["infinite score", [{ index: 0, relevanceScore: Number.POSITIVE_INFINITY }], "non-finite"],
  ])("refuses an index or score that is %s", (_name, results, message) => {
    const check = () => checkRerankResponse(response(results), 3);
    expect(check).toThrow(RerankResponseError);
    expect(check).toThrow(message);
  });
});
