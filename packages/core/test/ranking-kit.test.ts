/** The ranking kit: one request check and one scores → response rule for every in-process reranker. */
import { describe, expect, it } from "vitest";
import { checkRankingRequest, RerankInputError, RerankResponseError, type RerankRequest, rankingResponse } from "../src/index.js";

const init = { model: "m", provider: "kit-test", scoreKind: "unknown" as const };

function fieldOf(request: unknown): string | undefined {
  try {
    checkRankingRequest(request as RerankRequest, "kit-test");
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(RerankInputError);
    expect((error as RerankInputError).provider).toBe("kit-test");
    return (error as RerankInputError).field;
  }
}

describe("checkRankingRequest", () => {
  it.each([
    ["a blank query with documents", { query: "  ", documents: ["a"] }, "query"],
    ["a query that is no string", { query: 3, documents: ["a"] }, "query"],
    ["documents that are no array", { query: "q", documents: "a" }, "documents"],
    ["a blank document", { query: "q", documents: ["a", " "] }, "documents[1]"],
    ["an object document with a blank text", { query: "q", documents: [{ text: "" }] }, "documents[0].text"],
    ["a LangChain document", { query: "q", documents: [{ pageContent: "x" }] }, "documents[0].text"],
    ["a number as document", { query: "q", documents: [4] }, "documents[0]"],
    ["topN 0", { query: "q", documents: ["a"], topN: 0 }, "topN"],
    ["topN 1.5", { query: "q", documents: ["a"], topN: 1.5 }, "topN"],
    ["topN -1", { query: "q", documents: ["a"], topN: -1 }, "topN"],
    ["minScore NaN", { query: "q", documents: ["a"], minScore: Number.NaN }, "minScore"],
    ["an empty instruct", { query: "q", documents: ["a"], instruct: "" }, "instruct"],
    ["a blank instruct", { query: "q", documents: ["a"], instruct: "  " }, "instruct"],
    ["an empty model", { query: "q", documents: ["a"], model: "" }, "model"],
    ["extraBody that is no object", { query: "q", documents: ["a"], extraBody: [] }, "extraBody"],
  ])("refuses %s, naming the field", (_, request, field) => {
    expect(fieldOf(request)).toBe(field);
  });

  it("accepts no documents with a blank query: empty in, empty out", () => {
    const ranking = checkRankingRequest({ query: " ", documents: [] }, "kit-test");
    expect(ranking.texts).toEqual([]);
    expect(rankingResponse(ranking, [], init).results).toEqual([]);
  });

  it("clamps topN to the documents once, and lists each distinct text once", () => {
    const ranking = checkRankingRequest({ query: "q", documents: ["a", { text: "b", id: 1 }, "a"], topN: 99 }, "kit-test");
    expect(ranking.topN).toBe(3);
    expect(ranking.texts).toEqual(["a", "b", "a"]);
    expect(ranking.unique).toEqual(["a", "b"]);
    expect([...ranking.uniqueOf]).toEqual([0, 1, 0]);
  });

  it("rejects with the signal's reason once the request is valid", () => {
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    expect(() => checkRankingRequest({ query: "q", documents: ["a"], signal: controller.signal }, "kit-test")).toThrow("stop");
    // Bad input is named first, aborted or not.
    expect(fieldOf({ query: "q", documents: ["a"], topN: 0, signal: controller.signal })).toBe("topN");
  });
});

describe("rankingResponse", () => {
  const documents = ["a", { text: "b" }, "c", "a"];

  it("gives every document its text's score, sorted by score then index, then minScore and topN", () => {
    const request: RerankRequest = { query: "q", documents, topN: 3, minScore: 0.2, returnDocuments: true };
    const response = rankingResponse(checkRankingRequest(request, "kit-test"), [0.5, 0.9, 0.1], init);
    expect(response.results).toEqual([
      { index: 1, relevanceScore: 0.9, document: documents[1] },
      { index: 0, relevanceScore: 0.5, document: "a" },
      { index: 3, relevanceScore: 0.5, document: "a" },
    ]);
    expect(response.results[1]!.document).toBe(documents[0]);
    expect(response).toMatchObject({ model: "m", provider: "kit-test", scoreKind: "unknown", usage: { requests: 0 }, requestIds: [] });
  });

  it("keeps every document without topN or minScore, and attaches no document unless asked", () => {
    const response = rankingResponse(checkRankingRequest({ query: "q", documents }, "kit-test"), [0.5, 0.9, 0.1], init);
    expect(response.results.map((r) => r.index)).toEqual([1, 0, 3, 2]);
    expect(response.results.every((r) => !("document" in r))).toBe(true);
  });

  it("refuses a non-finite score even when topN would cut it", () => {
    const ranking = checkRankingRequest({ query: "q", documents: ["a", "b"], topN: 1 }, "kit-test");
    expect(() => rankingResponse(ranking, [0.5, Number.NaN], init)).toThrow(RerankResponseError);
    expect(() => rankingResponse(ranking, [0.5, Number.NaN], init)).toThrow("non-finite score for index 1");
  });

  it("refuses scores that do not match the distinct texts", () => {
    const ranking = checkRankingRequest({ query: "q", documents }, "kit-test");
    expect(() => rankingResponse(ranking, [0.5, 0.9, 0.1, 0.3], init)).toThrow("scored 4 texts for 3 distinct documents");
  });
});
