import { z } from "zod";
import type { Dialect } from "./shared/dialect.js";
import { compact, requireModel } from "./shared/dialect.js";
import { type ProviderPreset, UNDOCUMENTED_LIMIT } from "./shared/preset.js";

/** The reranking NIM's request body: `query` and `passages` as `{ text }`. */
export interface NimRankingBody {
  model: string;
  query: { text: string };
  passages: { text: string }[];
}

const nimResponseSchema = z.object({
  rankings: z.array(z.object({ index: z.number(), logit: z.number() })),
  usage: z.object({ total_tokens: z.number().nullish(), prompt_tokens: z.number().nullish() }).nullish(),
});

/**
 * NVIDIA NeMo Retriever reranking NIM (`POST /v1/ranking`): `query: { text }`, `passages: [{ text }]`,
 * no top-N field (the client slices), and `rankings: [{ index, logit }]`: raw logits.
 * `truncate: "END"` (through `extraBody`) truncates long passages instead of failing.
 */
export const nvidiaNim: Dialect = {
  path: "/ranking",
  acceptsInstruct: false,
  buildBody(request) {
    return compact({
      model: requireModel(request),
      query: { text: request.query },
      passages: request.documents.map((text) => ({ text })),
      ...request.extraBody,
    } satisfies NimRankingBody);
  },
  parseResponse(body) {
    const parsed = nimResponseSchema.parse(body);
    return {
      results: parsed.rankings.map((r) => ({ index: r.index, score: r.logit })),
      totalTokens: parsed.usage?.total_tokens ?? parsed.usage?.prompt_tokens ?? undefined,
    };
  },
};

/** The nvidia-nim preset: where it lives, its key and limits, and the dialect above. */
export const nvidiaNimProvider = {
  label: "NVIDIA NIM (reranking)",
  dialect: nvidiaNim,
  baseURL: undefined,
  apiKeyEnv: "NVIDIA_API_KEY",
  baseURLEnv: "NVIDIA_NIM_BASE_URL",
  requiresApiKey: false,
  defaultModel: undefined,
  maxDocumentsPerRequest: UNDOCUMENTED_LIMIT,
  scoreKind: "logit",
  docs: "https://docs.nvidia.com/nim/nemo-retriever/text-reranking/latest/using-reranking.html",
} satisfies ProviderPreset;
