/**
 * Invariants of batch planning, merging and de-duplication, for any input fast-check can find.
 */
import { deduplicate, estimateTokens, planBatches } from "../../packages/core/src/internal/batching.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rankResults } from "../../packages/core/src/call/merge.js";

const text = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.constantFrom("同一段文字", "a", "b", "long ".repeat(50)),
  fc.string({ unit: "grapheme", maxLength: 20 }),
);
const texts = fc.array(text, { maxLength: 120 });

describe("planBatches", () => {
  it("puts every position in exactly one batch, in order, and respects the limits", () => {
    fc.assert(
      fc.property(
        texts,
        fc.string({ maxLength: 30 }),
        fc.integer({ min: 1, max: 40 }),
        fc.option(fc.integer({ min: 1, max: 400 }), { nil: undefined }),
        (list, query, maxDocuments, maxTokens) => {
          const batches = planBatches(list, query, { maxDocuments, maxTokens });
          expect(batches.flat()).toEqual(list.map((_, i) => i));
          for (const batch of batches) {
            expect(batch.length).toBeGreaterThan(0);
            expect(batch.length).toBeLessThanOrEqual(maxDocuments);
            if (maxTokens !== undefined && batch.length > 1) {
              const cost = batch.reduce((sum, i) => sum + estimateTokens(query) + estimateTokens(list[i]!), 0);
              expect(cost).toBeLessThanOrEqual(maxTokens);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("deduplicate", () => {
  it("keeps each distinct text once and maps every input back to its own text", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("x", "y", "z", "同", "x "), { maxLength: 60 }), (list) => {
        const { unique, uniqueOf } = deduplicate(list);
        expect(new Set(unique).size).toBe(unique.length);
        expect(new Set(unique)).toEqual(new Set(list));
        for (const [i, t] of list.entries()) expect(unique[uniqueOf[i]!]).toBe(t);
      }),
    );
  });
});

describe("rankResults (merge)", () => {
  it("is sorted by score then index, unique, in range, honours topN and minScore, and gives each copy its text's score", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("a", "b", "c", "d", "e", "f"), { maxLength: 50 }),
        fc.dictionary(fc.constantFrom("a", "b", "c", "d", "e", "f"), fc.double({ min: -10, max: 10, noNaN: true })),
        fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
        fc.option(fc.double({ min: -10, max: 10, noNaN: true }), { nil: undefined }),
        (list, scoreOf, topN, minScore) => {
          const { unique, uniqueOf } = deduplicate(list);
          const scores = new Float64Array(unique.length);
          const scored = new Uint8Array(unique.length);
          unique.forEach((t, u) => {
            if (Object.hasOwn(scoreOf, t)) {
              scores[u] = scoreOf[t]!;
              scored[u] = 1;
            }
          });
          const results = rankResults(scores, scored, uniqueOf, { topN, minScore });
          const indices = results.map((r) => r.index);
          expect(new Set(indices).size).toBe(indices.length);
          for (const r of results) {
            expect(r.index).toBeGreaterThanOrEqual(0);
            expect(r.index).toBeLessThan(list.length);
            expect(r.relevanceScore).toBe(scoreOf[list[r.index]!]);
            if (minScore !== undefined) expect(r.relevanceScore).toBeGreaterThanOrEqual(minScore);
          }
          for (let k = 1; k < results.length; k++) {
            const a = results[k - 1]!;
            const b = results[k]!;
            expect(a.relevanceScore > b.relevanceScore || (a.relevanceScore === b.relevanceScore && a.index < b.index)).toBe(true);
          }
          const eligible = list.filter((t) => Object.hasOwn(scoreOf, t) && (minScore === undefined || scoreOf[t]! >= minScore)).length;
          expect(results.length).toBe(topN === undefined ? eligible : Math.min(topN, eligible));
        },
      ),
      { numRuns: 300 },
    );
  });
});
