import { resultsDialect } from "./results.js";

/**
 * llama.cpp's `llama-server --reranking` (`/rerank`, aliases `/v1/rerank`, `/reranking`): the
 * Cohere form with raw, unbounded scores (the preset says `logit`); old builds return input order
 * (the client sorts). A server started without `--reranking` answers 501 (never retried).
 */
export const llamacpp = resultsDialect({});
