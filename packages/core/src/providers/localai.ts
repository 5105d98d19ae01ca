import { resultsDialect } from "./shared/results.js";
import { type ProviderPreset, UNDOCUMENTED_LIMIT } from "./shared/preset.js";

/** LocalAI (`POST /v1/rerank`): the Jina form; it always echoes documents (ignored). */
export const localai = resultsDialect({});

/** The localai preset: where it lives, its key and limits, and the dialect above. */
export const localaiProvider = {
  label: "LocalAI",
  dialect: localai,
  baseURL: undefined,
  apiKeyEnv: "LOCALAI_API_KEY",
  baseURLEnv: "LOCALAI_BASE_URL",
  requiresApiKey: false,
  defaultModel: undefined,
  maxDocumentsPerRequest: UNDOCUMENTED_LIMIT,
  scoreKind: "probability",
  docs: "https://localai.io/features/reranker/",
} satisfies ProviderPreset;
