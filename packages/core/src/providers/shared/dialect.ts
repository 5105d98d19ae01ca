import type { IncomingHttpHeaders } from "node:http";
import type { ScoreKind } from "../../score-kind.js";

/** What a dialect is asked to send: one batch, already validated and de-duplicated. */
export interface WireRequest {
  query: string;
  documents: string[];
  /** Undefined only for a server that runs one model and names it in its reply (`rerankit serve`). */
  model: string | undefined;
  /** Set when the caller asked for a top-N (clamped to the batch size); never 0. */
  topN?: number | undefined;
  instruct?: string | undefined;
  /** Extra provider fields from the `extraBody` option, merged into the body last. */
  extraBody?: Record<string, unknown> | undefined;
}

/** One result as the provider reported it, `index` relative to the batch. */
export interface WireResult {
  index: number;
  score: number;
}

/** A provider response read into plain values. Indices are checked by the client, not here. */
export interface WireBatch {
  results: WireResult[];
  totalTokens?: number | undefined;
  searchUnits?: number | undefined;
  requestId?: string | undefined;
  /** The model the reply says scored it, where the dialect carries one. */
  model?: string | undefined;
  /** The server said its scores depend on the whole list (`rerankit serve` with BM25): see `LIST_DEPENDENT_HEADER`. */
  listDependent?: boolean | undefined;
}

/**
 * The reply header by which a server says whether its scores depend on the whole list sent
 * (`true`: BM25, whose idf is computed over the list) or not (`false`: a cross-encoder). A client
 * with a score cache then caches whole lists only. `rerankit serve` sends it on every reply.
 */
export const LIST_DEPENDENT_HEADER = "x-rerankit-list-dependent";

/** What an error body said. */
export interface ProviderErrorInfo {
  message?: string | undefined;
  code?: string | undefined;
  requestId?: string | undefined;
}

/**
 * A rerank wire format. One file per dialect holds its request mapping, its zod response schema
 * and its usage reading; the client never branches on the provider.
 */
export interface Dialect {
  /** Path appended to the base URL, e.g. `/rerank`. */
  readonly path: string;
  /** Whether the provider has its own instruction field (else `instruct` is an input error). */
  readonly acceptsInstruct: boolean;
  /** Builds the JSON body for one batch. */
  buildBody(request: WireRequest): Record<string, unknown>;
  /** Reads a 2xx JSON body. Throws (a ZodError or a RerankResponseError) when the shape is wrong. */
  parseResponse(body: unknown, headers: IncomingHttpHeaders): WireBatch;
  /** Auth headers for a key. Default: `Authorization: Bearer <key>`. */
  authHeaders?(apiKey: string): Record<string, string>;
  /** Score scale implied by the client's `extraBody` (e.g. TEI's `raw_scores: true` → `"logit"`); undefined: the preset's. */
  scoreKindFor?(extraBody: Record<string, unknown> | undefined): ScoreKind | undefined;
  /** Advice appended to an error message for this provider's own statuses (e.g. TEI's 413/422 batch limit). */
  statusHint?(status: number, info: ProviderErrorInfo): string | undefined;
}

/** Drops undefined fields so they are never sent as `null` (several servers reject `top_n: null`). */
export function compact<T extends Record<string, unknown>>(body: T): T {
  for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
  return body;
}

/**
 * The request's model, for a dialect whose body needs one. Only a preset with `serverNamesModel`
 * sends none, and its dialect does not call this; the client checks for a model before any body
 * is built, so this throwing means a preset and its dialect disagree.
 */
export function requireModel(request: WireRequest): string {
  if (request.model === undefined) throw new TypeError("this dialect needs a model: its preset must not set serverNamesModel");
  return request.model;
}
