/** Request validation: every bad input becomes a RerankInputError naming the field, before any I/O. */
import { z } from "zod";
import { RerankInputError } from "../errors.js";
import type { RerankRequest } from "../types.js";

export const requestSchema = z.object({
  query: z.string({ error: "must be a string" }),
  documents: z.array(z.unknown(), { error: "must be an array" }),
  topN: z.number().int("must be an integer").positive("must be a positive integer").optional(),
  minScore: z.number().refine(Number.isFinite, "must be a finite number").optional(),
  instruct: z.string({ error: "must be a string" }).min(1, "must not be empty").optional(),
  model: z.string({ error: "must be a string" }).min(1, "must not be empty").optional(),
  returnDocuments: z.boolean({ error: "must be a boolean" }).optional(),
  signal: z.instanceof(AbortSignal, { error: "must be an AbortSignal" }).optional(),
  timeoutMs: z.number().positive("must be a positive number").optional(),
  extraBody: z.record(z.string(), z.unknown(), { error: "must be an object" }).optional(),
  hooks: z.custom<object>((v) => typeof v === "object" && v !== null, { error: "must be an object" }).optional(),
});

/**
 * The same rules as `requestSchema`, by hand, for the common case of a valid request: zod's
 * safeParse copies the request and its documents array on every call (about 3 µs and 50+
 * allocations for 50 documents). Only a request that fails here goes through zod, whose issue
 * names the field; one that passes here always passes zod.
 */
export function plainlyValid(r: RerankRequest): boolean {
  return (
    typeof r.query === "string" &&
    Array.isArray(r.documents) &&
    (r.topN === undefined || (Number.isSafeInteger(r.topN) && r.topN > 0)) &&
    (r.minScore === undefined || (typeof r.minScore === "number" && Number.isFinite(r.minScore))) &&
    (r.instruct === undefined || (typeof r.instruct === "string" && r.instruct.length > 0)) &&
    (r.model === undefined || (typeof r.model === "string" && r.model.length > 0)) &&
    (r.returnDocuments === undefined || typeof r.returnDocuments === "boolean") &&
    (r.signal === undefined || r.signal instanceof AbortSignal) &&
    (r.timeoutMs === undefined || (typeof r.timeoutMs === "number" && Number.isFinite(r.timeoutMs) && r.timeoutMs > 0)) &&
    (r.extraBody === undefined || isPlainObject(r.extraBody)) &&
    (r.hooks === undefined || (typeof r.hooks === "object" && r.hooks !== null))
  );
}

/**
 * zod's record refuses class instances (a Map, an AbortSignal), so the fast path takes only plain
 * objects; anything else goes through zod, which words the error.
 */
function isPlainObject(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** What each request field must be, as the error message says it. */
const RULES = {
  query: "must be a string",
  documents: 'must be an array of strings or objects with a string "text"',
  topN: "must be a positive integer",
  minScore: "must be a finite number",
  instruct: "must be a non-empty string",
  model: "must be a non-empty string",
  returnDocuments: "must be a boolean",
  signal: "must be an AbortSignal",
  timeoutMs: "must be a positive number",
  extraBody: "must be an object",
  hooks: "must be an object of hook functions",
} satisfies Record<keyof RerankRequest, string>;

function fieldOf(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
    .join("")
    .replace(/^\./, "");
}

/**
 * Checks a request and returns the text of every document. Throws RerankInputError naming the
 * first bad field, e.g. `documents[3].text`.
 */
export function validateRequest(request: RerankRequest, provider: string): string[] {
  if (typeof request !== "object" || request === null) {
    throw new RerankInputError("The rerank request must be an object.", { field: "request", provider });
  }
  const parsed = plainlyValid(request) ? undefined : requestSchema.safeParse(request);
  if (parsed !== undefined && !parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = fieldOf(issue.path) || "request";
    // Our own words for each field: a schema library's ("expected number, received NaN") never reaches the caller.
    const rule = Object.hasOwn(RULES, field) ? RULES[field as keyof typeof RULES] : "is not valid";
    throw new RerankInputError(`Invalid rerank request: ${field} ${rule}.`, { field, provider });
  }
  const { documents } = request;
  const texts = new Array<string>(documents.length);
  for (let i = 0; i < documents.length; i++) {
    const doc = documents[i];
    const text = typeof doc === "string" ? doc : typeof doc === "object" && doc !== null && !Array.isArray(doc) ? doc.text : undefined;
    // The usual case, a non-blank string, costs two checks; the field name is built only for an error.
    if (typeof text !== "string" || text.trim() === "") throw documentError(doc, text, i, provider);
    texts[i] = text;
  }
  return texts;
}

/** A blank query has nothing to rank by: an input error (checked only when there are documents). */
export function checkQuery(query: string, provider: string): void {
  if (query.trim() === "") {
    throw new RerankInputError("Invalid rerank request: query must not be empty or only whitespace.", { field: "query", provider });
  }
}

function documentError(doc: unknown, text: unknown, i: number, provider: string): RerankInputError {
  if (typeof doc !== "string" && (typeof doc !== "object" || doc === null || Array.isArray(doc))) {
    const field = `documents[${i}]`;
    return new RerankInputError(`Invalid rerank request: ${field} must be a string or an object with a string "text".`, {
      field,
      provider,
    });
  }
  const field = typeof doc === "string" ? `documents[${i}]` : `documents[${i}].text`;
  if (typeof text !== "string") {
    // A LangChain Document (or anything else with pageContent) passed straight to the core client.
    const hint =
      typeof doc === "object" && doc !== null && typeof (doc as { pageContent?: unknown }).pageContent === "string"
        ? ` This looks like a LangChain document: pass { text: doc.pageContent } (or use RerankCompressor from @rerankit/langchain).`
        : "";
    return new RerankInputError(`Invalid rerank request: ${field} must be a string.${hint}`, { field, provider });
  }
  return new RerankInputError(`Invalid rerank request: ${field} is empty; rerank APIs cannot score an empty document.`, {
    field,
    provider,
  });
}
