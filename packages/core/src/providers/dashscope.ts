import { z } from "zod";
import type { Dialect, WireRequest } from "./shared/dialect.js";
import { compact, requireModel } from "./shared/dialect.js";
import { readResultsBody, resultsDialect } from "./shared/results.js";
import type { ProviderPreset } from "./shared/preset.js";

/** DashScope's native request body: `input: { query, documents }`, options under `parameters`. */
export interface DashScopeRerankBody {
  model: string;
  input: { query: string; documents: string[] };
  parameters?: { top_n?: number | undefined; instruct?: string | undefined } | undefined;
}

const resultItem = z.object({ index: z.number(), relevance_score: z.number() });
const nativeSchema = z.object({
  request_id: z.string().nullish(),
  output: z.object({ results: z.array(resultItem) }),
  usage: z.object({ total_tokens: z.number().nullish() }).nullish(),
});

/** DashScope's native reply as the client reads it (a result may carry its `document`): what `rerankit serve` writes. */
export type DashScopeRerankReply = Omit<z.input<typeof nativeSchema>, "output"> & {
  output: { results: { index: number; relevance_score: number; document?: { text: string } }[] };
};

/**
 * Reads DashScope's `{ request_id, output: { results }, usage }`, or the flat `results` envelope
 * (seed 003 documents a flat request with the native response: both are accepted by both dialects).
 */
export function readDashScopeBody(body: unknown) {
  if (typeof body === "object" && body !== null && "output" in body) {
    const parsed = nativeSchema.parse(body);
    return {
      results: parsed.output.results.map((r) => ({ index: r.index, score: r.relevance_score })),
      totalTokens: parsed.usage?.total_tokens ?? undefined,
      requestId: parsed.request_id ?? undefined,
    };
  }
  return readResultsBody(body);
}

/** Alibaba DashScope native text-rerank: `{ model, input: { query, documents }, parameters }`. */
export const dashscope: Dialect = {
  path: "/services/rerank/text-rerank/text-rerank",
  acceptsInstruct: true,
  buildBody(request: WireRequest) {
    const parameters = compact({ top_n: request.topN, instruct: request.instruct });
    return compact({
      model: requireModel(request),
      input: { query: request.query, documents: request.documents },
      parameters: Object.keys(parameters).length > 0 ? parameters : undefined,
      ...request.extraBody,
    } satisfies DashScopeRerankBody);
  },
  parseResponse: readDashScopeBody,
};

/** DashScope's OpenAI-compatible form: `POST /compatible-api/v1/reranks`, flat body with `instruct`. */
export const dashscopeCompatible: Dialect = {
  ...resultsDialect({ path: "/reranks", instructField: "instruct" }),
  parseResponse: readDashScopeBody,
};

/** The dashscope preset: where it lives, its key and limits, and the dialect above. */
export const dashscopeProvider = {
  label: "Alibaba DashScope (native)",
  dialect: dashscope,
  baseURL: "https://dashscope.aliyuncs.com/api/v1",
  apiKeyEnv: "DASHSCOPE_API_KEY",
  baseURLEnv: "DASHSCOPE_BASE_URL",
  requiresApiKey: true,
  defaultModel: "qwen3-rerank",
  maxDocumentsPerRequest: 500,
  maxTokensPerRequest: 30_000,
  scoreKind: "probability",
  docs: "https://help.aliyun.com/zh/model-studio/text-rerank-api",
} satisfies ProviderPreset;
