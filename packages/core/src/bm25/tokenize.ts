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

/**
 * The CJK run being read: adjacent CJK words, and the UTF-16 offsets in it where a two-character
 * word starts (the bigram there is already a term). It survives a window edge (see
 * {@link forEachTermSliced}) so that bigrams continue across it.
 */
interface CjkRun {
  text: string;
  twoCharWordAt: number[];
}

/** Longest CJK run kept before its bigrams are emitted; the run then restarts at its last character. */
const MAX_RUN = 4096;

function flushRun(run: CjkRun, emit: (term: string) => void, keepLast: boolean): void {
  if (run.text.length >= 2) emitBigrams(run.text, run.twoCharWordAt, emit);
  // Keeping the last character lets the bigram across the flush point still be emitted.
  run.text = keepLast && run.text.length > 0 ? lastCharacter(run.text) : "";
  run.twoCharWordAt = [];
}

function lastCharacter(s: string): string {
  return s.length >= 2 && isHighSurrogate(s.charCodeAt(s.length - 2)) ? s.slice(-2) : s.slice(-1);
}

/**
 * Segments one chunk that contains CJK or another unspaced script, emitting words and CJK bigrams.
 * When `cut` is set the chunk was cut at a window edge inside a word run: the last word the
 * segmenter found is held back (it may be a word cut in two) and the function returns its offset
 * in the chunk, where the next window starts; otherwise it returns the chunk's length.
 */
function segmentChunk(chunk: string, emit: (term: string) => void, run: CjkRun, cut: boolean): number {
  let stopAt = chunk.length;
  if (cut) {
    // Find the start of the last word-like segment; resume there unless it is the whole chunk.
    let lastStart = -1;
    for (const { index, isWordLike } of wordSegmenter().segment(chunk)) if (isWordLike) lastStart = index;
    if (lastStart > 0) stopAt = lastStart;
  }
  const part = stopAt === chunk.length ? chunk : chunk.slice(0, stopAt);
  for (const { segment, isWordLike } of wordSegmenter().segment(part)) {
    if (!isWordLike) {
      flushRun(run, emit, false);
      continue;
    }
    if (ALL_CJK.test(segment)) {
      if (run.text.length >= MAX_RUN) flushRun(run, emit, true);
      if (isTwoCharacters(segment)) run.twoCharWordAt.push(run.text.length);
      run.text += segment;
      if (!CJK_STOP_WORDS.has(segment)) emit(segment);
    } else {
      flushRun(run, emit, false);
      const term = latinTerm(segment);
      if (term !== undefined) emit(term);
    }
  }
  if (!cut) flushRun(run, emit, false);
  return stopAt;
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
 * Most UTF-16 code units handed to the word pattern and `Intl.Segmenter` at once. ICU's dictionary
 * break iterator costs more than linear time on one unbroken run (80,000 Han characters without
 * punctuation took ~18 s in one piece), and V8's regular expressions overflow the stack on a
 * multi-million-character match; windows of this size keep both linear and bounded.
 */
export const TOKENIZE_WINDOW = 1024;

/** A character that can be part of a word chunk (letters, marks, digits, `_` and the inner joiners). */
const WORD_CHARACTER = /[\p{L}\p{M}\p{N}_'’.]/u;

/**
 * Where the window starting at `start` ends: just after the last character in it that cannot be part
 * of a word (so no word is cut and the terms are exactly those of the whole text), or at the window
 * size when the window is one unbroken run (`cut`).
 */
function windowEnd(text: string, start: number): { end: number; cut: boolean } {
  const limit = start + TOKENIZE_WINDOW;
  if (limit >= text.length) return { end: text.length, cut: false };
  // Scan back from the limit (hand-written: a pattern would scan forward over the whole window).
  for (let i = limit - 1; i > start; i--) {
    const code = text.charCodeAt(i);
    if (code >= 0xdc00 && code <= 0xdfff) continue; // low surrogate: test the pair from its start
    const char = isHighSurrogate(code) ? text.slice(i, i + 2) : text[i]!;
    if (!WORD_CHARACTER.test(char)) return { end: i + char.length, cut: false };
  }
  // One unbroken run: cut at the limit, never between the halves of a surrogate pair.
  const end = isHighSurrogate(text.charCodeAt(limit - 1)) ? limit - 1 : limit;
  return { end, cut: true };
}

/**
 * The tokenizer's work as a generator: it calls `emit` with each term of `text`, in order, and
 * yields after each window of at most {@link TOKENIZE_WINDOW} code units, so a caller can spread a
 * long text over several turns of the event loop. Windows end after a space or punctuation
 * whenever there is one, so the terms are those of the whole text. Only a run of more than
 * {@link TOKENIZE_WINDOW} code units with no such character is cut: a CJK run resumes at the last
 * word the segmenter found before the cut (its bigrams continue across it), and a Latin run that
 * long becomes several words.
 */
export function* forEachTermSliced(text: string, emit: (term: string) => void): Generator<void, void, void> {
  const normalized = text.normalize("NFKC").toLowerCase();
  // One scan of the whole text spares a per-word test in the common all-Latin case.
  const mayNeedSegmenter = NEEDS_SEGMENTER.test(normalized);
  const run: CjkRun = { text: "", twoCharWordAt: [] };
  let start = 0;
  while (start < normalized.length) {
    const { end, cut } = windowEnd(normalized, start);
    const window = normalized.slice(start, end);
    let next = end;
    for (const match of window.matchAll(CHUNK)) {
      const chunk = match[0];
      const chunkEnd = match.index + chunk.length;
      // A chunk that reaches a cut edge goes on in the next window.
      const continues = cut && chunkEnd === window.length;
      if (mayNeedSegmenter && NEEDS_SEGMENTER.test(chunk)) {
        const stop = segmentChunk(chunk, emit, run, continues);
        if (stop < chunk.length) next = start + match.index + stop;
      } else {
        flushRun(run, emit, false);
        const term = latinTerm(chunk);
        if (term !== undefined) emit(term);
      }
    }
    start = next;
    yield;
  }
  flushRun(run, emit, false);
}

/**
 * Calls `emit` with each term of `text`, in order (a term repeats as often as it occurs).
 * See the module comment for the steps. Linear in the length of `text`.
 */
export function forEachTerm(text: string, emit: (term: string) => void): void {
  for (const _ of forEachTermSliced(text, emit)) {
    // every window is processed as the generator runs
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
