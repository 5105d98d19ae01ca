import { RerankInputError } from "../errors.js";
import { englishTermOf, forEachEnglishTerm, forEachStandardWord, isUnspaced } from "./english.js";
import { forEachTerm } from "./tokenize.js";

const PROVIDER = "bm25";

/** One document of a {@link Bm25Index}. */
export interface Bm25IndexDocument {
  /** Unique id, returned in hits and used to break score ties (descending string order, as trec_eval does). */
  id: string;
  /** The body. */
  text: string;
  /** An optional title, indexed in the same field as the text (`title + " " + text`, Anserini's "flat" setting). */
  title?: string | undefined;
}

/** Options of {@link Bm25Index.build}. */
export interface Bm25IndexOptions {
  /**
   * Term-frequency saturation. Anserini's BEIR runs use 0.9; Lucene's own default is 1.2.
   * Can be overridden per search.
   * @default 0.9
   */
  k1?: number;
  /**
   * Length normalisation, 0..1. Anserini's BEIR runs use 0.4; Lucene's own default is 0.75.
   * Can be overridden per search.
   * @default 0.4
   */
  b?: number;
  /**
   * Text → terms, used for documents and queries alike. The default is {@link englishAnalyzer}
   * (Lucene's English analyzer: StandardTokenizer-like split, possessives, lower case, 33 stop
   * words, Porter stemming; Chinese through `bm25Tokenize`). Pass `bm25Tokenize` for the
   * tokenizer of `Bm25Reranker`, or any function of your own.
   * @default englishAnalyzer
   */
  analyzer?: (text: string) => Iterable<string>;
  /**
   * How document lengths enter the length normalisation. `"lucene"` rounds each length the way
   * Lucene stores it (one byte per document, `SmallFloat.intToByte4`: exact up to 23 terms, then
   * 4 significant bits, so 100 terms counts as 96 and 1,000 as 984); this is what Anserini's scores
   * use, and it is needed to reproduce them to the last digit (SciFact nDCG@10 0.6777 exact vs
   * 0.6789 rounded, Anserini 0.6789). `"exact"` uses the true term counts.
   * @default "lucene"
   */
  lengths?: "lucene" | "exact";
}

/** Options of {@link Bm25Index.search}. */
export interface Bm25SearchOptions {
  /**
   * How many hits to return at most (only documents sharing a term with the query are hits).
   * @default 10
   */
  topK?: number;
  /** Overrides the index's k1 for this search. @default the index's k1 */
  k1?: number;
  /** Overrides the index's b for this search. @default the index's b */
  b?: number;
}

/** One result of {@link Bm25Index.search}. */
export interface Bm25Hit {
  /** The document's id. */
  id: string;
  /** Its BM25 score (unnormalised: Lucene's `idf · tf / (tf + k1 · (1 − b + b · len / avgLen))`, summed over query terms). */
  score: number;
  /** Its position in the documents the index was built from. */
  index: number;
}

// Lucene's SmallFloat.intToByte4 / byte4ToInt (org.apache.lucene.util.SmallFloat): a length is
// kept as a byte, exact below NUM_FREE_VALUES and with a 3-bit mantissa (plus implicit bit) above.
const NUM_FREE_VALUES = 255 - longToInt4(0x7fffffff);
function longToInt4(i: number): number {
  const numBits = i === 0 ? 0 : Math.floor(Math.log2(i)) + 1;
  if (numBits < 4) return i;
  const shift = numBits - 4;
  let encoded = Math.floor(i / 2 ** shift); // the 4 most significant bits
  encoded &= 0x07; // the top bit is implicit
  encoded |= (shift + 1) << 3;
  return encoded;
}
function int4ToLong(i: number): number {
  const bits = i & 0x07;
  const shift = (i >>> 3) - 1;
  return shift === -1 ? bits : (bits | 0x08) * 2 ** shift;
}
/** A document length as Lucene's BM25 sees it after storing it in one byte. */
export function luceneLength(length: number): number {
  if (length < NUM_FREE_VALUES) return length;
  return NUM_FREE_VALUES + int4ToLong(longToInt4(length - NUM_FREE_VALUES));
}

