import type { Dialect } from "./shared/dialect.js";
import { resultsDialect } from "./shared/results.js";
import { type ProviderPreset, UNDOCUMENTED_LIMIT } from "./shared/preset.js";

/**
 * michaelfeil/infinity (`POST /rerank`, often under `/v1`): the Cohere form; `document` comes back
 * as a plain string (ignored), usage in `usage.prompt_tokens`. `raw_scores: true` (through
 * `extraBody`) makes scores logits.
 */
export const infinity: Dialect = {
  ...resultsDialect({}),
  scoreKindFor: (extraBody) => (extraBody?.raw_scores === true ? "logit" : undefined),
};

/** The infinity preset: where it lives, its key and limits, and the dialect above. */
export const infinityProvider = {
  label: "Infinity",
  dialect: infinity,
  baseURL: undefined,
  apiKeyEnv: "INFINITY_API_KEY",
  baseURLEnv: "INFINITY_BASE_URL",
  requiresApiKey: false,
  defaultModel: undefined,
  maxDocumentsPerRequest: UNDOCUMENTED_LIMIT,
  scoreKind: "probability",
  docs: "https://michaelfeil.eu/infinity/",
} satisfies ProviderPreset;
