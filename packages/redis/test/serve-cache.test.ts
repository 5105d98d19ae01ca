/**
 * `cachedReranker` over a real Redis, and `rerankit serve --redis` through the CLI in-process: a
 * repeated request is served from Redis, and a Redis killed before a request still gets a 200.
 */
import { cachedReranker, type Reranker, type RerankRequest, type RerankResponse } from "@rerankit/core";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redactUrl } from "../../server/src/cli/commands/serve.js";
import { runCli } from "../../server/src/cli/main.js";
import { redisScoreCache } from "../src/index.js";
import { pointwiseScore } from "./support/counting-server.js";
import { type RedisServer, startRedisServer } from "./support/redis-server.js";

const docs = (n: number, tag = "doc") => Array.from({ length: n }, (_, i) => `${tag} ${i}: ${"lorem ipsum ".repeat(1 + (i % 5))}`);

/** A pointwise reranker (scores from the text alone) that records the documents of every call. */
function countingReranker(): Reranker & { sent: string[][] } {
  const sent: string[][] = [];
  return {
    sent,
    async rerank(request: RerankRequest): Promise<RerankResponse> {
      const texts = request.documents.map((d) => (typeof d === "string" ? d : d.text));
      sent.push(texts);
      let results = texts.map((text, index) => ({ index, relevanceScore: pointwiseScore(text) }));
      results.sort((a, b) => b.relevanceScore - a.relevanceScore || a.index - b.index);
      if (request.minScore !== undefined) results = results.filter((r) => r.relevanceScore >= request.minScore!);
      if (request.topN !== undefined) results = results.slice(0, request.topN);
      return { results, model: "pointwise", provider: "counting", scoreKind: "probability", usage: { requests: 1 }, requestIds: [] };
    },
  };
}

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

describe("cachedReranker on Redis", () => {
  it("partial hits send only the misses and rank identically to an uncached call, topN and minScore included", async () => {
    const cache = redisScoreCache({ url: redis.url }, { ttlSeconds: 600 });
    try {
      const inner = countingReranker();
      const reranker = cachedReranker(inner, cache, { model: "m" });
      const all = docs(20);
      await reranker.rerank({ query: "q", documents: all.slice(0, 10) });
      const request: RerankRequest = { query: "q", documents: all.slice(5), topN: 6, minScore: 0.2 };
      const response = await reranker.rerank(request);
      expect(inner.sent).toEqual([all.slice(0, 10), all.slice(10)]);
      expect(response.usage).toMatchObject({ cacheHits: 5, cacheMisses: 10 });
      expect(response.results).toEqual((await countingReranker().rerank(request)).results);
      expect(response.results.length).toBeGreaterThan(0);
    } finally {
      await cache.close();
    }
  });

  it("a Redis killed before the call fails nothing: all misses, one warning per failed read or write", async () => {
    const cache = redisScoreCache({ url: redis.url }, { ttlSeconds: 600 });
    const warnings: string[] = [];
    try {
      const reranker = cachedReranker(countingReranker(), cache, { hooks: { onWarning: ({ message }) => warnings.push(message) } });
      await reranker.rerank({ query: "warm", documents: docs(3) });
      await redis.kill();
      const request = { query: "q", documents: docs(8, "cold"), topN: 3 };
      const response = await reranker.rerank(request);
      expect(response.results).toEqual((await countingReranker().rerank(request)).results);
      expect(response.usage).toMatchObject({ cacheHits: 0, cacheMisses: 8 });
      expect(warnings).toEqual([expect.stringMatching(/score cache read/), expect.stringMatching(/score cache write/)]);
    } finally {
      await cache.close();
      await redis.restart();
    }
  });
});

