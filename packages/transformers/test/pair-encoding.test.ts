import { describe, expect, it } from "vitest";
import { buildPair, readPairTemplate, truncatedLengths } from "../src/pair-encoding.js";

/** Hugging Face tokenizers' `longest_first` for a pair (tokenizers/src/utils/truncation.rs), as sentence-transformers uses it. */
function longestFirst(first: number, second: number, budget: number): [number, number] {
  if (first + second <= budget) return [first, second];
  const swap = first > second;
  let n1 = swap ? second : first;
  let n2 = swap ? first : second;
  n2 = n1 > budget ? n1 : Math.max(n1, budget - n1);
  if (n1 + n2 > budget) {
    n1 = Math.floor(budget / 2);
    n2 = n1 + (budget % 2);
  }
  return swap ? [n2, n1] : [n1, n2];
}

describe("truncatedLengths", () => {
  it.each([
    // query, document, budget → kept
    [5, 10, 100, [5, 10]],
    [5, 200, 100, [5, 95]],
    [60, 200, 100, [60, 40]], // a long query stays whole while it leaves room
    [99, 200, 100, [99, 1]],
    [100, 200, 100, [50, 50]], // the query alone fills the budget: halves
    [300, 20, 100, [80, 20]], // …and a short document is kept whole
    [301, 301, 101, [50, 51]], // a tie: the document gets the odd token, as in longest_first
    [302, 301, 101, [51, 50]],
    [0, 500, 10, [0, 10]],
  ])("query %i, document %i, budget %i → %j", (q, d, budget, expected) => {
    expect(truncatedLengths(q, d, budget)).toEqual(expected);
  });

  it("equals longest_first (sentence-transformers' CrossEncoder) whenever the query is at most half the budget or alone too long", () => {
    for (const budget of [1, 2, 7, 30, 61, 509]) {
      for (let q = 0; q <= budget + 5; q++) {
        for (const d of [0, 1, q, budget - q, budget, budget * 3]) {
          if (d < 0) continue;
          const ours = truncatedLengths(q, d, budget);
          expect(ours[0] + ours[1]).toBe(Math.min(q + d, budget));
          expect(ours[0]).toBeLessThanOrEqual(q);
          expect(ours[1]).toBeLessThanOrEqual(d);
          if (q <= budget / 2 || q >= budget) expect(ours).toEqual(longestFirst(q, d, budget));
          else expect(ours[0]).toBe(q); // in between, the query is kept whole
        }
      }
    }
  });
});

describe("pair templates", () => {
  it("reads BERT's [CLS] a [SEP] b [SEP] and XLM-RoBERTa's <s> a </s></s> b </s>", () => {
    const bert = readPairTemplate([101, 7, 102, 8, 102], [0, 0, 0, 1, 1], [7], [8])!;
    expect(buildPair(bert, [1, 2], [3, 4, 5])).toEqual({
      inputIds: [101, 1, 2, 102, 3, 4, 5, 102],
      tokenTypeIds: [0, 0, 0, 0, 1, 1, 1, 1],
    });
    const xlmr = readPairTemplate([0, 7, 2, 2, 8, 2], undefined, [7], [8])!;
    expect(buildPair(xlmr, [1], [3, 4]).inputIds).toEqual([0, 1, 2, 2, 3, 4, 2]);
    expect(readPairTemplate([101, 8, 102, 7, 102], undefined, [7], [8])).toBeUndefined();
  });
});
