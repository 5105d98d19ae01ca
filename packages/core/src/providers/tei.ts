import { z } from "zod";
import type { IncomingHttpHeaders } from "node:http";
import type { Dialect } from "./shared/dialect.js";
import { compact } from "./shared/dialect.js";
import { readScoredList } from "./shared/fast-read.js";
import type { ProviderPreset } from "./shared/preset.js";

/** TEI's request body: no model, no top-N. */
export interface TeiRerankBody {
  query: string;
  texts: string[];
}

/** TEI's reply as the client reads it, with `text` when asked for (`return_text`): what `rerankit serve` writes. */
export type TeiRerankReply = (z.input<typeof teiResponseSchema>[number] & { text?: string })[];

export const teiResponseSchema = z.array(z.object({ index: z.number(), score: z.number() }));

function computeTokens(headers: IncomingHttpHeaders): number | undefined {
  const raw = headers["x-compute-tokens"];
  const value = Number(Array.isArray(raw) ? raw[0] : raw);
  return raw !== undefined && Number.isFinite(value) ? value : undefined;
}

/**
 * Hugging Face text-embeddings-inference (`POST /rerank`, no version segment): `{ query, texts }`,
 * no model and no top-N field (the client slices), a bare `[{ index, score }]` reply and usage only
 * in the `x-compute-tokens` header. `raw_scores: true` (through `extraBody`) makes scores logits.
 */
export const tei: Dialect = {
  path: "/rerank",
  acceptsInstruct: false,
  buildBody(request) {
    return compact({ query: request.query, texts: request.documents, ...request.extraBody } satisfies TeiRerankBody);
  },
  parseResponse(body, headers) {
    // Hand-read when plainly well-formed; zod otherwise (to word the error).
    const results = readScoredList(body, "score") ?? teiResponseSchema.parse(body).map((r) => ({ index: r.index, score: r.score }));
    return { results, totalTokens: computeTokens(headers) };
  },
  scoreKindFor: (extraBody) => (extraBody?.raw_scores === true ? "logit" : undefined),
  statusHint(status, info) {
    // TEI refuses more texts than its --max-client-batch-size (default 32) with 422 "batch size …",
    // and a body over --payload-limit with 413.
    if (status === 413 || (status === 422 && /batch size/i.test(info.message ?? ""))) {
      return "The server refused the batch size: lower maxDocumentsPerRequest (TEI's default --max-client-batch-size is 32).";
    }
    return undefined;
  },
};

/** The tei preset: where it lives, its key and limits, and the dialect above. */
export const teiProvider = {
  label: "Hugging Face TEI",
  dialect: tei,
  baseURL: undefined,
  apiKeyEnv: undefined,
  baseURLEnv: "TEI_BASE_URL",
  requiresApiKey: false,
  // TEI ignores the model (one per server); this name is only reported back.
  defaultModel: "default",
  // TEI's --max-client-batch-size default: more texts in one request is a 422.
  maxDocumentsPerRequest: 32,
  scoreKind: "probability",
  docs: "https://huggingface.github.io/text-embeddings-inference/",
} satisfies ProviderPreset;
