/**
 * What every server-side dialect shares: the parsed request, the ranked reply it formats, and the
 * checks that turn a malformed body into a 4xx the caller's own client understands.
 */

/** A rerank request read from any dialect's body. Documents are plain texts. */
export interface ParsedRerank {
  query: string;
  documents: string[];
  /** A positive integer, or undefined for "all documents". */
  topN: number | undefined;
  returnDocuments: boolean;
  instruct: string | undefined;
  model: string | undefined;
}

/** What a dialect needs to write its reply. Results are sorted and already cut to `topN`. */
export interface RankedReply {
  requestId: string;
  request: ParsedRerank;
  results: { index: number; score: number }[];
  model: string;
  totalTokens: number;
}

/** One wire format as the server speaks it. */
export interface ServerDialect {
  readonly name: string;
  /** Reads a parsed JSON body. Throws a {@link RequestError} naming the bad field. */
  parse(body: unknown): ParsedRerank;
  /** The 2xx JSON reply. */
  reply(ranked: RankedReply): unknown;
  /** The JSON error body for `status`, in this dialect's own shape. */
  error(status: number, message: string, requestId: string): unknown;
}

/** A request the server refuses: its status and a message safe to send back. */
export class RequestError extends Error {
  override readonly name = "RequestError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function invalid(message: string): RequestError {
  return new RequestError(400, message);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The body must be a JSON object. */
export function requireObject(body: unknown, what = "the request body"): Record<string, unknown> {
  if (!isRecord(body)) throw invalid(`${what} must be a JSON object`);
  return body;
}

/** `query`: a string. A blank one is the ranking kit's to refuse (an error only with documents to rank). */
export function readQuery(value: unknown, field = "query"): string {
  if (value === undefined || value === null) throw invalid(`${field} is required`);
  if (typeof value !== "string") throw invalid(`${field} must be a string`);
  return value;
}

/** `documents`: an array of strings or `{ text: string }` objects (other keys ignored). */
export function readDocuments(value: unknown, field = "documents", allowObjects = true): string[] {
  if (value === undefined || value === null) throw invalid(`${field} is required`);
  if (!Array.isArray(value)) throw invalid(`${field} must be an array`);
  return value.map((item: unknown, i) => {
    if (typeof item === "string") return item;
    if (allowObjects && isRecord(item) && typeof item.text === "string") return item.text;
    throw invalid(allowObjects ? `${field}[${i}] must be a string or an object with a string text` : `${field}[${i}] must be a string`);
  });
}

/** `top_n`: absent or null means all documents; otherwise a positive integer. */
export function readTopN(value: unknown, field = "top_n"): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw invalid(`${field} must be a positive integer`);
  }
  return value;
}

export function readBoolean(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "boolean") throw invalid(`${field} must be a boolean`);
  return value;
}

export function readOptionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalid(`${field} must be a string`);
  return value;
}
