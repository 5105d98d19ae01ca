import type { Dialect } from "./shared/dialect.js";
import { compact } from "./shared/dialect.js";
import { resultsDialect } from "./shared/results.js";
import { type ProviderPreset, UNDOCUMENTED_LIMIT } from "./shared/preset.js";

const base = resultsDialect({});

/**
 * Jina AI (`POST https://api.jina.ai/v1/rerank`): the Cohere form. `return_documents` is sent
 * explicitly as `false` (its default changed over time, and we attach the caller's own documents).
 * No instruction field. jina-reranker-v3 is listwise (see the preset's `listwiseModels`).
 */
export const jina: Dialect = {
  ...base,
  buildBody(request) {
    const { extraBody, ...rest } = request;
    return compact({ ...base.buildBody(rest), return_documents: false, ...extraBody });
  },
};

/** The jina preset: where it lives, its key and limits, and the dialect above. */
export const jinaProvider = {
  label: "Jina AI",
  dialect: jina,
  baseURL: "https://api.jina.ai/v1",
  apiKeyEnv: "JINA_API_KEY",
  baseURLEnv: "JINA_BASE_URL",
  sdkApiKeyEnv: "JINAAI_API_KEY",
  requiresApiKey: true,
  defaultModel: "jina-reranker-v2-base-multilingual",
  maxDocumentsPerRequest: UNDOCUMENTED_LIMIT,
  scoreKind: "probability",
  listwiseModels: /jina-reranker-v3/i,
  docs: "https://jina.ai/reranker/",
} satisfies ProviderPreset;
