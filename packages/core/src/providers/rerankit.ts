import { resultsDialect } from "./shared/results.js";
import type { ProviderPreset } from "./shared/preset.js";

/** Our own local server (`rerankit serve`): the Cohere form with `instruct`. */
export const rerankit = resultsDialect({ instructField: "instruct" });

/** The rerankit preset: where it lives, its key and limits, and the dialect above. */
export const rerankitProvider = {
  label: "Rerankit local server",
  dialect: rerankit,
  baseURL: "http://127.0.0.1:8787/v1",
  apiKeyEnv: "RERANKIT_API_KEY",
  baseURLEnv: "RERANKIT_BASE_URL",
  requiresApiKey: false,
  // No default model: the server runs one (BM25, or `serve --model`) and names it in its reply.
  serverNamesModel: true,
  maxDocumentsPerRequest: 10_000,
  scoreKind: "unknown",
} satisfies ProviderPreset;