function checkK1(k1: unknown, where: string): number {
  if (typeof k1 !== "number" || !Number.isFinite(k1) || k1 < 0) {
    throw new RerankInputError(`${where}: k1 must be a finite number ≥ 0.`, { field: "k1", provider: PROVIDER });
  }
  return k1;
}
function checkB(b: unknown, where: string): number {
  if (typeof b !== "number" || !(b >= 0 && b <= 1)) {
    throw new RerankInputError(`${where}: b must be a number from 0 to 1.`, { field: "b", provider: PROVIDER });
  }
  return b;
}

/**
 * A BM25 inverted index over a fixed set of documents, for first-stage retrieval over a whole
 * corpus. It is built once ({@link Bm25Index.build}); a search then touches only the postings of
 * the query's terms, so its cost grows with how many documents share a term with the query, not
 * with the corpus.
 *
 * Scoring is Lucene's (Lucene 8 and later, as in Anserini): `idf = ln(1 + (N − df + 0.5) / (df + 0.5))`,
 * each query term weighted by how often it occurs in the query, `tf / (tf + k1 · (1 − b + b · len / avgLen))`
 * with no `(k1 + 1)` factor (it changes no order), lengths rounded as Lucene stores them (see
 * {@link Bm25IndexOptions.lengths}). Hits are ordered by score, then by id descending (trec_eval's
 * order), so runs are reproducible. With the defaults (k1 0.9, b 0.4, the English analyzer) it
 * reproduces Anserini's BM25 "flat" figures on BEIR SciFact.
 *
 * @example
 * const index = Bm25Index.build([{ id: "d1", title: "Colds", text: "Wash your hands…" }]);
 * index.search("how to prevent a cold", { topK: 100 }); // [{ id: "d1", score: 0.42, index: 0 }]
 */
export class Bm25Index {
  /** Term-frequency saturation used when a search does not override it. */
  readonly k1: number;
  /** Length normalisation used when a search does not override it. */
  readonly b: number;
  /** Number of documents. */
  readonly size: number;
  /** The documents' ids, in build order. */
  readonly ids: readonly string[];

  readonly #analyze: (text: string, emit: (term: string) => void) => void;
  readonly #termIds: Map<string, number>;
  /** Postings in one block: term t's documents are docs[start[t] .. start[t + 1]), with their frequencies in tfs. */
  readonly #start: Int32Array;
  readonly #docs: Int32Array;
  readonly #tfs: Float64Array;
  /** Each document's length as used in scoring (Lucene-rounded or exact). */
  readonly #lengths: Float64Array;
  readonly #averageLength: number;
  /** Each document's position among the ids sorted in descending order: tie-breaking compares numbers. */
  readonly #idRank: Int32Array;
  #scores: Float64Array;

  private constructor(
    ids: string[],
    k1: number,
    b: number,
    analyze: (text: string, emit: (term: string) => void) => void,
    termIds: Map<string, number>,
    start: Int32Array,
    docs: Int32Array,
    tfs: Float64Array,
    lengths: Float64Array,
    averageLength: number,
  ) {
    this.ids = ids;
    this.size = ids.length;
    this.k1 = k1;
    this.b = b;
    this.#analyze = analyze;
    this.#termIds = termIds;
    this.#start = start;
    this.#docs = docs;
    this.#tfs = tfs;
    this.#lengths = lengths;
    this.#averageLength = averageLength;
    const order = ids.map((_, i) => i).sort((x, y) => (ids[x]! < ids[y]! ? 1 : ids[x]! > ids[y]! ? -1 : 0));
    this.#idRank = new Int32Array(ids.length);
    order.forEach((doc, rank) => {
      this.#idRank[doc] = rank;
    });
    this.#scores = new Float64Array(ids.length);
  }

