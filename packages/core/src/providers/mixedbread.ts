import { z } from "zod";
import type { Dialect } from "./shared/dialect.js";
import { compact, requireModel } from "./shared/dialect.js";
import { isNullishCounts, isRecord, readScoredList } from "./shared/fast-read.js";
import type { ProviderPreset } from "./shared/preset.js";

/** Mixedbread's request body: documents in `input`, top-N in `top_k`. */
export interface MixedbreadRerankBody {
  model: string;
  query: string;
  input: string[];
  top_k?: number | undefined;
}

export const mixedbreadResponseSchema = z.object({
  data: z.array(z.object({ index: z.number(), score: z.number() })),
  usage: z.object({ total_tokens: z.number().nullish(), prompt_tokens: z.number().nullish() }).nullish(),
});

/** Mixedbread (`POST /v1/reranking`): documents in `input`, top-N in `top_k`, results in `data[].score`. */
export const mixedbread: Dialect = {
  path: "/reranking",
  acceptsInstruct: false,
  buildBody(request) {
    return compact({
      model: requireModel(request),
      query: request.query,
      input: request.documents,
      top_k: request.topN,
      ...request.extraBody,
    } satisfies MixedbreadRerankBody);
  },
  parseResponse(body) {
    // Hand-read when plainly well-formed; zod otherwise (to word the error).
    const results =
      isRecord(body) && isNullishCounts(body.usage, ["total_tokens", "prompt_tokens"]) ? readScoredList(body.data, "score") : undefined;
    if (results !== undefined) {
      const usage = (body as { usage?: { total_tokens?: number | null; prompt_tokens?: number | null } | null }).usage;
      return { results, totalTokens: usage?.total_tokens ?? usage?.prompt_tokens ?? undefined };
    }
    const parsed = mixedbreadResponseSchema.parse(body);
    return {
      results: parsed.data.map((r) => ({ index: r.index, score: r.score })),
      totalTokens: parsed.usage?.total_tokens ?? parsed.usage?.prompt_tokens ?? undefined,
    };
  },
};

/** The mixedbread preset: where it lives, its key and limits, and the dialect above. */
export const mixedbreadProvider = {
  label: "Mixedbread",
  dialect: mixedbread,
  baseURL: "https://api.mixedbread.com/v1",
  apiKeyEnv: "MXBAI_API_KEY",
  baseURLEnv: "MIXEDBREAD_BASE_URL",
  requiresApiKey: true,
  defaultModel: "mixedbread-ai/mxbai-rerank-large-v2",
  maxDocumentsPerRequest: 1000,
  scoreKind: "probability",
  docs: "https://www.mixedbread.com/api-reference/endpoints/reranking",
} satisfies ProviderPreset;
