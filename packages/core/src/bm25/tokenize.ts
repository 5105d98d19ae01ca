/**
 * The BM25 tokenizer: text → index terms, for English, Chinese and mixed text. Pure and
 * deterministic (the same text always gives the same terms), and the same for queries and documents.
 *
 * Steps, in order:
 * 1. NFKC normalisation (full-width ｆｕｌｌ → full, ① → 1, compatibility ideographs → unified),
 *    then lower-casing.
 * 2. A word pattern splits the text into chunks of letters, marks, digits and `_`, joined by an
 *    inner `'`, `’` or `.` (so `it's`, `3.14` and `u.s.a` stay whole). Everything else —
 *    whitespace, punctuation, symbols, emoji — is dropped.
 * 3. A chunk with a character from a script written without spaces (Han, kana, Thai, Lao, Khmer,
 *    Myanmar) or Hangul goes through `Intl.Segmenter` word segmentation (ICU's dictionary break
 *    iterator: 如何预防感冒 → 如何 | 预防 | 感冒). Other chunks are one word each, found by the
 *    pattern alone: running ICU over plain English costs about 35× more and gives the same words.
 * 4. Each Latin word: a trailing possessive `'s` and other apostrophes are removed, a small stop-word
 *    list is dropped ({@link ENGLISH_STOP_WORDS}), and {@link stemEnglish} folds common inflections.
 * 5. Each CJK word (Han, kana, Hangul) is a term, except a few function words
 *    ({@link CJK_STOP_WORDS}); and every run of adjacent CJK words also yields its character
 *    bigrams. Why bigrams: a dictionary segmenter is not consistent across contexts and keeps
 *    compounds whole (流行性感冒 is one word, so a query for 感冒 would never match it by words
 *    alone); the bigram 感冒 inside it does. Bigrams that cross a word boundary (预防感冒 → 防感)
 *    only match where the same characters are adjacent in both texts, so they reward phrase
 *    matches rather than add noise. A bigram equal to the two-character word at the same place is
 *    not emitted twice. Unigrams of single characters are not added beyond the segmenter's own
 *    one-character words: they match almost everything and drown the signal.
 */

