import { resultsDialect } from "./shared/results.js";
import { type ProviderPreset, UNDOCUMENTED_LIMIT } from "./shared/preset.js";

/**
 * vLLM's rerank endpoint (`/rerank`, also `/v1/rerank` and `/v2/rerank`): the Cohere/Jina form,
 * `top_n` (we never send 0), usage in `usage.total_tokens`, errors as `{ error: { message } }`.
 * It always echoes documents; we ignore the echo.
 */
export const vllm = resultsDialect({});

/** The vllm preset: where it lives, its key and limits, and the dialect above. */
export const vllmProvider = {
  label: "vLLM",
  dialect: vllm,
  baseURL: undefined,
  apiKeyEnv: "VLLM_API_KEY",
  baseURLEnv: "VLLM_BASE_URL",
  requiresApiKey: false,
  defaultModel: undefined,
  maxDocumentsPerRequest: UNDOCUMENTED_LIMIT,
  scoreKind: "probability",
  docs: "https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#re-rank-api",
} satisfies ProviderPreset;
