import type { ResultsRerankReply } from "@rerankit/core/wire";
import {
  type ParsedRerank,
  type RankedReply,
  type ServerDialect,
  readBoolean,
  readDocuments,
  readOptionalString,
  readQuery,
  readTopN,
  requireObject,
} from "./common.js";

/** Cohere bills one search unit per query and up to 100 documents. */
function searchUnits(documents: number): number {
  return Math.max(1, Math.ceil(documents / 100));
}

/** Reads the Cohere/Jina family body (`{ model, query, documents, top_n, return_documents, instruct | instruction }`). */
export function parseCohereBody(body: unknown): ParsedRerank {
  const b = requireObject(body);
  return {
    query: readQuery(b.query),
    documents: readDocuments(b.documents),
    topN: readTopN(b.top_n),
    returnDocuments: readBoolean(b.return_documents, "return_documents", false),
    instruct: readOptionalString(b.instruct, "instruct") ?? readOptionalString(b.instruction, "instruction"),
    model: readOptionalString(b.model, "model"),
  };
}

/**
 * The Cohere/Jina family (`/v1/rerank`, `/v2/rerank`, `/rerank`): replies with `id`, `results`,
 * `meta` (the official Cohere clients read it) and Jina-style `usage`. Errors are `{ message }`.
 */
export function cohereDialect(apiVersion: "1" | "2"): ServerDialect {
  return {
    name: `cohere-v${apiVersion}`,
    parse: parseCohereBody,
    reply({ requestId, request, results, model, totalTokens }: RankedReply) {
      return {
        id: requestId,
        model,
        results: results.map(({ index, score }) => ({
          index,
          relevance_score: score,
          ...(request.returnDocuments ? { document: { text: request.documents[index]! } } : {}),
        })),
        meta: {
          api_version: { version: apiVersion },
          billed_units: { search_units: searchUnits(request.documents.length) },
        },
        usage: { total_tokens: totalTokens },
      } satisfies ResultsRerankReply;
    },
    error(_status, message) {
      return { message };
    },
  };
}
