import { resultsDialect } from "./shared/results.js";
import { type ProviderPreset, UNDOCUMENTED_LIMIT } from "./shared/preset.js";

/** Together AI (`POST https://api.together.xyz/v1/rerank`): the Cohere form; `document: {}` when not asked. */
export const together = resultsDialect({});

/** The together preset: where it lives, its key and limits, and the dialect above. */
export const togetherProvider = {
  label: "Together AI",
  dialect: together,
  baseURL: "https://api.together.xyz/v1",
  apiKeyEnv: "TOGETHER_API_KEY",
  baseURLEnv: "TOGETHER_BASE_URL",
  requiresApiKey: true,
  defaultModel: "Salesforce/Llama-Rank-V1",
  maxDocumentsPerRequest: UNDOCUMENTED_LIMIT,
  scoreKind: "probability",
  docs: "https://docs.together.ai/reference/rerank-1",
} satisfies ProviderPreset;
