/** Bm25Index: Lucene's BM25 over an inverted index, hand-computed scores, trec_eval tie order, errors. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Bm25Index, RerankInputError, bm25Tokenize, englishAnalyzer } from "../src/index.js";
import { luceneLength } from "../src/bm25/bm25-index.js";
import { thrown } from "./helpers/thrown.js";

const words = (text: string) => text.split(" ");

describe("scores", () => {
  // Three documents, whitespace analyzer, exact lengths: every number below is worked by hand.
  const docs = [
    { id: "a", text: "apple banana apple" }, // len 3
    { id: "b", text: "banana cherry" }, // len 2
    { id: "c", text: "cherry cherry cherry date" }, // len 4
  ];
  const index = Bm25Index.build(docs, { k1: 1.2, b: 0.75, analyzer: words, lengths: "exact" });
  const avg = 3; // (3 + 2 + 4) / 3
  const idf = (df: number) => Math.log(1 + (3 - df + 0.5) / (df + 0.5));
  const part = (tf: number, len: number) => tf / (tf + 1.2 * (1 - 0.75 + (0.75 * len) / avg));

  it("is Lucene's BM25: idf · tf / (tf + k1 · (1 − b + b · len / avgLen)), summed over the query's terms", () => {
    const hits = index.search("banana cherry", { topK: 3 });
    const expected = {
      a: idf(2) * part(1, 3),
      b: idf(2) * part(1, 2) + idf(2) * part(1, 2),
      c: idf(2) * part(3, 4),
    };
    expect(hits.map((h) => h.id)).toEqual(["b", "c", "a"]);
    for (const hit of hits) expect(hit.score).toBeCloseTo(expected[hit.id as "a" | "b" | "c"], 12);
    expect(hits.map((h) => h.index)).toEqual([1, 2, 0]);
  });

  it("weights a term repeated in the query by its count (Anserini's bag of words)", () => {
    const once = index.search("apple", { topK: 1 })[0]!.score;
    const twice = index.search("apple apple", { topK: 1 })[0]!.score;
    expect(once).toBeCloseTo(idf(1) * part(2, 3), 12);
    expect(twice).toBeCloseTo(2 * once, 12);
  });

  it("lets a search override k1 and b", () => {
    const hit = index.search("date", { k1: 0.9, b: 0 })[0]!;
    expect(hit.score).toBeCloseTo(idf(1) * (1 / (1 + 0.9)), 12);
  });

  it("returns only documents sharing a term with the query, at most topK", () => {
    expect(index.search("date").map((h) => h.id)).toEqual(["c"]);
    expect(index.search("zebra")).toEqual([]);
    expect(index.search("")).toEqual([]);
    expect(index.search("banana cherry", { topK: 2 })).toHaveLength(2);
  });

  it("analyses each document once at build; a search analyses only the query", () => {
    let calls = 0;
    const counted = Bm25Index.build(docs, {
      analyzer: (text) => {
        calls++;
        return words(text);
      },
    });
    expect(calls).toBe(3);
    counted.search("apple");
    counted.search("cherry");
    expect(calls).toBe(5);
  });

  it("joins title and text in one field", () => {
    const titled = Bm25Index.build([
      { id: "x", title: "Zebra", text: "stripes" },
      { id: "y", text: "horse" },
    ]);
    expect(titled.search("zebras").map((h) => h.id)).toEqual(["x"]);
  });
});

describe("order", () => {
  it("breaks score ties by id descending, in string order (trec_eval's order)", () => {
    const tied = Bm25Index.build(
      ["d10", "d9", "d2", "d1"].map((id) => ({ id, text: "same words" })),
      { analyzer: words },
    );
    expect(tied.search("same", { topK: 4 }).map((h) => h.id)).toEqual(["d9", "d2", "d10", "d1"]);
    // The bounded heap path (topK below the number of matches) keeps the same order.
    expect(tied.search("same", { topK: 2 }).map((h) => h.id)).toEqual(["d9", "d2"]);
  });

  it("returns the same top k as a full sort, for any corpus and k", () => {
    const vocabulary = ["a", "b", "c", "d", "e", "f"];
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.constantFrom(...vocabulary), { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.constantFrom(...vocabulary), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 50 }),
        (texts, query, k) => {
          const built = Bm25Index.build(
            texts.map((t, i) => ({ id: `doc${i}`, text: t.join(" ") })),
            { analyzer: words },
          );
          const all = built.search(query.join(" "), { topK: 1000 });
          const sorted = [...all].sort((x, y) => y.score - x.score || (x.id < y.id ? 1 : -1));
          expect(all).toEqual(sorted);
          expect(built.search(query.join(" "), { topK: k })).toEqual(all.slice(0, k));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("document lengths", () => {
  it("rounds lengths as Lucene stores them in one byte (SmallFloat.intToByte4)", () => {
    for (let n = 0; n < 24; n++) expect(luceneLength(n)).toBe(n);
    expect(luceneLength(100)).toBe(96);
    expect(luceneLength(1000)).toBe(984);
    // Monotone, and never above the true length.
    let previous = 0;
    for (let n = 0; n < 5000; n++) {
      const rounded = luceneLength(n);
      expect(rounded).toBeLessThanOrEqual(n);
      expect(rounded).toBeGreaterThanOrEqual(previous);
      previous = rounded;
    }
  });

  it("uses the rounded lengths by default and the true ones with lengths: 'exact'", () => {
    const long = Array.from({ length: 99 }, () => "filler").join(" ");
    const docs = [
      { id: "long", text: `needle ${long}` }, // 100 terms: Lucene sees 96
      { id: "short", text: "needle other" },
    ];
    const idf = Math.log(1 + (2 - 2 + 0.5) / (2 + 0.5));
    const avg = (100 + 2) / 2;
    const score = (len: number) => idf * (1 / (1 + 0.9 * (1 - 0.4 + (0.4 * len) / avg)));
    const lucene = Bm25Index.build(docs, { analyzer: words }).search("needle");
    const exact = Bm25Index.build(docs, { analyzer: words, lengths: "exact" }).search("needle");
    expect(lucene.find((h) => h.id === "long")!.score).toBeCloseTo(score(96), 12);
    expect(exact.find((h) => h.id === "long")!.score).toBeCloseTo(score(100), 12);
  });
});

describe("analyzers", () => {
  it("defaults to the English analyzer and accepts bm25Tokenize for Chinese-heavy text", () => {
    const docs = [
      { id: "zh", text: "流行性感冒的预防方法" },
      { id: "en", text: "The cat's whiskers" },
    ];
    expect(
      Bm25Index.build(docs)
        .search("感冒")
        .map((h) => h.id),
    ).toEqual(["zh"]);
    expect(
      Bm25Index.build(docs)
        .search("whisker")
        .map((h) => h.id),
    ).toEqual(["en"]);
    expect(
      Bm25Index.build(docs, { analyzer: bm25Tokenize })
        .search("感冒")
        .map((h) => h.id),
    ).toEqual(["zh"]);
    expect(Bm25Index.build(docs).analyze("The cat's")).toEqual(englishAnalyzer("cat"));
  });
});

describe("the default analyzer's fast path", () => {
  it("indexes exactly as englishAnalyzer does", () => {
    const docs = [
      { id: "1", title: "The Patient's cells", text: "Cells were dividing rapidly; 3.14 and 1,000 u.s.a it's e.g. end.Start" },
      { id: "2", text: "流行性感冒 cold prevention, colds and the common cold's symptoms" },
      { id: "3", text: "Dividing and divided: well-known anti/inflammatory covid19 IL_6" },
    ];
    const fast = Bm25Index.build(docs);
    const plain = Bm25Index.build(docs, { analyzer: englishAnalyzer });
    expect(fast.vocabularySize).toBe(plain.vocabularySize);
    for (const query of ["cells dividing", "感冒 cold", "3.14 u.s.a", "well known covid19", "start end", "it's"]) {
      expect(fast.search(query, { topK: 3 })).toEqual(plain.search(query, { topK: 3 }));
    }
  });
});

describe("bad input", () => {
  const field = (fn: () => unknown) => thrown(fn, RerankInputError).field;
  it("names the field", () => {
    expect(
      field(() =>
        Bm25Index.build([
          { id: "a", text: "x" },
          { id: "a", text: "y" },
        ]),
      ),
    ).toBe("documents[1].id");
    expect(field(() => Bm25Index.build([{ id: "", text: "x" }]))).toBe("documents[0].id");
    expect(field(() => Bm25Index.build([{ id: "a", text: 3 as unknown as string }]))).toBe("documents[0].text");
    expect(field(() => Bm25Index.build([{ id: "a", text: "x", title: 1 as unknown as string }]))).toBe("documents[0].title");
    expect(field(() => Bm25Index.build([], { k1: -1 }))).toBe("k1");
    expect(field(() => Bm25Index.build([], { b: 2 }))).toBe("b");
    expect(field(() => Bm25Index.build([], { lengths: "x" as "exact" }))).toBe("lengths");
    expect(field(() => Bm25Index.build([]).search("x", { topK: 0 }))).toBe("topK");
    expect(field(() => Bm25Index.build([]).search("x", { b: -0.1 }))).toBe("b");
  });
  it("builds an empty index that finds nothing", () => {
    const empty = Bm25Index.build([]);
    expect(empty.size).toBe(0);
    expect(empty.search("anything")).toEqual([]);
  });
});
