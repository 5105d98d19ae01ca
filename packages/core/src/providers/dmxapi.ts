import { resultsDialect } from "./shared/results.js";
import { type ProviderPreset, UNDOCUMENTED_LIMIT } from "./shared/preset.js";

/** DMXAPI (`POST /v1/rerank`): the Cohere form; Qwen3 models take `instruct` (seeds 000–002). */
export const dmxapi = resultsDialect({ instructField: "instruct" });

/** The dmxapi preset: where it lives, its key and limits, and the dialect above. */
export const dmxapiProvider = {
  label: "DMXAPI",
  dialect: dmxapi,
  baseURL: "https://www.dmxapi.cn/v1",
  apiKeyEnv: "DMXAPI_API_KEY",
  baseURLEnv: "DMXAPI_BASE_URL",
  requiresApiKey: true,
  defaultModel: "qwen3-reranker-8b",
  maxDocumentsPerRequest: UNDOCUMENTED_LIMIT,
  scoreKind: "probability",
  docs: "https://www.dmxapi.cn",
} satisfies ProviderPreset;
