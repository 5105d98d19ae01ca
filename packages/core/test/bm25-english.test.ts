/** The Lucene-like English analyzer behind Bm25Index (Anserini's default for BEIR). */
import { describe, expect, it } from "vitest";
import { LUCENE_ENGLISH_STOP_WORDS, englishAnalyzer } from "../src/index.js";

describe("englishAnalyzer", () => {
  it("splits like StandardTokenizer: inner apostrophes, dots and digit separators keep a word whole", () => {
    // Stop words are removed and words stemmed, so look at forms that survive both.
    expect(englishAnalyzer("pi is 3.14 and 1,000 cells")).toEqual(["pi", "3.14", "1,000", "cell"]);
    expect(englishAnalyzer("u.s.a")).toEqual(["u.s.a"]);
    expect(englishAnalyzer("well-known anti/inflammatory")).toEqual(["well", "known", "anti", "inflammatori"]);
    expect(englishAnalyzer("covid19 il_6")).toEqual(["covid19", "il_6"]);
  });

  it("removes English possessives, lower-cases, and drops exactly Lucene's 33 stop words", () => {
    expect(englishAnalyzer("The Patient's RESULTS")).toEqual(["patient", "result"]);
    expect(englishAnalyzer("Alzheimer’s")).toEqual(["alzheim"]);
    expect(LUCENE_ENGLISH_STOP_WORDS.size).toBe(33);
    expect(englishAnalyzer([...LUCENE_ENGLISH_STOP_WORDS].join(" "))).toEqual([]);
    // Not in Lucene's list (kept, unlike Bm25Reranker's tokenizer).
    expect(englishAnalyzer("what were you")).toEqual(["what", "were", "you"]);
  });

  it("stems with Porter's algorithm, including Lucene's -bli and -logi departures", () => {
    expect(englishAnalyzer("relational conditional running caresses ponies")).toEqual(["relat", "condit", "run", "caress", "poni"]);
    expect(englishAnalyzer("generalization possibli etymology")).toEqual(["gener", "possibl", "etymolog"]);
    expect(englishAnalyzer("at is")).toEqual([]);
  });

  it("sends Chinese through the bilingual tokenizer (words and bigrams)", () => {
    const terms = englishAnalyzer("Cold 流行性感冒");
    expect(terms[0]).toBe("cold");
    expect(terms).toContain("感冒");
    expect(terms).toContain("流行");
  });
});
