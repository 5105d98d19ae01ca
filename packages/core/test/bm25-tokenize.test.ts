/** The BM25 tokenizer: Chinese words and bigrams, English stems, stop words and punctuation dropped. */
import { describe, expect, it } from "vitest";
import { bm25Tokenize as tokenize } from "../src/index.js";
import { stemEnglish } from "../src/bm25/tokenize.js";

describe("Chinese", () => {
  it("segments Chinese into dictionary words (Intl.Segmenter with full ICU)", () => {
    const terms = tokenize("预防感冒");
    expect(terms).toContain("预防");
    expect(terms).toContain("感冒");
  });

  it("drops Chinese function words as terms", () => {
    const terms = tokenize("如何预防感冒的方法");
    expect(terms).not.toContain("如何");
    expect(terms).not.toContain("的");
    expect(terms).toContain("方法");
  });

  it("adds character bigrams, so a compound word still matches its parts", () => {
    const terms = tokenize("流行性感冒");
    expect(terms).toContain("流行性感冒");
    expect(terms).toContain("感冒");
    expect(terms).toContain("流行");
  });

  it("does not count a two-character word twice (as a word and as its own bigram)", () => {
    expect(tokenize("感冒")).toEqual(["感冒"]);
    expect(tokenize("预防感冒")).toEqual(["预防", "感冒", "防感"]);
  });

  it("keeps supplementary-plane ideographs whole in words and bigrams", () => {
    const terms = tokenize("𠮷野家");
    expect(terms).toContain("𠮷野");
    const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    for (const term of terms) expect(term).not.toMatch(loneSurrogate);
  });

  it("does not make bigrams across punctuation", () => {
    const terms = tokenize("感冒。预防");
    expect(terms).toEqual(["感冒", "预防"]);
  });
});

describe("English", () => {
  it.each([
    ["tests", "test"],
    ["running", "run"],
    ["stopped", "stop"],
    ["studies", "study"],
    ["boxes", "box"],
    ["matches", "match"],
    ["classes", "class"],
    ["meetings", "meet"],
    ["falling", "fall"],
    ["added", "add"],
    ["glass", "glass"],
    ["virus", "virus"],
    ["analysis", "analysis"],
    ["string", "string"],
    ["need", "need"],
  ])("stems %s → %s", (word, stem) => {
    expect(stemEnglish(word)).toBe(stem);
  });

  it("folds a base form and its inflections to one term", () => {
    const forms = ["cache", "caches", "cached", "caching"].map(stemEnglish);
    expect(new Set(forms).size).toBe(1);
    const uses = ["use", "uses", "used", "using"].map(stemEnglish);
    expect(new Set(uses).size).toBe(1);
  });

  it("drops stop words, punctuation, symbols and emoji", () => {
    expect(tokenize("The cats -- and the dogs!!! 🙂 (really?)")).toEqual(["cat", "dog", "really"]);
  });

  it("lower-cases and NFKC-normalises (full-width letters, ligatures)", () => {
    expect(tokenize("ＡＰＩ Keys")).toEqual(["api", "key"]);
    expect(tokenize("ﬁle")).toEqual(tokenize("file"));
  });

  it("removes possessives and keeps numbers and dotted words whole", () => {
    const terms = tokenize("Node’s speed is 3.14 in the U.S.A.");
    expect(terms).toEqual([stemEnglish("node"), "speed", "3.14", "u.s.a"]);
    expect(tokenize("node's")).toEqual(tokenize("node"));
  });

  it("gives nothing for text with no words", () => {
    expect(tokenize("?!… ，。 --- ")).toEqual([]);
  });
});

describe("mixed text", () => {
  it("splits Latin words out of Chinese text and treats each side by its own rules", () => {
    const terms = tokenize("用BM25算法rerank文档，tests通过");
    expect(terms).toEqual(expect.arrayContaining(["bm25", "算法", "rerank", "文档", "test", "通过"]));
    expect(terms).not.toContain("tests");
  });

  it("gives an English word the same term beside Chinese as on its own", () => {
    expect(tokenize("模型Running")).toContain(tokenize("running")[0]);
  });
});
