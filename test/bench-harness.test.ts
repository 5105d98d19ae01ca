/**
 * The benchmark measures only working paths: each bench server and each measured path (the floor,
 * Rerankit's client and adapters, the Cohere anchors) returns the same, expected ranking.
 * Timing is the benchmark's job (`pnpm bench`); nothing here is timed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDocuments, makeDuplicateDocuments, QUERY } from "./bench/corpus.js";
import { paths } from "./bench/paths.js";
import { expectedRanking, startBenchServer, startBenchServerProcess, type RunningBenchServer } from "./bench/server.js";

const docs = makeDocuments(50, 200);
const expected = expectedRanking(docs);

describe("bench harness", () => {
  let instant: RunningBenchServer;
  let limited: RunningBenchServer;
  beforeAll(async () => {
    [instant, limited] = await Promise.all([startBenchServerProcess(), startBenchServer({ maxDocuments: 20, serviceTimeMs: 5 })]);
  });
  afterAll(async () => {
    await Promise.all([instant?.close(), limited?.close()]);
  });

  it("the expected ranking is a permutation of the documents, by descending score", () => {
    expect([...expected].sort((a, b) => a - b)).toEqual(docs.map((_, i) => i));
    expect(new Set(expected).size).toBe(docs.length);
  });

  it("the child-process server refuses a request over its documents-per-request limit with HTTP 400", async () => {
    const res = await fetch(`${limited.url}/v1/rerank`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: QUERY, documents: docs }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/too many documents/);
  });

  for (const path of paths) {
    it(`${path.name} returns the expected ranking from the child-process server`, async () => {
      const open = await path.open(instant.url);
      expect(typeof open, typeof open === "string" ? open : "").toBe("object");
      if (typeof open === "string") return;
      try {
        const input = open.prepare(docs);
        expect(open.ranking(input, await open.call(input, QUERY))).toEqual(expected);
      } finally {
        await open.close();
      }
    });
  }

  for (const path of paths.filter((p) => p.group !== "anchor")) {
    it(`${path.name} batches past the server's limit and still returns the expected ranking`, async () => {
      const open = await path.open(limited.url, { maxDocumentsPerRequest: 20, concurrency: 2 });
      expect(typeof open, typeof open === "string" ? open : "").toBe("object");
      if (typeof open === "string") return;
      try {
        const input = open.prepare(docs);
        expect(open.ranking(input, await open.call(input, QUERY))).toEqual(expected);
      } finally {
        await open.close();
      }
    });
  }

  it("a list full of duplicates ranks equal texts with equal scores, ties by index", async () => {
    const dupes = makeDuplicateDocuments(200, 10, 50);
    const open = await paths[1]!.open(instant.url);
    if (typeof open === "string") throw new Error(open);
    try {
      expect(open.ranking(dupes, await open.call(open.prepare(dupes), QUERY))).toEqual(expectedRanking(dupes));
    } finally {
      await open.close();
    }
  });
});
