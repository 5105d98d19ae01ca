/** The RankGPT window arithmetic and answer parsing: pure functions, table-tested. */
import { describe, expect, it } from "vitest";
import { parsePermutation, slidingWindows } from "../src/index.js";

describe("slidingWindows", () => {
  it.each([
    // n, windowSize, step, calls = ⌈(n − w) / s⌉ + 1 (1 when n ≤ w, 0 under 2 documents)
    [100, 20, 10, 9],
    [101, 20, 10, 10],
    [20, 20, 10, 1],
    [21, 20, 10, 2],
    [5, 20, 10, 1],
    [1, 20, 10, 0],
    [0, 20, 10, 0],
    [30, 4, 3, 10],
  ])("n=%i, windowSize=%i, step=%i: %i windows", (n, w, s, calls) => {
    const windows = slidingWindows(n, w, s);
    expect(windows).toHaveLength(calls);
    if (n >= 2) expect(calls).toBe(Math.max(1, Math.ceil((n - w) / s) + 1));
  });

  it("runs bottom to top, each window `step` above the last, the last one at the top", () => {
    expect(slidingWindows(45, 20, 10)).toEqual([
      { start: 25, end: 45 },
      { start: 15, end: 35 },
      { start: 5, end: 25 },
      { start: 0, end: 15 },
    ]);
  });
});

describe("parsePermutation", () => {
  it.each([
    ["[2] > [1] > [3]", 3, [1, 0, 2]],
    ["Sure! Here is the ranking:\n[3] > [1] > [2]\nHope this helps.", 3, [2, 0, 1]],
    ["[ 2 ]>[3]", 3, [1, 2, 0]], // missing [1] appended
    ["[2] > [9] > [0] > [1]", 3, [1, 0, 2]], // unknown ids dropped
    ["[2] > [2] > [1] > [2]", 3, [1, 0, 2]], // repeats at their first place
    ["3 > 1 > 2", 3, [2, 0, 1]], // bare numbers when nothing is bracketed
    ["I cannot rank these passages.", 3, [0, 1, 2]], // nothing usable: previous order
    ["", 2, [1 - 1, 1]],
    ["<think>maybe [1] > [2]</think>[2] > [1]", 2, [1, 0]], // thinking is not the answer
    ["[99999999999999999999] > [1]", 2, [0, 1]],
  ])("%j (window of %i) → %j", (answer, size, expected) => {
    expect(parsePermutation(answer as string, size as number)).toEqual(expected);
  });
});
