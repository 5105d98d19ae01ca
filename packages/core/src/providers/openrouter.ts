import { z } from "zod";
import type { Dialect } from "./shared/dialect.js";
import { readResultsBody, resultsDialect } from "./shared/results.js";
import { type ProviderPreset, UNDOCUMENTED_LIMIT } from "./shared/preset.js";

const searchUnitsSchema = z.object({ usage: z.object({ search_units: z.number().nullish() }).nullish() });

/**
 * OpenRouter (`POST https://openrouter.ai/api/v1/rerank`): the Cohere form routed to many providers;
 * usage is `{ search_units, total_tokens }`. 402 (out of credit) is a RerankBadRequestError, never retried.
 */
export const openrouter: Dialect = {
  ...resultsDialect({}),
  parseResponse(body) {
    const batch = readResultsBody(body);
    const units = searchUnitsSchema.safeParse(body);
    const searchUnits = units.success ? (units.data.usage?.search_units ?? undefined) : undefined;
    return { ...batch, searchUnits: batch.searchUnits ?? searchUnits };
  },
};

/** The openrouter preset: where it lives, its key and limits, and the dialect above. */
export const openrouterProvider = {
  label: "OpenRouter",
  dialect: openrouter,
  baseURL: "https://openrouter.ai/api/v1",
  apiKeyEnv: "OPENROUTER_API_KEY",
  baseURLEnv: "OPENROUTER_BASE_URL",
  requiresApiKey: true,
  defaultModel: "cohere/rerank-v3.5",
  maxDocumentsPerRequest: UNDOCUMENTED_LIMIT,
  scoreKind: "probability",
  docs: "https://openrouter.ai/docs/api/api-reference/rerank/submit-a-rerank-request",
} satisfies ProviderPreset;
