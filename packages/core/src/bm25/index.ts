export { Bm25Reranker, bm25Scores, type Bm25RerankerOptions } from "./bm25.js";
export { tokenize, stemEnglish, ENGLISH_STOP_WORDS, CJK_STOP_WORDS } from "./tokenize.js";
