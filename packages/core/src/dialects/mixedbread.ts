import { z } from "zod";
import type { Dialect } from "./dialect.js";
import { compact } from "./dialect.js";

const mixedbreadResponseSchema = z.object({
  data: z.array(z.object({ index: z.number(), score: z.number() })),
  usage: z.object({ total_tokens: z.number().nullish(), prompt_tokens: z.number().nullish() }).nullish(),
});

/** Mixedbread (`POST /v1/reranking`): documents in `input`, top-N in `top_k`, results in `data[].score`. */
export const mixedbread: Dialect = {
  path: "/reranking",
  acceptsInstruct: false,
  buildBody(request) {
    return compact({ model: request.model, query: request.query, input: request.documents, top_k: request.topN, ...request.extraBody });
  },
  parseResponse(body) {
    const parsed = mixedbreadResponseSchema.parse(body);
    return {
      results: parsed.data.map((r) => ({ index: r.index, score: r.score })),
      totalTokens: parsed.usage?.total_tokens ?? parsed.usage?.prompt_tokens ?? undefined,
    };
  },
};
