import type { DashScopeRerankReply } from "@rerankit/core/wire";
import {
  type ParsedRerank,
  type RankedReply,
  type ServerDialect,
  invalid,
  readBoolean,
  readDocuments,
  readOptionalString,
  readQuery,
  readTopN,
  requireObject,
} from "./common.js";

/** DashScope's error codes for the statuses this server answers. */
function errorCode(status: number): string {
  if (status === 401) return "InvalidApiKey";
  if (status === 404) return "NotFound";
  if (status === 405) return "MethodNotAllowed";
  if (status === 403) return "AccessDenied";
  if (status === 429) return "Throttling";
  if (status >= 500) return "InternalError";
  return "InvalidParameter";
}

/** Seed 003's envelope, used by both DashScope forms: `{ request_id, output: { results }, usage }`. */
function reply({ requestId, request, results, totalTokens }: RankedReply) {
  return {
    request_id: requestId,
    output: {
      results: results.map(({ index, score }) => ({
        index,
        relevance_score: score,
        ...(request.returnDocuments ? { document: { text: request.documents[index]! } } : {}),
      })),
    },
    usage: { total_tokens: totalTokens },
  } satisfies DashScopeRerankReply;
}

function error(status: number, message: string, requestId: string) {
  return { code: errorCode(status), message, request_id: requestId };
}

/**
 * DashScope native text-rerank (`POST /api/v1/services/rerank/text-rerank/text-rerank`):
 * `{ model, input: { query, documents }, parameters: { top_n, return_documents, instruct } }`.
 */
export const dashscopeDialect: ServerDialect = {
  name: "dashscope",
  parse(body: unknown): ParsedRerank {
    const b = requireObject(body);
    if (b.input === undefined || b.input === null) throw invalid("input is required");
    const input = requireObject(b.input, "input");
    const parameters = b.parameters === undefined || b.parameters === null ? {} : requireObject(b.parameters, "parameters");
    return {
      query: readQuery(input.query, "input.query"),
      documents: readDocuments(input.documents, "input.documents"),
      topN: readTopN(parameters.top_n, "parameters.top_n"),
      returnDocuments: readBoolean(parameters.return_documents, "parameters.return_documents", false),
      instruct: readOptionalString(parameters.instruct, "parameters.instruct"),
      model: readOptionalString(b.model, "model"),
    };
  },
  reply,
  error,
};

/**
 * DashScope's compatible form (`POST /compatible-api/v1/reranks`): the flat body of seed 003
 * (`{ model, query, documents, top_n, return_documents, instruct }`) with the same reply envelope.
 */
export const dashscopeCompatibleDialect: ServerDialect = {
  name: "dashscope-compatible",
  parse(body: unknown): ParsedRerank {
    const b = requireObject(body);
    return {
      query: readQuery(b.query),
      documents: readDocuments(b.documents),
      topN: readTopN(b.top_n),
      returnDocuments: readBoolean(b.return_documents, "return_documents", false),
      instruct: readOptionalString(b.instruct, "instruct"),
      model: readOptionalString(b.model, "model"),
    };
  },
  reply,
  error,
};
