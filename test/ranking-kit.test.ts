/**
 * One table of requests through every in-process reranker and through the server over HTTP: the
 * same validation answers everywhere, because they all check requests with core's ranking kit.
 * The local models run on the tiny fixtures of @rerankit/transformers.
 */
import { fileURLToPath } from "node:url";
import { Bm25Reranker, cachedReranker, memoryScoreCache, RerankInputError, type Reranker, type RerankRequest } from "@rerankit/core";
import { rerankerFromSpec } from "@rerankit/eval";
import { type RerankServer, startRerankServer } from "@rerankit/server";
import { BatchingReranker, CrossEncoderReranker, Qwen3Reranker } from "@rerankit/transformers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const fixture = (name: string) => fileURLToPath(new URL(`../packages/transformers/test/fixtures/${name}`, import.meta.url));
const TINY = fixture("tiny-cross-encoder");
const QWEN3 = fixture("tiny-qwen3-reranker");

const DOCS = ["Paris is the capital of France.", "Berlin is in Germany.", "The Seine flows through Paris."];

interface Case {
  name: string;
  request: Record<string, unknown>;
  /** The field a RerankInputError names, or the number of results of a valid request. */
  expected: { field: string } | { results: number };
  /** The same request as a Cohere-form body, and the field its 400 names (the wire's own name); null when JSON cannot say it. */
  wire: { body: Record<string, unknown>; field?: string } | null;
}

const bad = (name: string, request: Record<string, unknown>, field: string, wireField: string | null = field): Case => ({
  name,
  request,
  expected: { field },
  wire:
    wireField === null
      ? null
      : {
          body: Object.fromEntries(
            Object.entries(request).map(([k, v]) => [k === "topN" ? "top_n" : k === "returnDocuments" ? "return_documents" : k, v]),
          ),
          field: wireField,
        },
});
const ok = (name: string, request: Record<string, unknown>, results: number): Case => ({
  name,
  request,
  expected: { results },
  wire: { body: Object.fromEntries(Object.entries(request).map(([k, v]) => [k === "topN" ? "top_n" : k, v])) },
});

const CASES: Case[] = [
  bad("a blank query", { query: " \t", documents: DOCS }, "query"),
  bad("a query that is no string", { query: 7, documents: DOCS }, "query"),
  bad("documents that are no array", { query: "q", documents: "Paris" }, "documents"),
  bad("a blank document", { query: "q", documents: ["Paris", "  "] }, "documents[1]"),
  bad("an object document with an empty text", { query: "q", documents: [{ text: "" }] }, "documents[0].text", "documents[0]"),
  bad("a LangChain document (pageContent)", { query: "q", documents: [{ pageContent: "Paris" }] }, "documents[0].text", "documents[0]"),
  bad("a number as a document", { query: "q", documents: [42] }, "documents[0]"),
  bad("topN 0", { query: "q", documents: DOCS, topN: 0 }, "topN", "top_n"),
  bad("topN 1.5", { query: "q", documents: DOCS, topN: 1.5 }, "topN", "top_n"),
  bad("topN -1", { query: "q", documents: DOCS, topN: -1 }, "topN", "top_n"),
  bad("minScore NaN", { query: "q", documents: DOCS, minScore: Number.NaN }, "minScore", null),
  bad("an empty instruct", { query: "q", documents: DOCS, instruct: "" }, "instruct"),
  bad("a blank instruct", { query: "q", documents: DOCS, instruct: "   " }, "instruct"),
  bad("an instruct that is no string", { query: "q", documents: DOCS, instruct: 5 }, "instruct"),
  bad("an empty model", { query: "q", documents: DOCS, model: "" }, "model", null),
  bad("returnDocuments that is no boolean", { query: "q", documents: DOCS, returnDocuments: "yes" }, "returnDocuments", "return_documents"),
  ok("an empty list", { query: "q", documents: [] }, 0),
  ok("an empty list with a blank query", { query: "  ", documents: [] }, 0),
  ok("topN far past the list", { query: "capital of France", documents: DOCS, topN: 1_000_000 }, 3),
  ok("topN 1", { query: "capital of France", documents: DOCS, topN: 1 }, 1),
  ok("duplicate documents, each kept", { query: "capital of France", documents: [DOCS[0], DOCS[1], DOCS[0]] }, 3),
];

const RERANKERS: [string, () => Reranker][] = [
  ["Bm25Reranker", () => new Bm25Reranker()],
  ["cachedReranker", () => cachedReranker(new Bm25Reranker(), memoryScoreCache(), { listDependent: true })],
  ["CrossEncoderReranker", () => new CrossEncoderReranker({ model: TINY, localOnly: true })],
  ["BatchingReranker", () => new BatchingReranker({ reranker: new CrossEncoderReranker({ model: TINY, localOnly: true }) })],
  ["Qwen3Reranker", () => new Qwen3Reranker({ model: QWEN3, localOnly: true })],
  ["the eval bm25 reranker", () => rerankerFromSpec("bm25").reranker],
];

describe.each(RERANKERS)("%s answers the table", (_name, make) => {
  const reranker = make();
  it.each(CASES)("$name", async ({ request, expected }) => {
    const outcome = await reranker.rerank(request as unknown as RerankRequest).then(
      (response) => ({ results: response.results.length, sorted: isSorted(response.results) }),
      (error: unknown) => error,
    );
    if ("field" in expected) {
      expect(outcome).toBeInstanceOf(RerankInputError);
      expect((outcome as RerankInputError).field).toBe(expected.field);
    } else {
      expect(outcome).toEqual({ results: expected.results, sorted: true });
    }
  });
});

describe("the server over HTTP answers the same table (Cohere form)", () => {
  let server: RerankServer;
  beforeAll(async () => {
    server = await startRerankServer({ reranker: new Bm25Reranker() });
  });
  afterAll(() => server.close());

  it.each(CASES.filter((c) => c.wire !== null))("$name", async ({ wire, expected }) => {
    const response = await fetch(`${server.url}/v1/rerank`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(wire!.body),
    });
    const body = (await response.json()) as { message?: string; results?: { index: number; relevance_score: number }[] };
    if ("field" in expected) {
      expect(response.status).toBe(400);
      expect(body.message).toContain(wire!.field);
    } else {
      expect(response.status).toBe(200);
      const results = body.results!.map((r) => ({ index: r.index, relevanceScore: r.relevance_score }));
      expect({ results: results.length, sorted: isSorted(results) }).toEqual({ results: expected.results, sorted: true });
    }
  });
});

function isSorted(results: readonly { index: number; relevanceScore: number }[]): boolean {
  return results.every((r, k) => {
    const next = results[k + 1];
    return (
      next === undefined || r.relevanceScore > next.relevanceScore || (r.relevanceScore === next.relevanceScore && r.index < next.index)
    );
  });
}
