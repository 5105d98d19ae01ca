import { resultsDialect } from "./shared/results.js";
import { type ProviderPreset, UNDOCUMENTED_LIMIT } from "./shared/preset.js";

/**
 * SiliconFlow (`POST /v1/rerank`): the Cohere form; its Qwen3 models name the instruction
 * `instruction` (the reseller page in seed 002 says `instruct`). Usage under `tokens.input_tokens`.
 */
export const siliconflow = resultsDialect({ instructField: "instruction" });

/** The siliconflow preset: where it lives, its key and limits, and the dialect above. */
export const siliconflowProvider = {
  label: "SiliconFlow",
  dialect: siliconflow,
  baseURL: "https://api.siliconflow.cn/v1",
  apiKeyEnv: "SILICONFLOW_API_KEY",
  baseURLEnv: "SILICONFLOW_BASE_URL",
  requiresApiKey: true,
  defaultModel: "BAAI/bge-reranker-v2-m3",
  maxDocumentsPerRequest: UNDOCUMENTED_LIMIT,
  scoreKind: "probability",
  docs: "https://docs.siliconflow.cn/cn/api-reference/rerank/create-rerank",
} satisfies ProviderPreset;
