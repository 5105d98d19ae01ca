/**
 * The English analyzer of {@link Bm25Index}: the steps of Lucene's `EnglishAnalyzer`, which is what
 * Anserini indexes BEIR collections with ("flat": title and text in one field), so that a BM25 over
 * its terms reproduces Anserini's published figures.
 *
 * 1. Split into words the way Lucene's `StandardTokenizer` does (Unicode UAX #29 word boundaries):
 *    runs of letters, marks, digits and `_`; a `'`, `’`, `.` or `:` between two letters and a `,`,
 *    `.`, `;`, `'` or `’` between two digits keep the word whole (`it's`, `u.s.a`, `3.14`, `1,000`);
 *    anything else (spaces, hyphens, slashes, symbols) separates words. Written as one regular
 *    expression: ICU's segmenter (`Intl.Segmenter`) would give the same words for Latin text at
 *    about 35× the cost.
 * 2. English possessive removal: a trailing `'s`, `’s` (any case) is dropped.
 * 3. Lower-casing.
 * 4. Lucene's 33 English stop words are dropped ({@link LUCENE_ENGLISH_STOP_WORDS}).
 * 5. Porter stemming (the `stemmer` package: Martin Porter's algorithm with the same two departures
 *    as Lucene's `PorterStemFilter`, `-bli` → `-ble` and `-logi` → `-log`).
 *
 * Text in a script written without spaces (Chinese, Japanese, Thai…) goes to the general BM25
 * tokenizer instead (`bm25Tokenize`: `Intl.Segmenter` words plus CJK character bigrams), since
 * `StandardTokenizer`'s one-token-per-ideograph split ranks Chinese poorly.
 */
import { stemmer } from "stemmer";
import { forEachTerm } from "./tokenize.js";

/** Lucene's `EnglishAnalyzer.ENGLISH_STOP_WORDS_SET`, the stop words Anserini drops by default. */
export const LUCENE_ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set([
  "a",
  "an",
  "and",
  "are",
  "as",
  "at",
  "be",
  "but",
  "by",
  "for",
  "if",
  "in",
  "into",
  "is",
  "it",
  "no",
  "not",
  "of",
  "on",
  "or",
  "such",
  "that",
  "the",
  "their",
  "then",
  "there",
  "these",
  "they",
  "this",
  "to",
  "was",
  "will",
  "with",
]);

// Words joined by any of the joiners; a match containing one is then split where UAX #29 would
// break (a quick regex without look-behinds, then a scan of the rare matches with a joiner, is
// several times faster than one regex with look-arounds).
const LOOSE_WORD = /[\p{L}\p{M}\p{N}_]+(?:['’.:,;][\p{L}\p{M}\p{N}_]+)*/gu;
const HAS_JOINER = /['’.:,;]/;
const LETTER_OR_MARK = /[\p{L}\p{M}]/u;
const LETTER = /\p{L}/u;
const DIGIT = /\p{N}/u;

/** Calls `emit` with the words of a loose match, split where a joiner does not join (see step 1). */
function splitJoined(match: string, emit: (word: string) => void): void {
  let start = 0;
  for (let i = 1; i < match.length - 1; i++) {
    const c = match[i]!;
    if (!HAS_JOINER.test(c)) continue;
    const before = match[i - 1]!;
    const after = match[i + 1]!;
    const joinsLetters = (c === "'" || c === "’" || c === "." || c === ":") && LETTER_OR_MARK.test(before) && LETTER.test(after);
    const joinsDigits = (c === "," || c === "." || c === ";" || c === "'" || c === "’") && DIGIT.test(before) && DIGIT.test(after);
    if (!joinsLetters && !joinsDigits) {
      emit(match.slice(start, i));
      start = i + 1;
    }
  }
  emit(match.slice(start));
}

/** Calls `emit` with each word of `text` as Lucene's StandardTokenizer would split it (step 1), before any filter. */
export function forEachStandardWord(text: string, emit: (word: string) => void): void {
  // exec with the global lastIndex: no iterator object per match, unlike matchAll.
  const pattern = new RegExp(LOOSE_WORD);
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const word = match[0];
    if (HAS_JOINER.test(word)) splitJoined(word, emit);
    else emit(word);
  }
}

/** Scripts written without spaces between words. */
const UNSPACED = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}]/u;
const POSSESSIVE = /['’]s$/i;

// Word frequencies follow Zipf's law: remembering each surface word's term saves the stop-word test
// and the stemmer on nearly every token. Bounded by clearing (costs only recomputation).
const CACHE_LIMIT = 100_000;
const cache = new Map<string, string | null>();

/** The term of one word (steps 2–5), or undefined for a stop word. Not for words in unspaced scripts. */
export function englishTermOf(word: string): string | undefined {
  const cached = cache.get(word);
  if (cached !== undefined) return cached ?? undefined;
  let w = POSSESSIVE.test(word) ? word.slice(0, -2) : word;
  w = w.toLowerCase();
  const term = w === "" || LUCENE_ENGLISH_STOP_WORDS.has(w) ? null : stemmer(w);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(word, term);
  return term ?? undefined;
}

/** Whether a word is in a script written without spaces (it then goes to `bm25Tokenize`). */
export function isUnspaced(text: string): boolean {
  return UNSPACED.test(text);
}

/**
 * Calls `emit` with each term of `text` under the English analyzer, in order (repeats kept).
 * See the module comment for the steps.
 */
export function forEachEnglishTerm(text: string, emit: (term: string) => void): void {
  const mayBeUnspaced = UNSPACED.test(text);
  forEachStandardWord(text, (word) => {
    if (mayBeUnspaced && UNSPACED.test(word)) {
      forEachTerm(word, emit);
      return;
    }
    const term = englishTermOf(word);
    if (term !== undefined) emit(term);
  });
}

/**
 * The terms of `text` under the Lucene-like English analyzer that {@link Bm25Index} uses by
 * default: StandardTokenizer-like words, possessives removed, lower-cased, Lucene's 33 stop words
 * dropped, Porter-stemmed; Chinese and other unspaced scripts go through `bm25Tokenize`.
 *
 * @example
 * englishAnalyzer("The patient's cells were dividing rapidly.")
 * // ["patient", "cell", "were", "divid", "rapidli"]
 */
export function englishAnalyzer(text: string): string[] {
  const terms: string[] = [];
  forEachEnglishTerm(text, (term) => terms.push(term));
  return terms;
}
