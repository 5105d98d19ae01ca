import { resultsDialect } from "./shared/results.js";
import { type ProviderPreset, UNDOCUMENTED_LIMIT } from "./shared/preset.js";

/**
 * llama.cpp's `llama-server --reranking` (`/rerank`, aliases `/v1/rerank`, `/reranking`): the
 * Cohere form with raw, unbounded scores (the preset says `logit`); old builds return input order
 * (the client sorts). A server started without `--reranking` answers 501 (never retried).
 */
export const llamacpp = resultsDialect({});

/** The llamacpp preset: where it lives, its key and limits, and the dialect above. */
export const llamacppProvider = {
  label: "llama.cpp server",
  dialect: llamacpp,
  baseURL: undefined,
  apiKeyEnv: "LLAMA_API_KEY",
  baseURLEnv: "LLAMACPP_BASE_URL",
  requiresApiKey: false,
  // llama-server serves the model it was started with and ignores the name outside router mode.
  defaultModel: "default",
  maxDocumentsPerRequest: UNDOCUMENTED_LIMIT,
  scoreKind: "logit",
  docs: "https://github.com/ggml-org/llama.cpp/tree/master/tools/server#post-reranking-rerank-documents-according-to-a-given-query",
} satisfies ProviderPreset;
