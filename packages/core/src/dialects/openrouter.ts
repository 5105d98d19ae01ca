import { z } from "zod";
import type { Dialect } from "./dialect.js";
import { readResultsBody, resultsDialect } from "./results.js";

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
