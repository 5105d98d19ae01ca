import type { Dialect } from "./dialects/dialect.js";
import { dashscope, dashscopeCompatible } from "./dialects/dashscope.js";
import { dmxapi } from "./dialects/dmxapi.js";
import { rerankit } from "./dialects/rerankit.js";
import { siliconflow } from "./dialects/siliconflow.js";
import type { ScoreKind } from "./types.js";

/** Everything Rerankit knows about one provider. The README's provider table is generated from these. */
export interface ProviderPreset {
  /** Display name. */
  readonly label: string;
  readonly dialect: Dialect;
  /** Default base URL, version segment included; the dialect's path is appended. Self-hosted servers have none. */
  readonly baseURL?: string;
  /** Environment variable read for the API key (then `RERANK_API_KEY`). */
  readonly apiKeyEnv?: string;
  /** Whether a call without any key is refused before sending. */
  readonly requiresApiKey: boolean;
  readonly defaultModel?: string;
  /** Documents per request; longer lists are split into batches. */
  readonly maxDocumentsPerRequest: number;
  /** Estimated tokens (query + document, summed over a batch) per request, when the provider caps it. */
  readonly maxTokensPerRequest?: number;
  readonly scoreKind: ScoreKind;
  /** Models whose scores depend on the whole list: never split silently. */
  readonly listwiseModels?: RegExp;
  /** Where the provider documents its rerank API. */
  readonly docs?: string;
}

/**
 * A generous safety cap for providers that document no per-request limit: splitting is harmless
 * for pointwise rerankers, and a single giant body is what such APIs reject first.
 */
const UNDOCUMENTED_LIMIT = 1000;

export const presets = {
  dmxapi: {
    label: "DMXAPI",
    dialect: dmxapi,
    baseURL: "https://www.dmxapi.cn/v1",
    apiKeyEnv: "DMXAPI_API_KEY",
    requiresApiKey: true,
    defaultModel: "qwen3-reranker-8b",
    maxDocumentsPerRequest: UNDOCUMENTED_LIMIT,
    scoreKind: "probability",
    docs: "https://www.dmxapi.cn",
  },
  siliconflow: {
    label: "SiliconFlow",
    dialect: siliconflow,
    baseURL: "https://api.siliconflow.cn/v1",
    apiKeyEnv: "SILICONFLOW_API_KEY",
    requiresApiKey: true,
    defaultModel: "BAAI/bge-reranker-v2-m3",
    maxDocumentsPerRequest: UNDOCUMENTED_LIMIT,
    scoreKind: "probability",
    docs: "https://docs.siliconflow.cn/cn/api-reference/rerank/create-rerank",
  },
  dashscope: {
    label: "Alibaba DashScope (native)",
    dialect: dashscope,
    baseURL: "https://dashscope.aliyuncs.com/api/v1",
    apiKeyEnv: "DASHSCOPE_API_KEY",
    requiresApiKey: true,
    defaultModel: "qwen3-rerank",
    maxDocumentsPerRequest: 500,
    maxTokensPerRequest: 30_000,
    scoreKind: "probability",
    docs: "https://help.aliyun.com/zh/model-studio/text-rerank-api",
  },
  "dashscope-compatible": {
    label: "Alibaba DashScope (compatible)",
    dialect: dashscopeCompatible,
    baseURL: "https://dashscope.aliyuncs.com/compatible-api/v1",
    apiKeyEnv: "DASHSCOPE_API_KEY",
    requiresApiKey: true,
    defaultModel: "qwen3-rerank",
    maxDocumentsPerRequest: 500,
    maxTokensPerRequest: 30_000,
    scoreKind: "probability",
    docs: "https://help.aliyun.com/zh/model-studio/text-rerank-api",
  },
  rerankit: {
    label: "Rerankit local server",
    dialect: rerankit,
    baseURL: "http://127.0.0.1:8787/v1",
    apiKeyEnv: "RERANKIT_API_KEY",
    requiresApiKey: false,
    defaultModel: "rerankit-bm25",
    maxDocumentsPerRequest: 10_000,
    scoreKind: "unknown",
  },
} satisfies Record<string, ProviderPreset>;

/** A provider preset id: `"dmxapi"`, `"siliconflow"`, `"dashscope"`, `"cohere"`, … */
export type ProviderId = keyof typeof presets;

export const providerIds = Object.keys(presets) as ProviderId[];

export function getPreset(id: string): ProviderPreset | undefined {
  return Object.hasOwn(presets, id) ? (presets as Record<string, ProviderPreset>)[id] : undefined;
}
