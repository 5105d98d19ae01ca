import type { TeiRerankReply } from "@rerankit/core/wire";
import { type ParsedRerank, type RankedReply, type ServerDialect, readBoolean, readDocuments, readQuery, requireObject } from "./common.js";

/** TEI's `error_type` for a status: its server uses these names. */
function errorType(status: number): string {
  if (status === 401 || status === 403) return "Unauthorized";
  if (status === 429) return "Overloaded";
  if (status === 503) return "Unhealthy";
  if (status === 413 || (status >= 400 && status < 500)) return "Validation";
  return "Backend";
}

/**
 * Hugging Face Text Embeddings Inference: `{ query, texts, return_text?, raw_scores?, truncate? }`
 * in, a bare array `[{ index, score, text? }]` out (sorted by score). Errors are
 * `{ error, error_type }`. TEI has no `top_n`: every text is scored.
 */
export const teiDialect: ServerDialect = {
  name: "tei",
  parse(body: unknown): ParsedRerank {
    const b = requireObject(body);
    return {
      query: readQuery(b.query),
      documents: readDocuments(b.texts, "texts", false),
      topN: undefined,
      returnDocuments: readBoolean(b.return_text, "return_text", false),
      instruct: undefined,
      model: undefined,
    };
  },
  reply({ request, results }: RankedReply) {
    return results.map(({ index, score }) => ({
      index,
      score,
      ...(request.returnDocuments ? { text: request.documents[index]! } : {}),
    })) satisfies TeiRerankReply;
  },
  error(status, message) {
    return { error: message, error_type: errorType(status) };
  },
};

/** A body in TEI form: it names `texts` and no `documents` (llama.cpp switches the same way). */
export function isTeiBody(body: unknown): boolean {
  return typeof body === "object" && body !== null && !Array.isArray(body) && "texts" in body && !("documents" in body);
}
