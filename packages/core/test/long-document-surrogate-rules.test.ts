/**
 * windowSpans' surrogate-pair rule as a table (long-documents-surrogates.test.ts checks it through
 * the client): a mid-word cut that would fall between the two halves of a pair moves one unit
 * back; a cut next to a lone surrogate (not a pair) stays where the budget puts it. The rows use
 * the pairs at the ends of the surrogate ranges (U+10000, U+1F400, U+1F7FF, U+10FFFF), and the
 * overlap rule of resolveLongDocuments, and mean-top-2 over windows in every order. Budgets are tiny so every cut is mid-word: 1 token is 4
 * UTF-16 units of non-CJK text.
 */
import { describe, expect, it } from "vitest";
import { RerankInputError } from "../src/index.js";
import { aggregateWindows, resolveLongDocuments, type WindowPlan, windowSpans } from "../src/long-documents/index.js";

const E = "😀";

/** Whether `at` falls between a high and a low surrogate of `text`. */
const insidePair = (text: string, at: number) => /[\ud800-\udbff]/.test(text[at - 1] ?? "") && /[\udc00-\udfff]/.test(text[at] ?? "");

describe("windowSpans never cuts a surrogate pair in two", () => {
  it.each([
    [
      "a + 6 emoji: the cut at 8 would split the 4th emoji, so at 7",
      `a${E.repeat(6)}`,
      2,
      [
        [0, 7],
        [7, 13],
      ],
    ],
    [
      "6 emoji: every cut falls between pairs",
      E.repeat(6),
      1,
      [
        [0, 4],
        [4, 8],
        [8, 12],
      ],
    ],
    [
      "a pair followed by a letter",
      `abcdefg${E}h`,
      2,
      [
        [0, 7],
        [7, 10],
      ],
    ],
    [
      "a pair ending at the cut",
      `abcdef${E}gh`,
      2,
      [
        [0, 8],
        [8, 10],
      ],
    ],
    [
      "U+10000 (high D800, low DC00)",
      `a${"\u{10000}".repeat(4)}`,
      2,
      [
        [0, 7],
        [7, 9],
      ],
    ],
    [
      "U+1F400 (low DC00)",
      `a${"\u{1F400}".repeat(4)}`,
      2,
      [
        [0, 7],
        [7, 9],
      ],
    ],
    [
      "U+1F7FF (low DFFF)",
      `a${"\u{1F7FF}".repeat(4)}`,
      2,
      [
        [0, 7],
        [7, 9],
      ],
    ],
    [
      "U+10FFFF (high DBFF, low DFFF)",
      `a${"\u{10FFFF}".repeat(4)}`,
      2,
      [
        [0, 7],
        [7, 9],
      ],
    ],
    [
      "a lone low surrogate right at the cut, after a letter",
      "abcd\udc00fgh",
      1,
      [
        [0, 4],
        [4, 8],
      ],
    ],
    [
      "two low surrogates: the first is no high half",
      "abc\udc00\udc00fgh",
      1,
      [
        [0, 4],
        [4, 8],
      ],
    ],
    [
      "a lone high surrogate before a private-use character (above the low range)",
      "abc\ud83d\ue000fgh",
      1,
      [
        [0, 4],
        [4, 8],
      ],
    ],
    [
      "a lone low surrogate at the cut is not a pair",
      "abc\udc00efgh",
      1,
      [
        [0, 4],
        [4, 8],
      ],
    ],
    [
      "a lone high surrogate before the cut is not a pair",
      "abc\ud83defgh",
      1,
      [
        [0, 4],
        [4, 8],
      ],
    ],
  ] as const)("%s", (_name, text, maxTokens, spans) => {
    const got = windowSpans(text, { maxTokens, overlapTokens: 0 });
    expect(got).toEqual(spans);
    for (const [from, to] of got) {
      expect(insidePair(text, from) || insidePair(text, to)).toBe(false);
    }
  });
});

describe("resolveLongDocuments: overlapTokens below half of maxTokens", () => {
  it.each([
    [{ maxTokens: 100, overlapTokens: 49 }, true],
    [{ maxTokens: 100, overlapTokens: 50 }, false],
    [{ maxTokens: 101, overlapTokens: 50 }, true],
    [{ overlapTokens: 5000 }, true], // no maxTokens: the model's window decides later
  ])("%o", (options, ok) => {
    const resolve = () => resolveLongDocuments(options);
    if (ok) expect(resolve().overlapTokens).toBe(options.overlapTokens);
    else {
      let error: unknown;
      try {
        resolve();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RerankInputError);
      expect(error).toMatchObject({
        message: "longDocuments.overlapTokens must be less than half of maxTokens.",
        field: "longDocuments.overlapTokens",
      });
    }
  });
});

describe("aggregateWindows: mean-top-2 keeps the two best, in any order", () => {
  // One text of three windows.
  const plan: WindowPlan = { windows: ["a", "b", "c"], start: new Int32Array([0, 3]), members: new Int32Array([0, 1, 2]), split: true };
  it.each([
    [[5, 3, 1], 4, 0],
    [[1, 3, 5], 4, 2],
    [[3, 5, 1], 4, 1],
    [[5, 1, 3], 4, 0],
  ])("window scores %o: %d, best window %d", (scores, mean, best) => {
    const out = aggregateWindows(plan, new Float64Array(scores), new Uint8Array([1, 1, 1]), "mean-top-2");
    expect(Array.from(out.scores)).toEqual([mean]);
    expect(Array.from(out.best)).toEqual([best]);
  });
});

describe("windowSpans: control characters below tab are text, not space", () => {
  it.each([
    [
      "abc\u0001efgh",
      [
        [0, 4],
        [4, 8],
      ],
    ],
    [
      "\u0001\u0002abcdefg",
      [
        [0, 4],
        [4, 8],
        [8, 9],
      ],
    ],
  ] as const)("%j", (text, spans) => {
    expect(windowSpans(text, { maxTokens: 1, overlapTokens: 0 })).toEqual(spans);
  });
});

describe("windowSpans: a CJK character may start or end a window next to Latin text", () => {
  it.each([
    [
      "日abcdefgh",
      [
        [0, 1],
        [1, 9],
      ],
    ],
    [
      "abc日defghijk",
      [
        [0, 4],
        [4, 12],
      ],
    ],
  ] as const)("%j", (text, spans) => {
    expect(windowSpans(text, { maxTokens: 2, overlapTokens: 0 })).toEqual(spans);
  });
});

describe("windowSpans: edges of the text", () => {
  it.each([
    // The last character is a cut (CJK) and the farthest end within budget is right before it.
    [
      "a bcdef日",
      [
        [0, 7],
        [7, 8],
      ],
    ],
    ["    ", []],
    ["", []],
  ] as const)("%j", (text, spans) => {
    expect(windowSpans(text, { maxTokens: 2, overlapTokens: 0 })).toEqual(spans);
  });
});
