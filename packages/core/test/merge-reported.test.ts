/**
 * `rankResults` with the provider's reported order (the client passes it when there are no
 * duplicates, to sort faster) ranks exactly as it does from the input order.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rankResults } from "../src/call/merge.js";

describe("rankResults from the reported order", () => {
  it("gives the same ranking, top-N and min-score filtering as from the input order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(0.1, 0.5, 0.9, -1, 0), { minLength: 1, maxLength: 40 }),
        fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.option(fc.integer({ min: 1, max: 45 }), { nil: undefined }),
        fc.option(fc.constantFrom(0, 0.5), { nil: undefined }),
        fc.boolean(),
        (scoreList, scoredFlags, seed, topN, minScore, withDocuments) => {
          const n = scoreList.length;
          const scores = Float64Array.from(scoreList);
          const scored = Uint8Array.from(scoredFlags.slice(0, n), (b) => (b ? 1 : 0));
          const uniqueOf = Int32Array.from({ length: n }, (_, i) => i);
          // Scored positions in a seeded shuffled order, as batches might report them.
          const positions = Array.from({ length: n }, (_, i) => i).filter((i) => scored[i] === 1);
          let s = seed;
          for (let i = positions.length - 1; i > 0; i--) {
            s = (Math.imul(s, 1103515245) + 12345) >>> 0;
            const j = s % (i + 1);
            [positions[i], positions[j]] = [positions[j]!, positions[i]!];
          }
          const documents = withDocuments ? Array.from({ length: n }, (_, i) => `d${i}`) : undefined;
          const base = rankResults(scores, scored, uniqueOf, { topN, minScore, documents });
          const fromReported = rankResults(scores, scored, uniqueOf, { topN, minScore, documents, reported: Int32Array.from(positions) });
          expect(fromReported).toEqual(base);
        },
      ),
      { numRuns: 1500 },
    );
  });
});
