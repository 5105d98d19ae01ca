/** The score cache: keys that hold no secret and no text, the in-memory LRU, and reads/writes that never fail a call. */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { RerankInputError } from "../src/errors.js";
import { canonicalJson, SCORE_KEY_PREFIX, type ScoreContext, scoreCacheKeys, sha256Hex, sha256HexWebCrypto } from "../src/cache/key.js";
import { readCachedScores, writeCachedScores } from "../src/cache/use.js";
import { memoryScoreCache, type ScoreCache } from "../src/index.js";

const context: ScoreContext = {
  provider: "cohere",
  endpoint: "https://api.cohere.com/v2",
  model: "rerank-v3.5",
  instruct: undefined,
  query: "how do I prevent a cold",
  extraBody: { max_tokens_per_doc: 512 },
};

describe("cache keys", () => {
  it("sha256Hex matches node:crypto, and the Web Crypto path (edge runtimes) gives the same digest", async () => {
    for (const text of ["", "abc", "如何预防感冒", "emoji 👍🏽", "x".repeat(10_000)]) {
      const expected = createHash("sha256").update(text, "utf8").digest("hex");
      expect(await sha256Hex(text)).toBe(expected);
      expect(await sha256HexWebCrypto(text)).toBe(expected);
    }
  });

  it("one key per text, equal for equal texts, distinct for distinct texts", async () => {
    const keys = await scoreCacheKeys(context, ["a", "b", "a"]);
    expect(keys).toHaveLength(3);
    expect(keys[0]).toBe(keys[2]);
    expect(keys[0]).not.toBe(keys[1]);
    for (const key of keys) expect(key).toMatch(new RegExp(`^${SCORE_KEY_PREFIX}[0-9a-f]{64}:[0-9a-f]{64}$`));
  });

  it.each([
    ["provider", { provider: "jina" }],
    ["endpoint", { endpoint: "http://127.0.0.1:8080/v1" }],
    ["model", { model: "rerank-english-v3.0" }],
    ["instruct", { instruct: "Given a question, find passages that answer it" }],
    ["query", { query: "how do I cure a cold" }],
    ["extra body", { extraBody: { max_tokens_per_doc: 256 } }],
  ] as const)("a different %s gives a different key", async (_what, change) => {
    const [base] = await scoreCacheKeys(context, ["doc"]);
    const [other] = await scoreCacheKeys({ ...context, ...change }, ["doc"]);
    expect(other).not.toBe(base);
  });

  it("extra body keys in another order give the same key", async () => {
    const a = await scoreCacheKeys({ ...context, extraBody: { a: 1, b: { c: 2, d: 3 } } }, ["doc"]);
    const b = await scoreCacheKeys({ ...context, extraBody: { b: { d: 3, c: 2 }, a: 1 } }, ["doc"]);
    expect(a).toEqual(b);
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });

  it("keys hold neither the document text nor the query (they are hashed)", async () => {
    const secretText = "CANARY-DOCUMENT-TEXT-4711";
    const [key] = await scoreCacheKeys({ ...context, query: "CANARY-QUERY-0815" }, [secretText]);
    expect(key).not.toContain("CANARY");
    expect(key).toContain(await sha256Hex(secretText));
  });
});

describe("memoryScoreCache", () => {
  it("returns what was set, undefined for misses", async () => {
    const cache = memoryScoreCache();
    await cache.setMany([
      ["k1", 0.5],
      ["k2", -3.25],
    ]);
    expect(await cache.getMany(["k1", "missing", "k2"])).toEqual([0.5, undefined, -3.25]);
  });

  it("keeps at most maxEntries, dropping the least recently used", async () => {
    const cache = memoryScoreCache({ maxEntries: 2 });
    await cache.setMany([
      ["a", 1],
      ["b", 2],
    ]);
    await cache.getMany(["a"]); // a is now the most recently used
    await cache.setMany([["c", 3]]);
    expect(await cache.getMany(["a", "b", "c"])).toEqual([1, undefined, 3]);
  });

  it("expires entries after ttlSeconds", async () => {
    const cache = memoryScoreCache({ ttlSeconds: 0.05 });
    await cache.setMany([["a", 1]]);
    expect(await cache.getMany(["a"])).toEqual([1]);
    await new Promise((r) => setTimeout(r, 120));
    expect(await cache.getMany(["a"])).toEqual([undefined]);
  });

  it("refuses a bad maxEntries or ttlSeconds, naming the field", () => {
    expect(() => memoryScoreCache({ maxEntries: 0 })).toThrow(RerankInputError);
    expect(() => memoryScoreCache({ maxEntries: 1.5 })).toThrow(/maxEntries/);
    expect(() => memoryScoreCache({ ttlSeconds: -1 })).toThrow(/ttlSeconds/);
  });
});

describe("reads and writes never fail the call", () => {
  const failing: ScoreCache = {
    getMany: async () => {
      throw new Error("ECONNREFUSED 127.0.0.1:6379");
    },
    setMany: async () => {
      throw new Error("READONLY You can't write against a read only replica");
    },
  };

  it("a failing read is all misses and a warning", async () => {
    const { scores, warning } = await readCachedScores(failing, ["a", "b"], undefined);
    expect(scores).toEqual([undefined, undefined]);
    expect(warning?.message).toMatch(/read failed: ECONNREFUSED/);
  });

  it("a failing write is a warning", async () => {
    const warning = await writeCachedScores(failing, [["a", 1]], undefined);
    expect(warning?.message).toMatch(/write failed: READONLY/);
  });

  it("a read slower than the call's deadline is abandoned when the deadline passes", async () => {
    const hanging: ScoreCache = { getMany: () => new Promise(() => {}), setMany: () => new Promise(() => {}) };
    const deadlineMs = 50;
    const started = performance.now();
    const { scores, warning } = await readCachedScores(hanging, ["a"], AbortSignal.timeout(deadlineMs));
    // The read never settles, so only the deadline can end this; a generous bound derived from it.
    expect(performance.now() - started).toBeLessThan(deadlineMs * 100);
    expect(scores).toEqual([undefined]);
    expect(warning?.message).toMatch(/abandoned/);
    expect(await writeCachedScores(hanging, [["a", 1]], AbortSignal.timeout(20))).toMatchObject({
      message: expect.stringMatching(/abandoned/),
    });
  });

  it("values that are not finite numbers, or a reply of the wrong length, are misses", async () => {
    const odd: ScoreCache = { getMany: async () => [0.5, Number.NaN, "0.7" as unknown as number], setMany: async () => {} };
    expect((await readCachedScores(odd, ["a", "b", "c"], undefined)).scores).toEqual([0.5, undefined, undefined]);
    const short: ScoreCache = { getMany: async () => [0.5], setMany: async () => {} };
    const read = await readCachedScores(short, ["a", "b"], undefined);
    expect(read.scores).toEqual([undefined, undefined]);
    expect(read.warning?.message).toMatch(/1 values for 2 keys/);
  });
});
