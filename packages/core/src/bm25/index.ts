export { Bm25Reranker, bm25Scores, type Bm25RerankerOptions } from "./bm25.js";
export { tokenize, stemEnglish, ENGLISH_STOP_WORDS, CJK_STOP_WORDS } from "./tokenize.js";
export {
  Bm25Index,
  luceneLength,
  type Bm25IndexDocument,
  type Bm25IndexOptions,
  type Bm25SearchOptions,
  type Bm25Hit,
} from "./bm25-index.js";
export { englishAnalyzer, forEachEnglishTerm, LUCENE_ENGLISH_STOP_WORDS } from "./english.js";
