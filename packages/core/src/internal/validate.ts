/** Request validation: every bad input becomes a RerankInputError naming the field, before any I/O. */
import { z } from "zod";
import { RerankInputError } from "../errors.js";
import type { RerankRequest } from "../types.js";

const requestSchema = z.object({
  query: z.string({ error: "must be a string" }),
  documents: z.array(z.unknown(), { error: "must be an array" }),
  topN: z.number().int("must be an integer").positive("must be a positive integer").optional(),
  minScore: z.number().refine(Number.isFinite, "must be a finite number").optional(),
  instruct: z.string({ error: "must be a string" }).min(1, "must not be empty").optional(),
  model: z.string({ error: "must be a string" }).min(1, "must not be empty").optional(),
  returnDocuments: z.boolean({ error: "must be a boolean" }).optional(),
  signal: z.instanceof(AbortSignal, { error: "must be an AbortSignal" }).optional(),
  timeoutMs: z.number().positive("must be a positive number").optional(),
});

function fieldOf(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "");
}

/**
 * Checks a request and returns the text of every document. Throws RerankInputError naming the
 * first bad field, e.g. `documents[3].text`.
 */
export function validateRequest(request: RerankRequest, provider: string): string[] {
  if (typeof request !== "object" || request === null) {
    throw new RerankInputError("The rerank request must be an object.", { field: "request", provider });
  }
  const parsed = requestSchema.safeParse(request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = fieldOf(issue.path) || "request";
    throw new RerankInputError(`Invalid rerank request: ${field} ${issue.message}.`, { field, provider });
  }
  const { documents } = request;
  const texts = new Array<string>(documents.length);
  for (let i = 0; i < documents.length; i++) {
    const doc = documents[i];
    let text: unknown;
    let field = `documents[${i}]`;
    if (typeof doc === "string") text = doc;
    else if (typeof doc === "object" && doc !== null && !Array.isArray(doc)) {
      text = (doc as { text?: unknown }).text;
      field += ".text";
    } else {
      throw new RerankInputError(`Invalid rerank request: ${field} must be a string or an object with a string "text".`, { field, provider });
    }
    if (typeof text !== "string") {
      throw new RerankInputError(`Invalid rerank request: ${field} must be a string.`, { field, provider });
    }
    if (text.trim() === "") {
      throw new RerankInputError(`Invalid rerank request: ${field} is empty; rerank APIs cannot score an empty document.`, { field, provider });
    }
    texts[i] = text;
  }
  return texts;
}
