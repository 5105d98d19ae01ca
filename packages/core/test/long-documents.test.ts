/** Long documents: window splitting, planning and aggregation (pure), and the model-window table. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RerankInputError } from "../src/errors.js";
import { estimateTokens } from "../src/internal/batching.js";
import {
  aggregateWindows,
  documentBudget,
  MODEL_WINDOWS,
  mergeWindowScores,
  modelWindow,
  planWindows,
  resolveLongDocuments,
  splitLongDocuments,
  splitWindows,
  windowSpans,
} from "../src/long-documents/index.js";

/** "w0 w1 w2 …": every word 2–3 characters and a space, so about 1 token per word. */
const words = (count: number, prefix = "w") => Array.from({ length: count }, (_, i) => `${prefix}${i}`).join(" ");

describe("splitWindows", () => {
  it.each([
    ["empty", "", 8],
    ["short", "a few words", 8],
    ["exactly at the budget", "x".repeat(32), 8],
  ])("returns a text within maxTokens (%s) alone, unchanged", (_name, text, maxTokens) => {
    expect(splitWindows(text, { maxTokens, overlapTokens: 0 })).toEqual([text]);
  });

  it.each([
    // text, maxTokens, overlapTokens, expected windows
    ["aaaa bbbb cccc dddd eeee ffff", 3, 0, ["aaaa bbbb", "cccc dddd", "eeee ffff"]],
    ["aaaa bbbb cccc dddd eeee ffff", 4, 1, ["aaaa bbbb cccc", "cccc dddd eeee", "eeee ffff"]],
    // CJK: one token a character, a window may end between any two characters.
    ["春眠不觉晓处处闻啼鸟", 4, 0, ["春眠不觉", "晓处处闻", "啼鸟"]],
    ["春眠不觉晓处处闻啼鸟", 4, 1, ["春眠不觉", "觉晓处处", "处闻啼鸟"]],
    // A word longer than a window is cut mid-word.
    ["x".repeat(40), 4, 0, ["x".repeat(16), "x".repeat(16), "x".repeat(8)]],
    // Runs of whitespace and line breaks are never kept at a window's edge.
    ["aaaa\n\n   bbbb\t\tcccc   \n dddd  ", 2, 0, ["aaaa", "bbbb", "cccc", "dddd"]],
  ])("splits %j at maxTokens %i, overlap %i", (text, maxTokens, overlapTokens, expected) => {
    expect(splitWindows(text, { maxTokens, overlapTokens })).toEqual(expected);
  });

  it("defaults the overlap to a tenth of maxTokens", () => {
    const windows = splitWindows(words(400), { maxTokens: 100 });
    const [first, second] = windows as [string, string];
    const firstWords = first.split(" ");
    const secondWords = second.split(" ");
    const shared = firstWords.filter((w) => secondWords.includes(w)).length;
    expect(shared).toBeGreaterThan(0);
    expect(estimateTokens(firstWords.slice(-shared).join(" "))).toBeLessThanOrEqual(10);
  });

  it("keeps every window within maxTokens and trimmed, covers every character in order, overlapping at most as asked (property)", () => {
    const word = fc.oneof(fc.stringMatching(/^[a-z]{1,12}$/), fc.stringMatching(/^[一-龥]{1,3}$/), fc.constant("https://example.org/x"));
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 300 }),
        fc.array(fc.constantFrom(" ", "  ", "\n", "\t "), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 8, max: 120 }),
        fc.integer({ min: 0, max: 40 }),
        (parts, gaps, maxTokens, overlapRaw) => {
          const overlapTokens = Math.min(overlapRaw, Math.floor(maxTokens / 2) - 1);
          const text = parts.map((p, i) => p + gaps[i % gaps.length]).join("");
          const spans = windowSpans(text, { maxTokens, overlapTokens });
          let covered = 0; // every character before this is in a window or is whitespace
          let previousStart = -1;
          for (const [from, to] of spans) {
            const window = text.slice(from, to);
            expect(window).not.toBe("");
            expect(window).toBe(window.trim());
            expect(estimateTokens(window)).toBeLessThanOrEqual(maxTokens);
            expect(from).toBeGreaterThan(previousStart); // always moves on
            expect(text.slice(covered, from).trim()).toBe(""); // no gap
            if (from < covered) expect(estimateTokens(text.slice(from, covered))).toBeLessThanOrEqual(overlapTokens);
            covered = Math.max(covered, to);
            previousStart = from;
          }
          expect(text.slice(covered).trim()).toBe("");
          if (estimateTokens(text) <= maxTokens) expect(splitWindows(text, { maxTokens, overlapTokens })).toEqual([text]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("planWindows", () => {
  it("keeps short texts as single windows and the plan unsplit", () => {
    const plan = planWindows(["a", "b", "a"], { maxTokens: 8 });
    expect(plan.split).toBe(false);
    expect(plan.windows).toEqual(["a", "b"]);
    expect([...plan.start]).toEqual([0, 1, 2, 3]);
    expect([...plan.members]).toEqual([0, 1, 0]);
  });

  it("de-duplicates windows shared by documents", () => {
    const shared = "aaaa bbbb";
    const plan = planWindows([`${shared} cccc dddd`, `${shared} eeee ffff`, "short"], { maxTokens: 3, overlapTokens: 0 });
    expect(plan.split).toBe(true);
    expect(plan.windows).toEqual([shared, "cccc dddd", "eeee ffff", "short"]);
    expect([...plan.start]).toEqual([0, 2, 4, 5]);
    expect([...plan.members]).toEqual([0, 1, 0, 2, 3]);
  });
});

describe("aggregateWindows", () => {
  const plan = planWindows(["aaaa bbbb cccc dddd eeee ffff", "short", "gggg hhhh iiii jjjj"], { maxTokens: 3, overlapTokens: 0 });
  // windows: 0 "aaaa bbbb", 1 "cccc dddd", 2 "eeee ffff", 3 "short", 4 "gggg hhhh", 5 "iiii jjjj"

  it.each([
    ["max", [0.2, 0.9, 0.4, 0.5, 0.1, 0.3], [0.9, 0.5, 0.3], [1, 0, 1]],
    ["mean-top-2", [0.2, 0.9, 0.4, 0.5, 0.1, 0.3], [0.65, 0.5, 0.2], [1, 0, 1]],
    ["max", [-3, -1, -2, 4, 7, 7], [-1, 4, 7], [1, 0, 0]], // logits; a tie keeps the first window
    ["mean-top-2", [-3, -1, -2, 4, 7, 7], [-1.5, 4, 7], [1, 0, 0]],
  ] as const)("%s of %j → %j, best windows %j", (aggregate, windowScores, expected, best) => {
    const result = aggregateWindows(plan, Float64Array.from(windowScores), new Uint8Array(6).fill(1), aggregate);
    expect([...result.scores].map((s) => Math.round(s * 1e9) / 1e9)).toEqual(expected);
    expect([...result.best]).toEqual(best);
    expect([...result.scored]).toEqual([1, 1, 1]);
  });

  it("aggregates the scored windows only, and leaves a text unscored when none is", () => {
    const scored = Uint8Array.from([0, 0, 1, 1, 0, 0]);
    const result = aggregateWindows(plan, Float64Array.from([9, 9, 0.4, 0.5, 9, 9]), scored, "mean-top-2");
    expect(result.scores[0]).toBe(0.4);
    expect(result.best[0]).toBe(2);
    expect([...result.scored]).toEqual([1, 1, 0]);
  });
});

describe("resolveLongDocuments", () => {
  it("defaults aggregate and reportWindow", () => {
    expect(resolveLongDocuments({ maxTokens: 480 })).toEqual({
      maxTokens: 480,
      overlapTokens: undefined,
      aggregate: "max",
      reportWindow: false,
    });
  });

  it.each([
    [{ maxTokens: 0 }, "longDocuments.maxTokens"],
    [{ maxTokens: 12.5 }, "longDocuments.maxTokens"],
    [{ maxTokens: 100, overlapTokens: -1 }, "longDocuments.overlapTokens"],
    [{ maxTokens: 100, overlapTokens: 50 }, "longDocuments.overlapTokens"],
    [{ maxTokens: 100, aggregate: "mean" }, "longDocuments.aggregate"],
    [{ maxTokens: 100, reportWindow: "yes" }, "longDocuments.reportWindow"],
  ])("rejects %o naming %s", (options, field) => {
    const resolve = () => resolveLongDocuments(options as never, "cohere");
    expect(resolve).toThrow(RerankInputError);
    expect(resolve).toThrow(expect.objectContaining({ field, provider: "cohere" }));
  });
});

describe("model windows", () => {
  it.each([
    ["Qwen/Qwen3-Reranker-8B", 32_768],
    ["qwen3-reranker-8b", 32_768],
    ["qwen3-rerank", 30_000],
    ["BAAI/bge-reranker-v2-m3", 8_192],
    ["bge-reranker-v2-m3-free", 8_192],
    ["BAAI/bge-reranker-base", 512],
    ["jina-reranker-v2-base-multilingual", 1_024],
    ["rerank-2.5-lite", 32_000],
    ["rerank-v3.5", 4_096],
    ["cohere/rerank-v3.5", 4_096],
    ["mixedbread-ai/mxbai-rerank-large-v2", 8_192],
    ["some-unknown-model", undefined],
  ])("%s → %s", (model, tokens) => {
    expect(modelWindow(model)).toBe(tokens);
  });

  it("records a source for every entry", () => {
    for (const entry of MODEL_WINDOWS) expect(entry.source.length).toBeGreaterThan(20);
  });

  it.each([
    [512, 20, 460], // margin 32
    [8_192, 20, 8_044], // margin 128
    [32_768, 1_000, 31_640],
    [16, 30, 8], // never below 8
  ])("documentBudget(%i, query %i) = %i", (window, query, budget) => {
    expect(documentBudget(window, query)).toBe(budget);
  });
});

describe("splitLongDocuments / mergeWindowScores", () => {
  const long = words(60);
  const resolved = resolveLongDocuments({ maxTokens: 20, overlapTokens: 0 });

  it("leaves a plan with no long text alone", () => {
    expect(splitLongDocuments(["a", "b"], Int32Array.from([0, 1]), "q", "m", "cohere", resolved)).toBeUndefined();
  });

  it("splits the long texts, keeps the document mapping, and reports the best window of split documents only", () => {
    const plan = splitLongDocuments([long, "short"], Int32Array.from([0, 1, 0]), "q", "m", "cohere", resolved)!;
    expect(plan.documents).toEqual([long, "short"]);
    expect([...plan.documentOf]).toEqual([0, 1, 0]);
    const count = plan.windows.windows.length;
    expect(count).toBeGreaterThan(2);
    expect(plan.windows.windows.at(-1)).toBe("short");
    const scores = new Float64Array(count).fill(0.1);
    scores[1] = 0.8;
    const merged = mergeWindowScores(plan, scores, new Uint8Array(count).fill(1));
    expect([...merged.scores]).toEqual([0.8, 0.1]);
    expect([...merged.bestWindow]).toEqual([1, -1]);
  });

  it("takes maxTokens from the model's published window when unset, and asks for it when none is known", () => {
    const auto = resolveLongDocuments({});
    const text = words(3_000); // ~4,000 estimated tokens: over 512, under 8192
    expect(
      splitLongDocuments([text], Int32Array.from([0]), "q", "BAAI/bge-reranker-base", "tei", auto)!.windows.windows.length,
    ).toBeGreaterThan(7);
    expect(splitLongDocuments([text], Int32Array.from([0]), "q", "BAAI/bge-reranker-v2-m3", "tei", auto)).toBeUndefined();
    const unknown = () => splitLongDocuments([text], Int32Array.from([0]), "q", "my-model", "tei", auto);
    expect(unknown).toThrow(RerankInputError);
    expect(unknown).toThrow(expect.objectContaining({ field: "longDocuments.maxTokens" }));
  });
});
