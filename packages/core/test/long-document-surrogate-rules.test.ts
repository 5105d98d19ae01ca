/**
 * windowSpans' surrogate-pair rule as a table (long-documents-surrogates.test.ts checks it through
 * the client): a mid-word cut that would fall between the two halves of a pair moves one unit
 * back; a cut next to a lone surrogate (not a pair) stays where the budget puts it. The rows use
 * the pairs at the ends of the surrogate ranges (U+10000, U+1F400, U+1F7FF, U+10FFFF), and the
 * overlap rule of resolveLongDocuments. Budgets are tiny so every cut is mid-word: 1 token is 4
 * UTF-16 units of non-CJK text.
 */
import { describe, expect, it } from "vitest";
import { RerankInputError } from "../src/index.js";
import { resolveLongDocuments, windowSpans } from "../src/long-documents/index.js";

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
