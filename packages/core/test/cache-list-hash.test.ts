/**
 * withListHash: the cache context of a list-dependent server's scores holds a hash of the whole
 * list, so only the same list, in the same order, hits. Checked against node:crypto directly.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { withListHash } from "../src/cache/key.js";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

describe("withListHash", () => {
  it("adds the SHA-256 of the list's JSON under rerankit:list and keeps extraBody", async () => {
    expect(await withListHash(undefined, ["a", "b"])).toEqual({ "rerankit:list": sha('["a","b"]') });
    expect(await withListHash({ truncate: "END", n: 1 }, ["é"])).toEqual({ truncate: "END", n: 1, "rerankit:list": sha('["é"]') });
  });

  it("differs for another order of the same texts", async () => {
    const ab = await withListHash(undefined, ["a", "b"]);
    const ba = await withListHash(undefined, ["b", "a"]);
    expect(ab["rerankit:list"]).not.toBe(ba["rerankit:list"]);
  });
});
