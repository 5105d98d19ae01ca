/** The BM25 tokenizer: Chinese words and bigrams, English stems, stop words and punctuation dropped. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { bm25Tokenize as tokenize } from "../src/index.js";
import { stemEnglish, TOKENIZE_WINDOW } from "../src/bm25/tokenize.js";

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

describe("long texts", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** Lengths of every text handed to Intl.Segmenter while `run` runs. */
  function segmentedLengths(run: () => void): number[] {
    const lengths: number[] = [];
    const original = Intl.Segmenter.prototype.segment;
    vi.spyOn(Intl.Segmenter.prototype, "segment").mockImplementation(function (this: Intl.Segmenter, input: string) {
      lengths.push(input.length);
      return original.call(this, input);
    });
    run();
    return lengths;
  }

  it("segments an 80,000-character unpunctuated Han run in bounded windows, each character at most twice", () => {
    const run = hanRun(80_000);
    let terms: string[] = [];
    const lengths = segmentedLengths(() => {
      terms = tokenize(run);
    });
    expect(Math.max(...lengths)).toBeLessThanOrEqual(TOKENIZE_WINDOW);
    // Linear work: a cut window is segmented twice (once to find its last word), others once.
    expect(lengths.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2 * run.length + TOKENIZE_WINDOW);
    expect(terms.length).toBeGreaterThan(run.length / 2);
  });

  it("keeps every adjacent pair of a long run as a bigram or word, across window cuts", () => {
    const run = hanRun(5 * TOKENIZE_WINDOW + 17);
    const terms = new Set(tokenize(run));
    const missing: string[] = [];
    for (let i = 0; i + 2 <= run.length; i++) if (!terms.has(run.slice(i, i + 2))) missing.push(`${i}:${run.slice(i, i + 2)}`);
    expect(missing).toEqual([]);
  });

  it("gives a long punctuated text the same terms as its parts (windows end at punctuation)", () => {
    const texts = Array.from({ length: 120 }, (_, i) => SENTENCES[i % SENTENCES.length]!);
    for (const separator of [" ", "。", "\n"]) {
      const whole = texts.join(separator);
      expect(whole.length).toBeGreaterThan(4 * TOKENIZE_WINDOW);
      expect(tokenize(whole)).toEqual(texts.flatMap((t) => tokenize(t)));
    }
  });

  it("tokenizes 6-million-character unbroken runs without overflowing the stack", () => {
    const latin = tokenize("a".repeat(6_000_000));
    expect(latin.join("").length).toBe(6_000_000);
    const mixed = tokenize(`${"x".repeat(3_000_000)}模型${"y".repeat(3_000_000)}`);
    expect(mixed).toContain("模型");
  });
});

const SENTENCES = [
  "Hybrid search combines BM25 keyword scores with vector similarity; a reranker then reorders the candidates.",
  "流行性感冒是由流感病毒引起的急性呼吸道传染病，接种疫苗是预防流感最有效的方法",
  "用BM25算法做检索，再用rerank模型排序：效果更好。",
  "It's 3.14 in the U.S.A. — node's speed, running tests, cached results.",
  "東京の天気は晴れです。ソウル의 날씨는 맑습니다",
  "ภาษาไทยไม่มีช่องว่างระหว่างคำ",
];

/** `n` pseudo-random Han characters (U+4E00…U+9FA5) with no punctuation, the same for the same `n`. */
function hanRun(n: number): string {
  let seed = 1;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    out.push(String.fromCharCode(0x4e00 + ((seed >>> 8) % 0x51a6)));
  }
  return out.join("");
}