/** Scripts written without spaces between words: chunks containing them need a dictionary segmenter. */
const NEEDS_SEGMENTER = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}]/u;
/** A word made only of CJK characters: it takes part in character bigrams. */
const ALL_CJK = /^[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]+$/u;
const CHUNK = /[\p{L}\p{M}\p{N}_]+(?:['’.][\p{L}\p{M}\p{N}_]+)*/gu;
const APOSTROPHES = /['’]/g;
const ASCII_WORD = /^[a-z]+$/;

/**
 * English words too common to tell documents apart (Lucene's English list plus question words,
 * pronouns and auxiliaries, which queries are full of).
 */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set([
  "a",
  "am",
  "an",
  "and",
  "are",
  "as",
  "at",
  "be",
  "been",
  "but",
  "by",
  "can",
  "could",
  "did",
  "do",
  "does",
  "for",
  "from",
  "had",
  "has",
  "have",
  "how",
  "i",
  "if",
  "in",
  "into",
  "is",
  "it",
  "its",
  "me",
  "my",
  "no",
  "not",
  "of",
  "on",
  "or",
  "our",
  "should",
  "so",
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
  "we",
  "were",
  "what",
  "when",
  "where",
  "which",
  "who",
  "whom",
  "why",
  "will",
  "with",
  "would",
  "you",
  "your",
]);

/**
 * Chinese function words dropped as word terms. Their characters still take part in the bigrams
 * that cross their edges (如何预防 → 何预), which only match the same phrase.
 */
export const CJK_STOP_WORDS: ReadonlySet<string> = new Set([
  "的",
  "了",
  "是",
  "在",
  "和",
  "与",
  "及",
  "或",
  "也",
  "都",
  "就",
  "而",
  "着",
  "过",
  "地",
  "得",
  "把",
  "被",
  "之",
  "其",
  "这",
  "那",
  "吗",
  "呢",
  "吧",
  "啊",
  "呀",
  "么",
  "如何",
  "什么",
  "怎么",
  "怎样",
  "为什么",
  "哪些",
  "哪个",
  "一个",
  "这个",
  "那个",
  "我们",
  "你们",
  "他们",
  "以及",
  "因为",
  "所以",
  "但是",
  "如果",
]);

let segmenter: Intl.Segmenter | undefined;
/** One shared segmenter: constructing one costs far more than segmenting a sentence. */
function wordSegmenter(): Intl.Segmenter {
  // The locale only picks tailorings; ICU's word dictionary covers Chinese, Japanese and Thai alike.
  segmenter ??= new Intl.Segmenter("zh", { granularity: "word" });
  return segmenter;
}

/**
 * Light English stemming for a lower-case ASCII word, deliberately simpler than Porter's: it
 * conflates the inflections a query and a passage most often disagree on and leaves the rest.
 *
 * - plural, in words longer than three letters: `-ies` → `-y` (studies → study); a final `-s` is
 *   dropped except after `s`, `u`, `i` (tests → test; glass, virus, analysis stay);
 * - `-ing` and `-ed` are dropped when at least two letters with a vowel remain (and not from
 *   `-eed`: need, speed stay), then a doubled final consonant other than l, s, z is undoubled when
 *   three letters remain (running → run, stopped → stop; added → add, falling → fall);
 * - a final silent `-e` is dropped (not from `-ee`, nor from a two-letter word), so the base form
 *   meets its inflections: cache, cached, caching, caches → cach; use, used, uses, using → us.
 *
 * Words of one or two letters are kept as they are. Like every stemmer it sometimes merges
 * words that differ (hope, hoped, hopped → hop) or misses irregular forms (ran, made).
 */
export function stemEnglish(word: string): string {
  if (word.length <= 2) return word;
  let w = word;
  if (w.length > 4 && w.endsWith("ies")) w = `${w.slice(0, -3)}y`;
  else if (w.length > 3 && w.endsWith("s") && !/[sui]s$/.test(w)) w = w.slice(0, -1);

  let stem: string | undefined;
  if (w.endsWith("ing")) stem = w.slice(0, -3);
  else if (w.endsWith("ed") && !w.endsWith("eed")) stem = w.slice(0, -2);
  if (stem !== undefined && stem.length >= 2 && /[aeiouy]/.test(stem)) {
    w = stem;
    const last = w.charCodeAt(w.length - 1);
    if (w.length >= 4 && last === w.charCodeAt(w.length - 2) && !"aeiouylsz".includes(w[w.length - 1]!)) w = w.slice(0, -1);
  }
  if (w.length >= 3 && w.endsWith("e") && !w.endsWith("ee")) w = w.slice(0, -1);
  return w;
}

/** Turns one non-CJK word into its term, or undefined for a stop word. */
function latinTermUncached(word: string): string | undefined {
  let w = word;
  if (w.includes("'") || w.includes("’")) {
    w = w.replace(/['’]s$/, "").replace(APOSTROPHES, "");
    if (w === "") return undefined;
  }
  if (ENGLISH_STOP_WORDS.has(w)) return undefined;
  return ASCII_WORD.test(w) ? stemEnglish(w) : w;
}

// Word frequencies follow Zipf's law: a few thousand distinct words make up most of any text, so
// remembering each word's term saves the stop-word and stemming work on nearly every token. The
// map is bounded by clearing it, which costs only recomputation.
const LATIN_CACHE_LIMIT = 50_000;
const latinCache = new Map<string, string | null>();
function latinTerm(word: string): string | undefined {
  const cached = latinCache.get(word);
  if (cached !== undefined) return cached ?? undefined;
  const term = latinTermUncached(word);
  if (latinCache.size >= LATIN_CACHE_LIMIT) latinCache.clear();
  latinCache.set(word, term ?? null);
  return term;
}

/** Segments one chunk that contains CJK or another unspaced script, emitting words and CJK bigrams. */
function segmentChunk(chunk: string, emit: (term: string) => void): void {
  // The current run of adjacent CJK words, and the UTF-16 offsets in it where a two-character word
  // starts (the bigram there is already a term).
  let run = "";
  let twoCharWordAt: number[] = [];
  const flush = () => {
    if (run.length >= 2) emitBigrams(run, twoCharWordAt, emit);
    run = "";
    twoCharWordAt = [];
  };
  for (const { segment, isWordLike } of wordSegmenter().segment(chunk)) {
    if (!isWordLike) {
      flush();
      continue;
    }
    if (ALL_CJK.test(segment)) {
      if (isTwoCharacters(segment)) twoCharWordAt.push(run.length);
      run += segment;
      if (!CJK_STOP_WORDS.has(segment)) emit(segment);
    } else {
      flush();
      const term = latinTerm(segment);
      if (term !== undefined) emit(term);
    }
  }
  flush();
}

function isTwoCharacters(s: string): boolean {
  if (s.length === 2) return !isHighSurrogate(s.charCodeAt(0));
  if (s.length === 3) return isHighSurrogate(s.charCodeAt(0)) !== isHighSurrogate(s.charCodeAt(s.length - 2));
  return s.length === 4 && isHighSurrogate(s.charCodeAt(0)) && isHighSurrogate(s.charCodeAt(2));
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Emits the character bigrams of `run` (code points, so supplementary ideographs stay whole). */
function emitBigrams(run: string, skipAt: readonly number[], emit: (term: string) => void): void {
  let skip = 0;
  let start = 0;
  let next = isHighSurrogate(run.charCodeAt(0)) ? 2 : 1;
  while (next < run.length) {
    const end = next + (isHighSurrogate(run.charCodeAt(next)) ? 2 : 1);
    while (skip < skipAt.length && skipAt[skip]! < start) skip++;
    if (skipAt[skip] !== start) emit(run.slice(start, end));
    start = next;
    next = end;
  }
}

/**
 * Calls `emit` with each term of `text`, in order (a term repeats as often as it occurs).
 * See the module comment for the steps.
 */
export function forEachTerm(text: string, emit: (term: string) => void): void {
  const normalized = text.normalize("NFKC").toLowerCase();
  // One scan of the whole text spares a per-word test in the common all-Latin case.
  const mayNeedSegmenter = NEEDS_SEGMENTER.test(normalized);
  for (const match of normalized.matchAll(CHUNK)) {
    const chunk = match[0];
    if (mayNeedSegmenter && NEEDS_SEGMENTER.test(chunk)) segmentChunk(chunk, emit);
    else {
      const term = latinTerm(chunk);
      if (term !== undefined) emit(term);
    }
  }
}

/**
 * The BM25 terms of `text`, in order, repeats kept.
 *
 * @example
 * tokenize("How to prevent colds? 如何预防感冒")
 * // ["prevent", "cold", "预防", "感冒", "何预", "防感"]
 */
export function tokenize(text: string): string[] {
  const terms: string[] = [];
  forEachTerm(text, (term) => terms.push(term));
  return terms;
}
