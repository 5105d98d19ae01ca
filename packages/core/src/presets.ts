import type { Dialect } from "./dialects/dialect.js";
import { dashscope, dashscopeCompatible } from "./dialects/dashscope.js";
import { dmxapi } from "./dialects/dmxapi.js";
import { rerankit } from "./dialects/rerankit.js";
import { siliconflow } from "./dialects/siliconflow.js";
import { cohere } from "./dialects/cohere.js";
import { infinity } from "./dialects/infinity.js";
import { jina } from "./dialects/jina.js";
import { llamacpp } from "./dialects/llamacpp.js";
import { localai } from "./dialects/localai.js";
import { mixedbread } from "./dialects/mixedbread.js";
import { nvidiaNim } from "./dialects/nvidia-nim.js";
import { openrouter } from "./dialects/openrouter.js";
import { pinecone } from "./dialects/pinecone.js";
import { tei } from "./dialects/tei.js";
import { together } from "./dialects/together.js";
import { vllm } from "./dialects/vllm.js";
import { voyage } from "./dialects/voyage.js";
import { xinference } from "./dialects/xinference.js";
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
  // Hosted APIs (issue 6). Limits are the documented per-request caps.
  cohere: {
    label: "Cohere",
    dialect: cohere,
    baseURL: "https://api.cohere.com/v2",
    apiKeyEnv: "COHERE_API_KEY",
    requiresApiKey: true,
    defaultModel: "rerank-v3.5",
    maxDocumentsPerRequest: 1000,
    scoreKind: "probability",
    docs: "https://docs.cohere.com/reference/rerank",
  },
  jina: {
    label: "Jina AI",
    dialect: jina,
    baseURL: "https://api.jina.ai/v1",
    apiKeyEnv: "JINA_API_KEY",
    requiresApiKey: true,
    defaultModel: "jina-reranker-v2-base-multilingual",
    maxDocumentsPerRequest: UNDOCUMENTED_LIMIT,
    scoreKind: "probability",
    listwiseModels: /jina-reranker-v3/i,
    docs: "https://jina.ai/reranker/",
  },
  voyage: {
    label: "Voyage AI",
    dialect: voyage,
    baseURL: "https://api.voyageai.com/v1",
    apiKeyEnv: "VOYAGE_API_KEY",
    requiresApiKey: true,
    defaultModel: "rerank-2.5",
    maxDocumentsPerRequest: 1000,
    // "query tokens × documents + document tokens" ≤ 600K (rerank-2.5, -2) or 300K (rerank-1): the lower cap fits all.
    maxTokensPerRequest: 300_000,
    scoreKind: "probability",
    docs: "https://docs.voyageai.com/reference/reranker-api",
  },
  mixedbread: {
    label: "Mixedbread",
    dialect: mixedbread,
    baseURL: "https://api.mixedbread.com/v1",
    apiKeyEnv: "MXBAI_API_KEY",
    requiresApiKey: true,
    defaultModel: "mixedbread-ai/mxbai-rerank-large-v2",
    maxDocumentsPerRequest: 1000,
    scoreKind: "probability",
    docs: "https://www.mixedbread.com/api-reference/endpoints/reranking",
  },
  pinecone: {
    label: "Pinecone Inference",
    dialect: pinecone,
    baseURL: "https://api.pinecone.io",
    apiKeyEnv: "PINECONE_API_KEY",
    requiresApiKey: true,
    defaultModel: "bge-reranker-v2-m3",
    // bge-reranker-v2-m3 and pinecone-rerank-v0 take 100 documents a request (cohere-rerank-3.5: 200).
    maxDocumentsPerRequest: 100,
    scoreKind: "probability",
    docs: "https://docs.pinecone.io/reference/api/2025-10/inference/rerank",
  },
  together: {
    label: "Together AI",
    dialect: together,
    baseURL: "https://api.together.xyz/v1",
    apiKeyEnv: "TOGETHER_API_KEY",
    requiresApiKey: true,
    defaultModel: "Salesforce/Llama-Rank-V1",
    maxDocumentsPerRequest: UNDOCUMENTED_LIMIT,
    scoreKind: "probability",
    docs: "https://docs.together.ai/reference/rerank-1",
  },
  openrouter: {
    label: "OpenRouter",
    dialect: openrouter,
    baseURL: "https://openrouter.ai/api/v1",
    apiKeyEnv: "OPENROUTER_API_KEY",
    requiresApiKey: true,
    defaultModel: "cohere/rerank-v3.5",
    maxDocumentsPerRequest: UNDOCUMENTED_LIMIT,
    scoreKind: "probability",
    docs: "https://openrouter.ai/docs/api/api-reference/rerank/submit-a-rerank-request",
  },
  // Self-hosted servers: no default base URL, a key only if the server was started with one.
  vllm: {
    label: "vLLM",
    dialect: vllm,
    baseURL: undefined,
    apiKeyEnv: "VLLM_API_KEY",
    requiresApiKey: false,
    defaultModel: undefined,
    maxDocumentsPerRequest: UNDOCUMENTED_LIMIT,
    scoreKind: "probability",
    docs: "https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#re-rank-api",
  },
  tei: {
    label: "Hugging Face TEI",
    dialect: tei,
    baseURL: undefined,
    apiKeyEnv: undefined,
    requiresApiKey: false,
    // TEI ignores the model (one per server); this name is only reported back.
    defaultModel: "default",
    // TEI's --max-client-batch-size default: more texts in one request is a 422.
    maxDocumentsPerRequest: 32,
    scoreKind: "probability",
    docs: "https://huggingface.github.io/text-embeddings-inference/",
  },
  infinity: {
    label: "Infinity",
    dialect: infinity,
    baseURL: undefined,
    apiKeyEnv: "INFINITY_API_KEY",
    requiresApiKey: false,
    defaultModel: undefined,
    maxDocumentsPerRequest: UNDOCUMENTED_LIMIT,
    scoreKind: "probability",
    docs: "https://michaelfeil.eu/infinity/",
  },
  xinference: {
    label: "Xinference",
    dialect: xinference,
    baseURL: undefined,
    apiKeyEnv: "XINFERENCE_API_KEY",
    requiresApiKey: false,
    defaultModel: undefined,
    maxDocumentsPerRequest: UNDOCUMENTED_LIMIT,
    scoreKind: "probability",
    docs: "https://inference.readthedocs.io/en/latest/models/model_abilities/rerank.html",
  },
  llamacpp: {
    label: "llama.cpp server",
    dialect: llamacpp,
    baseURL: undefined,
    apiKeyEnv: "LLAMA_API_KEY",
    requiresApiKey: false,
    // llama-server serves the model it was started with and ignores the name outside router mode.
    defaultModel: "default",
    maxDocumentsPerRequest: UNDOCUMENTED_LIMIT,
    scoreKind: "logit",
    docs: "https://github.com/ggml-org/llama.cpp/tree/master/tools/server#post-reranking-rerank-documents-according-to-a-given-query",
  },
  localai: {
    label: "LocalAI",
    dialect: localai,
    baseURL: undefined,
    apiKeyEnv: "LOCALAI_API_KEY",
    requiresApiKey: false,
    defaultModel: undefined,
    maxDocumentsPerRequest: UNDOCUMENTED_LIMIT,
    scoreKind: "probability",
    docs: "https://localai.io/features/reranker/",
  },
  "nvidia-nim": {
    label: "NVIDIA NIM (reranking)",
    dialect: nvidiaNim,
    baseURL: undefined,
    apiKeyEnv: "NVIDIA_API_KEY",
    requiresApiKey: false,
    defaultModel: undefined,
    maxDocumentsPerRequest: UNDOCUMENTED_LIMIT,
    scoreKind: "logit",
    docs: "https://docs.nvidia.com/nim/nemo-retriever/text-reranking/latest/using-reranking.html",
  },
} satisfies Record<string, ProviderPreset>;

/** A provider preset id: `"dmxapi"`, `"siliconflow"`, `"dashscope"`, `"cohere"`, … */
export type ProviderId = keyof typeof presets;

export const providerIds = Object.keys(presets) as ProviderId[];

export function getPreset(id: string): ProviderPreset | undefined {
  return Object.hasOwn(presets, id) ? (presets as Record<string, ProviderPreset>)[id] : undefined;
}
