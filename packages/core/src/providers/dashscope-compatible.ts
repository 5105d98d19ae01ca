import { dashscopeCompatible } from "./dashscope.js";
import type { ProviderPreset } from "./shared/preset.js";

/** The dashscope-compatible preset: where it lives, its key and limits, and the dialect above. */
export const dashscopeCompatibleProvider = {
  label: "Alibaba DashScope (compatible)",
  dialect: dashscopeCompatible,
  baseURL: "https://dashscope.aliyuncs.com/compatible-api/v1",
  apiKeyEnv: "DASHSCOPE_API_KEY",
  baseURLEnv: "DASHSCOPE_COMPATIBLE_BASE_URL",
  requiresApiKey: true,
  defaultModel: "qwen3-rerank",
  maxDocumentsPerRequest: 500,
  maxTokensPerRequest: 30_000,
  scoreKind: "probability",
  docs: "https://help.aliyun.com/zh/model-studio/text-rerank-api",
} satisfies ProviderPreset;