describe("rerankit serve --redis", { timeout: 30_000 }, () => {
  async function startServe(args: string[]) {
    const stop = new AbortController();
    const out = { stdout: "", stderr: "" };
    const done = runCli(["serve", "--port", "0", ...args], {
      stdout: { write: (text: string) => (out.stdout += text) },
      stderr: { write: (text: string) => (out.stderr += text) },
      env: {},
      signal: stop.signal,
    });
    while (!out.stdout.includes("Ctrl+C")) {
      if (out.stderr !== "") throw new Error(out.stderr);
      await new Promise((r) => setTimeout(r, 5));
    }
    const url = /listening on (\S+)/.exec(out.stdout)![1]!;
    const rerank = async (body: unknown) => {
      const response = await fetch(`${url}/v1/rerank`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as { results: { index: number; relevance_score: number }[] } };
    };
    const stopServe = async () => {
      stop.abort();
      return await done;
    };
    return { out, url, rerank, stop: stopServe };
  }

  const body = {
    model: "rerankit-bm25",
    query: "wash hands colds",
    documents: ["Wash your hands.", "Colds are viruses.", "Paris towers.", "Hands, colds."],
  };

  it("stores each document's score in Redis with --cache-ttl, and serves a repeated request from it", async () => {
    const admin = new Redis(redis.url);
    try {
      await admin.flushall();
      const serve = await startServe(["--redis", redis.url, "--cache-ttl", "120"]);
      expect(serve.out.stdout).toContain(`Score cache: Redis ${redis.url}, 120 s a score`);
      const first = await serve.rerank(body);
      expect(first.status).toBe(200);
      const keys = await admin.keys("rerankit:score:*");
      expect(keys).toHaveLength(4);
      for (const key of keys) {
        expect(Number(await admin.get(key))).toSatisfy(Number.isFinite);
        expect(await admin.ttl(key)).toBeGreaterThan(100);
        expect(await admin.ttl(key)).toBeLessThanOrEqual(120);
      }
      const second = await serve.rerank(body);
      expect(second.body.results).toEqual(first.body.results);

      // Proof that the scores come from Redis: change them there, and the server answers the change.
      for (const [i, key] of keys.entries()) await admin.set(key, String(10 + i), "EX", 120);
      const third = await serve.rerank(body);
      expect(third.status).toBe(200);
      expect(third.body.results.map((r) => r.relevance_score).sort()).toEqual([10, 11, 12, 13]);
      // Another list (one document more): BM25's idf changes, so nothing stored is reused.
      const other = await serve.rerank({ ...body, documents: [...body.documents, "More hands."] });
      expect(other.body.results.every((r) => r.relevance_score < 10)).toBe(true);
      expect(await serve.stop()).toBe(0);
      expect(serve.out.stderr).toBe("");
    } finally {
      admin.disconnect();
    }
  });

  it("answers 200 when Redis was killed before the request, warns on stderr once, and stops cleanly", async () => {
    const admin = new Redis(redis.url);
    await admin.flushall();
    admin.disconnect();
    const serve = await startServe(["--redis", redis.url]);
    try {
      const warm = await serve.rerank(body);
      await redis.kill();
      const first = await serve.rerank(body);
      const second = await serve.rerank({ ...body, query: "towers" });
      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      expect(first.body.results).toEqual(warm.body.results);
      expect(serve.out.stderr.match(/Warning: score cache/g)).toHaveLength(1);
    } finally {
      expect(await serve.stop()).toBe(0);
      await redis.restart();
    }
  });

  it("checks its cache flags before starting", async () => {
    const run = async (args: string[]) => {
      let stderr = "";
      const code = await runCli(["serve", "--port", "0", ...args], {
        stdout: { write: () => true },
        stderr: { write: (t: string) => (stderr += t) },
        env: {},
      });
      return { code, stderr };
    };
    expect(await run(["--redis", "http://127.0.0.1:6379"])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--redis takes a redis:\/\//),
    });
    expect(await run(["--cache-ttl", "60"])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--cache-ttl applies to a score cache/),
    });
    expect(await run(["--redis", redis.url, "--memory-cache", "10"])).toMatchObject({ code: 2, stderr: expect.stringMatching(/pick one/) });
    expect(await run(["--memory-cache", "0"])).toMatchObject({ code: 2 });
    let help = "";
    expect(
      await runCli(["serve", "--help"], { stdout: { write: (t: string) => (help += t) }, stderr: { write: () => true }, env: {} }),
    ).toBe(0);
    expect(help).toMatch(/--redis URL/);
    expect(help).toMatch(/--memory-cache N/);
    expect(help).toMatch(/--cache-ttl S .*\(default 86400\)/);
  });

  it("never prints a Redis password", async () => {
    // This Redis has no password: AUTH fails, so the request is ranked uncached, and still answered.
    const serve = await startServe(["--redis", `redis://:s3cret@127.0.0.1:${redis.port}`]);
    expect(serve.out.stdout).toContain(`Score cache: Redis redis://:***@127.0.0.1:${redis.port}`);
    expect((await serve.rerank(body)).status).toBe(200);
    expect(await serve.stop()).toBe(0);
    expect(serve.out.stdout + serve.out.stderr).not.toContain("s3cret");
    expect(redactUrl("redis://:s3cret@127.0.0.1:6379/0")).toBe("redis://:***@127.0.0.1:6379/0");
    expect(redactUrl("rediss://user:s3cret@cache.internal:6380")).toBe("rediss://***:***@cache.internal:6380");
    expect(redactUrl("redis://127.0.0.1:6379")).toBe("redis://127.0.0.1:6379");
  });

  it("--memory-cache N serves a repeated request from this process", async () => {
    const serve = await startServe(["--memory-cache", "100"]);
    expect(serve.out.stdout).toContain("Score cache: in-process, up to 100 scores");
    const first = await serve.rerank(body);
    const second = await serve.rerank(body);
    expect(second.body.results).toEqual(first.body.results);
    expect(await serve.stop()).toBe(0);
  });
});
