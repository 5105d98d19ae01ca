/**
 * The window splitter's character classes and option checks, table-tested: every CJK range counts
 * one token a character at both of its ends (and its neighbours outside count a quarter), every
 * space character is a place to cut and is trimmed, and each bad `longDocuments` option is a
 * RerankInputError naming its field, at the exact boundary.
 */
import { describe, expect, it } from "vitest";
import { RerankInputError } from "../src/index.js";
import { aggregateWindows, planWindows, resolveLongDocuments, windowSpans } from "../src/long-documents/windows.js";

const spans = (text: string, maxTokens: number) => windowSpans(text, { maxTokens, overlapTokens: 0 });

describe("windowSpans: CJK characters cost one token each", () => {
  // [first, last] code point of each range, and one just outside on each side.
  const ranges: [string, number, number][] = [
    ["Hiragana/Katakana", 0x3040, 0x30ff],
    ["CJK ideographs", 0x3400, 0x9fff],
    ["Hangul", 0xac00, 0xd7af],
    ["CJK compatibility", 0xf900, 0xfaff],
  ];
  it.each(ranges)("%s: both ends of the range are one token a character", (_name, first, last) => {
    for (const code of [first, last]) {
      const text = String.fromCharCode(code).repeat(20);
      // 8 tokens a window: 8 characters, and a CJK character may be cut anywhere.
      expect(spans(text, 8)).toEqual([
        [0, 8],
        [8, 16],
        [16, 20],
      ]);
    }
  });
  it.each(ranges)("%s: the code points just outside are a quarter token", (_name, first, last) => {
    for (const code of [first - 1, last + 1]) {
      const text = String.fromCharCode(code).repeat(40);
      // 8 tokens: 32 characters of one unbroken "word", cut mid-word only because nothing else fits.
      expect(spans(text, 8)).toEqual([
        [0, 32],
        [32, 40],
      ]);
    }
  });
});

describe("windowSpans: whitespace", () => {
  it.each([
    ["space", " "],
    ["tab", "\t"],
    ["newline", "\n"],
    ["vertical tab", "\v"],
    ["form feed", "\f"],
    ["carriage return", "\r"],
    ["no-break space", "\u00a0"],
    ["ideographic space", "\u3000"],
  ])("cuts at a %s and never starts or ends a window with one", (_name, sp) => {
    const text = Array.from({ length: 30 }, (_, i) => `w${String(i).padStart(2, "0")}d`).join(sp);
    const found = spans(text, 8);
    expect(found.length).toBeGreaterThan(3);
    for (const [from, to] of found) {
      const window = text.slice(from, to);
      expect(window).toMatch(/^w\d\dd/);
      expect(window).toMatch(/w\d\dd$/);
    }
    // Together they cover every word, in order.
    expect(found.map(([from, to]) => text.slice(from, to)).join(sp)).toBe(text);
  });

  it("skips leading and trailing whitespace of the text", () => {
    const text = `   ${"word ".repeat(20)}   `;
    const found = spans(text, 8);
    expect(found[0]![0]).toBe(3);
    expect(text.slice(found.at(-1)![0], found.at(-1)![1]).endsWith("word")).toBe(true);
  });

  it("overlaps from a word start after the previous window's start, never from a space", () => {
    const text = Array.from({ length: 40 }, (_, i) => `w${String(i).padStart(2, "0")}d`).join(" ");
    const found = windowSpans(text, { maxTokens: 8, overlapTokens: 3 });
    for (let k = 1; k < found.length; k++) {
      const [from] = found[k]!;
      expect(text[from]).toBe("w");
      expect(from).toBeGreaterThan(found[k - 1]![0]);
      expect(from).toBeLessThan(found[k - 1]![1]); // it does overlap
    }
  });
});

describe("aggregateWindows", () => {
  it("marks a text with no scored window unscored, with no best window", () => {
    const plan = planWindows(["short", "also short"], { maxTokens: 8 });
    const out = aggregateWindows(plan, new Float64Array([0.5, 0]), new Uint8Array([1, 0]), "max");
    expect(Array.from(out.scored)).toEqual([1, 0]);
    expect(Array.from(out.best)).toEqual([0, -1]);
    expect(out.scores.length).toBe(2);
  });
});

describe("resolveLongDocuments: every bad option names its field", () => {
  it.each([
    [{ maxTokens: 7 }, "longDocuments.maxTokens", /maxTokens must be an integer of at least 8/],
    [{ maxTokens: 8.5 }, "longDocuments.maxTokens", /at least 8/],
    [{ overlapTokens: -1 }, "longDocuments.overlapTokens", /overlapTokens must be a non-negative integer/],
    [{ overlapTokens: 1.5 }, "longDocuments.overlapTokens", /non-negative integer/],
    [{ maxTokens: 100, overlapTokens: 50 }, "longDocuments.overlapTokens", /overlapTokens must be less than half of maxTokens/],
    [{ aggregate: "min" }, "longDocuments.aggregate", /aggregate must be "max" or "mean-top-2"/],
    [{ reportWindow: "yes" }, "longDocuments.reportWindow", /reportWindow must be a boolean/],
    [null, "longDocuments.", /must be an object/],
    ["max", "longDocuments.", /must be an object/],
  ])("%o", (options, field, message) => {
    let error: unknown;
    try {
      resolveLongDocuments(options as never, "cohere");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RerankInputError);
    expect((error as RerankInputError).field).toBe(field);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/^longDocuments\./);
    expect((error as RerankInputError).provider).toBe("cohere");
  });

  it("accepts the boundary values", () => {
    expect(resolveLongDocuments({ maxTokens: 8, overlapTokens: 0 })).toMatchObject({ maxTokens: 8, overlapTokens: 0 });
    expect(resolveLongDocuments({ maxTokens: 100, overlapTokens: 49 })).toMatchObject({ overlapTokens: 49 });
    // Without maxTokens (the model decides it) any non-negative overlap passes here.
    expect(resolveLongDocuments({ overlapTokens: 1000 })).toMatchObject({ maxTokens: undefined, overlapTokens: 1000 });
    expect(resolveLongDocuments({ aggregate: "mean-top-2", reportWindow: true })).toMatchObject({
      aggregate: "mean-top-2",
      reportWindow: true,
    });
  });
});