  /**
   * Builds the index over `documents` (each analysed once). Throws `RerankInputError` for a
   * missing or duplicate id, a non-string text or title, or a bad k1/b.
   */
  static build(documents: Iterable<Bm25IndexDocument>, options: Bm25IndexOptions = {}): Bm25Index {
    const k1 = checkK1(options.k1 ?? 0.9, "Bm25Index");
    const b = checkB(options.b ?? 0.4, "Bm25Index");
    const lengthMode = options.lengths ?? "lucene";
    if (lengthMode !== "lucene" && lengthMode !== "exact") {
      throw new RerankInputError('Bm25Index: lengths must be "lucene" or "exact".', { field: "lengths", provider: PROVIDER });
    }
    const custom = options.analyzer;
    if (custom !== undefined && typeof custom !== "function") {
      throw new RerankInputError("Bm25Index: analyzer must be a function from text to terms.", { field: "analyzer", provider: PROVIDER });
    }
    const analyze = custom
      ? (text: string, emit: (term: string) => void) => {
          for (const term of custom(text)) emit(term);
        }
      : forEachEnglishTerm;

    const ids: string[] = [];
    const seen = new Set<string>();
    const termIds = new Map<string, number>();
    // Postings are gathered as flat (term, doc, tf) triples, then counting-sorted by term into one block.
    const tripleTerm: number[] = [];
    const tripleDoc: number[] = [];
    const tripleTf: number[] = [];
    const lengths: number[] = [];
    let tfScratch = new Int32Array(1024);
    const touched: number[] = [];
    let totalLength = 0;
    let d = 0;
    const addTerm = (term: string) => {
      let t = termIds.get(term);
      if (t === undefined) {
        t = termIds.size;
        termIds.set(term, t);
        if (t >= tfScratch.length) {
          const grown = new Int32Array(tfScratch.length * 2);
          grown.set(tfScratch);
          tfScratch = grown;
        }
      }
      addTermId(t);
    };
    const addTermId = (t: number) => {
      if (tfScratch[t]!++ === 0) touched.push(t);
    };
    // With the default analyzer, each distinct surface word is analysed once per build: the word →
    // term-id map spares the analyzer's own cache lookup and a second map lookup on every token.
    const wordTerm = new Map<string, number>();
    const indexWord = (word: string) => {
      const known = wordTerm.get(word);
      if (known !== undefined) {
        if (known >= 0) addTermId(known);
        return;
      }
      if (isUnspaced(word)) {
        forEachTerm(word, addTerm);
        return;
      }
      const term = englishTermOf(word);
      if (term === undefined) {
        wordTerm.set(word, -1);
        return;
      }
      addTerm(term);
      wordTerm.set(word, termIds.get(term)!);
    };
    for (const doc of documents) {
      const where = `documents[${d}]`;
      if (doc === null || typeof doc !== "object" || typeof doc.id !== "string" || doc.id === "") {
        throw new RerankInputError(`Bm25Index: ${where}.id must be a non-empty string.`, { field: `${where}.id`, provider: PROVIDER });
      }
      if (seen.has(doc.id)) {
        throw new RerankInputError(`Bm25Index: ${where}.id "${doc.id}" is a duplicate.`, { field: `${where}.id`, provider: PROVIDER });
      }
      if (typeof doc.text !== "string") {
        throw new RerankInputError(`Bm25Index: ${where}.text must be a string.`, { field: `${where}.text`, provider: PROVIDER });
      }
      if (doc.title !== undefined && typeof doc.title !== "string") {
        throw new RerankInputError(`Bm25Index: ${where}.title must be a string when given.`, {
          field: `${where}.title`,
          provider: PROVIDER,
        });
      }
      seen.add(doc.id);
      ids.push(doc.id);
      const text = doc.title ? `${doc.title} ${doc.text}` : doc.text;
      if (custom) analyze(text, addTerm);
      else forEachStandardWord(text, indexWord);
      let length = 0;
      for (const t of touched) {
        const tf = tfScratch[t]!;
        length += tf;
        tripleTerm.push(t);
        tripleDoc.push(d);
        tripleTf.push(tf);
        tfScratch[t] = 0;
      }
      touched.length = 0;
      lengths.push(length);
      totalLength += length;
      d++;
    }

    const termCount = termIds.size;
    const start = new Int32Array(termCount + 1);
    for (const t of tripleTerm) start[t + 1]!++;
    for (let t = 0; t < termCount; t++) start[t + 1]! += start[t]!;
    const fill = start.slice(0, termCount);
    const docs = new Int32Array(tripleTerm.length);
    const tfs = new Float64Array(tripleTerm.length);
    for (let i = 0; i < tripleTerm.length; i++) {
      const at = fill[tripleTerm[i]!]!++;
      docs[at] = tripleDoc[i]!;
      tfs[at] = tripleTf[i]!;
    }
    const scoredLengths = Float64Array.from(lengths, lengthMode === "lucene" ? luceneLength : (x) => x);
    // Lucene's average is over the true lengths (sumTotalTermFreq / docCount), not the rounded ones.
    const averageLength = ids.length === 0 ? 1 : totalLength / ids.length || 1;
    return new Bm25Index(ids, k1, b, analyze, termIds, start, docs, tfs, scoredLengths, averageLength);
  }

