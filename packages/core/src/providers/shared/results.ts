import { z } from "zod";
import type { Dialect, WireBatch, WireRequest } from "./dialect.js";
import { compact } from "./dialect.js";
import { isNullishCounts, isNullishString, isRecord, readScoredList } from "./fast-read.js";

/**
 * The Cohere/Jina family's response: `results[]` of `{ index, relevance_score, document? }`.
 * Usage arrives in several places across the family; every one is optional and may be null.
 */
const count = z.number().nullish();
export const resultsResponseSchema = z.object({
  id: z.string().nullish(),
  model: z.string().nullish(),
  request_id: z.string().nullish(),
  results: z.array(z.object({ index: z.number(), relevance_score: z.number() })),
  usage: z.object({ total_tokens: count, prompt_tokens: count, input_tokens: count }).nullish(),
  tokens: z.object({ input_tokens: count }).nullish(),
  meta: z
    .object({
      billed_units: z.object({ search_units: count }).nullish(),
      tokens: z.object({ input_tokens: count }).nullish(),
    })
    .nullish(),
});

type ResultsResponse = z.infer<typeof resultsResponseSchema>;

/**
 * The Cohere/Jina family's reply as the client reads it, with the fields servers send beside
 * (`model`, a result's `document`, Cohere's `meta.api_version`): what `rerankit serve` writes.
 */
export type ResultsRerankReply = Omit<z.input<typeof resultsResponseSchema>, "results" | "meta"> & {
  model?: string;
  results: { index: number; relevance_score: number; document?: { text: string } }[];
  meta?: NonNullable<z.input<typeof resultsResponseSchema>["meta"]> & { api_version?: { version: string } };
};

/** First reported token count among the family's usage blocks (zero-valued blocks included). */
export function readTokens(body: Pick<ResultsResponse, "usage" | "tokens" | "meta">): number | undefined {
  return (
    body.usage?.total_tokens ??
    body.usage?.prompt_tokens ??
    body.usage?.input_tokens ??
    body.tokens?.input_tokens ??
    body.meta?.tokens?.input_tokens ??
    undefined
  );
}

const TOTALS = ["total_tokens", "prompt_tokens", "input_tokens"] as const;
const INPUT_TOKENS = ["input_tokens"] as const;
const SEARCH_UNITS = ["search_units"] as const;

/**
 * The common, plainly valid reply read by hand (what `resultsResponseSchema` accepts, never more),
 * or `undefined` for zod to read or word the error.
 */
export function readResultsFast(body: unknown): WireBatch | undefined {
  if (!isRecord(body)) return undefined;
  const { id, request_id, usage, tokens, meta, model } = body;
  if (!isNullishString(id) || !isNullishString(request_id) || !isNullishString(model)) return undefined;
  if (!isNullishCounts(usage, TOTALS) || !isNullishCounts(tokens, INPUT_TOKENS)) return undefined;
  let searchUnits: number | undefined;
  if (meta !== undefined && meta !== null) {
    if (!isRecord(meta) || !isNullishCounts(meta.billed_units, SEARCH_UNITS) || !isNullishCounts(meta.tokens, INPUT_TOKENS))
      return undefined;
    searchUnits = (meta.billed_units as { search_units?: number | null } | null | undefined)?.search_units ?? undefined;
  }
  const results = readScoredList(body.results, "relevance_score");
  if (results === undefined) return undefined;
  return {
    results,
    totalTokens: readTokens(body as Pick<ResultsResponse, "usage" | "tokens" | "meta">),
    searchUnits,
    requestId: (request_id as string | null | undefined) ?? (id as string | null | undefined) ?? undefined,
    model: (model as string | null | undefined) ?? undefined,
  };
}

export function readResultsBody(body: unknown): WireBatch {
  const fast = readResultsFast(body);
  if (fast !== undefined) return fast;
  const parsed = resultsResponseSchema.parse(body);
  return {
    results: parsed.results.map((r) => ({ index: r.index, score: r.relevance_score })),
    totalTokens: readTokens(parsed),
    searchUnits: parsed.meta?.billed_units?.search_units ?? undefined,
    requestId: parsed.request_id ?? parsed.id ?? undefined,
    model: parsed.model ?? undefined,
  };
}

/** The request body of the Cohere/Jina family (`POST …/rerank`), as the providers document it. */
export interface ResultsRerankBody {
  /** Absent only for `rerankit serve`, which answers with the one model it runs. */
  model?: string | undefined;
  query: string;
  documents: string[];
  /** Never 0 and never null: undefined fields are dropped before sending. */
  top_n?: number | undefined;
}

/**
 * A dialect of the `POST …/rerank { model, query, documents, top_n }` family.
 * `instructField` names the provider's own instruction field, if it has one.
 */
export function resultsDialect(options: { path?: string; instructField?: string }): Dialect {
  const { instructField } = options;
  return {
    path: options.path ?? "/rerank",
    acceptsInstruct: instructField !== undefined,
    buildBody(request: WireRequest) {
      return compact({
        model: request.model,
        query: request.query,
        documents: request.documents,
        top_n: request.topN,
        ...(instructField && request.instruct !== undefined ? { [instructField]: request.instruct } : {}),
        ...request.extraBody,
      } satisfies ResultsRerankBody);
    },
    parseResponse: readResultsBody,
  };
}
