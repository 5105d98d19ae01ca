import { z } from "zod";
import type { Dialect } from "./shared/dialect.js";
import { compact, requireModel } from "./shared/dialect.js";
import { isNullishCounts, isRecord, readScoredList } from "./shared/fast-read.js";
import type { ProviderPreset } from "./shared/preset.js";

/** Voyage's request body: top-N is `top_k`. */
export interface VoyageRerankBody {
  model: string;
  query: string;
  documents: string[];
  top_k?: number | undefined;
}

export const voyageResponseSchema = z.object({
  data: z.array(z.object({ index: z.number(), relevance_score: z.number() })),
  usage: z.object({ total_tokens: z.number().nullish() }).nullish(),
});

/**
 * Voyage AI (`POST https://api.voyageai.com/v1/rerank`): top-N is `top_k`, results in `data[]`.
 * No instruction field (rerank-2.5 follows instructions written into the query: `instructMode: "prefix"`).
 */
export const voyage: Dialect = {
  path: "/rerank",
  acceptsInstruct: false,
  buildBody(request) {
    return compact({
      model: requireModel(request),
      query: request.query,
      documents: request.documents,
      top_k: request.topN,
      ...request.extraBody,
    } satisfies VoyageRerankBody);
  },
  parseResponse(body) {
    // Hand-read when plainly well-formed; zod otherwise (to word the error).
    const results =
      isRecord(body) && isNullishCounts(body.usage, ["total_tokens"]) ? readScoredList(body.data, "relevance_score") : undefined;
    if (results !== undefined)
      return { results, totalTokens: (body as { usage?: { total_tokens?: number | null } | null }).usage?.total_tokens ?? undefined };
    const parsed = voyageResponseSchema.parse(body);
    return {
      results: parsed.data.map((r) => ({ index: r.index, score: r.relevance_score })),
      totalTokens: parsed.usage?.total_tokens ?? undefined,
    };
  },
};

/** The voyage preset: where it lives, its key and limits, and the dialect above. */
export const voyageProvider = {
  label: "Voyage AI",
  dialect: voyage,
  baseURL: "https://api.voyageai.com/v1",
  apiKeyEnv: "VOYAGE_API_KEY",
  baseURLEnv: "VOYAGE_BASE_URL",
  requiresApiKey: true,
  defaultModel: "rerank-2.5",
  maxDocumentsPerRequest: 1000,
  // "query tokens × documents + document tokens" ≤ 600K (rerank-2.5, -2) or 300K (rerank-1): the lower cap fits all.
  maxTokensPerRequest: 300_000,
  scoreKind: "probability",
  docs: "https://docs.voyageai.com/reference/reranker-api",
} satisfies ProviderPreset;