  /** Number of distinct terms in the index. */
  get vocabularySize(): number {
    return this.#termIds.size;
  }

  /** The query's terms, as the index analyses them. */
  analyze(text: string): string[] {
    const terms: string[] = [];
    this.#analyze(text, (term) => terms.push(term));
    return terms;
  }

  /**
   * The top `topK` documents for `query`, best first: score descending, ties by id descending.
   * Only documents that contain at least one query term are returned.
   */
  search(query: string, options: Bm25SearchOptions = {}): Bm25Hit[] {
    if (typeof query !== "string") {
      throw new RerankInputError("Bm25Index.search: query must be a string.", { field: "query", provider: PROVIDER });
    }
    const topK = options.topK ?? 10;
    if (!Number.isInteger(topK) || topK < 1) {
      throw new RerankInputError("Bm25Index.search: topK must be an integer ≥ 1.", { field: "topK", provider: PROVIDER });
    }
    const k1 = options.k1 === undefined ? this.k1 : checkK1(options.k1, "Bm25Index.search");
    const b = options.b === undefined ? this.b : checkB(options.b, "Bm25Index.search");

    const queryTf = new Map<number, number>();
    this.#analyze(query, (term) => {
      const t = this.#termIds.get(term);
      if (t !== undefined) queryTf.set(t, (queryTf.get(t) ?? 0) + 1);
    });
    if (queryTf.size === 0) return [];

    const n = this.size;
    const scores = this.#scores;
    const touched: number[] = [];
    const lengths = this.#lengths;
    const norm0 = k1 * (1 - b);
    const norm1 = (k1 * b) / this.#averageLength;
    for (const [t, qtf] of queryTf) {
      const from = this.#start[t]!;
      const to = this.#start[t + 1]!;
      const df = to - from;
      const weight = qtf * Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (let p = from; p < to; p++) {
        const doc = this.#docs[p]!;
        const tf = this.#tfs[p]!;
        const add = (weight * tf) / (tf + norm0 + norm1 * lengths[doc]!);
        if (scores[doc] === 0) touched.push(doc);
        scores[doc] = scores[doc]! + add;
      }
    }

    const idRank = this.#idRank;
    const better = (x: number, y: number) => scores[x]! > scores[y]! || (scores[x] === scores[y] && idRank[x]! < idRank[y]!);
    let chosen: number[];
    if (touched.length <= topK) chosen = touched;
    else {
      // A bounded min-heap keeps the best topK without sorting every touched document.
      const heap = touched.slice(0, topK);
      const down = (i: number) => {
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let worst = i;
          if (l < heap.length && better(heap[worst]!, heap[l]!)) worst = l;
          if (r < heap.length && better(heap[worst]!, heap[r]!)) worst = r;
          if (worst === i) return;
          [heap[i], heap[worst]] = [heap[worst]!, heap[i]!];
          i = worst;
        }
      };
      for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
      for (let i = topK; i < touched.length; i++) {
        const doc = touched[i]!;
        if (better(doc, heap[0]!)) {
          heap[0] = doc;
          down(0);
        }
      }
      chosen = heap;
    }
    chosen.sort((x, y) => (better(x, y) ? -1 : better(y, x) ? 1 : 0));
    const hits = chosen.map((doc) => ({ id: this.ids[doc]!, score: scores[doc]!, index: doc }));
    for (const doc of touched) scores[doc] = 0;
    return hits;
  }
}
