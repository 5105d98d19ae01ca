/**
 * `deduplicate` tells texts apart by a sampled key first and by the whole string only when keys
 * collide: it must give exactly what a Map keyed by the whole string gives, including for texts
 * that share their length and every sampled character.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deduplicate } from "../src/internal/batching.js";

function byMap(texts: readonly string[]) {
  const seen = new Map<string, number>();
  const unique: string[] = [];
  const uniqueOf = texts.map((t) => {
    let at = seen.get(t);
    if (at === undefined) {
      at = unique.length;
      seen.set(t, at);
      unique.push(t);
    }
    return at;
  });
  return { unique, uniqueOf };
}

const prefix = "x".repeat(60); // longer than the sampled start: every text below shares its key
const text = fc.oneof(
  fc.string({ unit: fc.constantFrom("a", "b", " "), maxLength: 4 }),
  fc.string({ unit: fc.constantFrom("a", "b"), minLength: 1, maxLength: 3 }).map((s) => prefix + s),
  fc.string({ maxLength: 70 }),
);

describe("deduplicate with sampled keys", () => {
  it("matches a Map keyed by the whole string", () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 60 }), (texts) => {
        const got = deduplicate(texts);
        const want = byMap(texts);
        expect(got.unique).toEqual(want.unique);
        expect(Array.from(got.uniqueOf)).toEqual(want.uniqueOf);
      }),
      { numRuns: 2000 },
    );
  });

  it("treats equal texts built separately (different string objects) as one", () => {
    const a = ["alpha", "beta"].join(" ");
    const b = `alpha ${"beta"}`;
    const c = "alpha beta".slice(0);
    expect(deduplicate([a, "x", b, c]).unique).toEqual(["alpha beta", "x"]);
  });
});
