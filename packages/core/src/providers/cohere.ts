import { resultsDialect } from "./shared/results.js";
import type { ProviderPreset } from "./shared/preset.js";

/**
 * Cohere rerank, v2 by default (`https://api.cohere.com/v2/rerank`); a base URL ending in `/v1`
 * reaches v1, which takes the same body. v2 documents are plain strings; results come without
 * documents; usage is `meta.billed_units.search_units`. No instruction field.
 */
export const cohere = resultsDialect({});

/** The cohere preset: where it lives, its key and limits, and the dialect above. */
export const cohereProvider = {
  label: "Cohere",
  dialect: cohere,
  baseURL: "https://api.cohere.com/v2",
  apiKeyEnv: "COHERE_API_KEY",
  baseURLEnv: "COHERE_BASE_URL",
  sdkApiKeyEnv: "CO_API_KEY",
  requiresApiKey: true,
  defaultModel: "rerank-v3.5",
  maxDocumentsPerRequest: 1000,
  scoreKind: "probability",
  docs: "https://docs.cohere.com/reference/rerank",
} satisfies ProviderPreset;
