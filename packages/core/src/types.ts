import type { Dispatcher } from "undici";
import type { RerankError } from "./errors.js";
import type { LongDocumentsOptions } from "./long-documents/windows.js";
import type { ProviderId } from "./provider-ids.js";
import type { CustomProvider } from "./providers/shared/custom.js";
import type { ScoreCache } from "./cache/types.js";
import type { ModelPrice, RerankCost } from "./pricing.js";
import type { RateLimitOptions } from "./rate-limit/types.js";
import type { CalibrationProfile } from "./calibration/profile.js";

/**
 * Public types of @rerankit/core. They are camelCase and free of any wire format: each dialect
 * maps them to and from its provider's own JSON.
 */

/** A document to rerank: a string, or an object whose `text` is what gets ranked. */
export type RerankDocument = string | { text: string; [key: string]: unknown };

/** What one `rerank()` call asks for. */
export interface RerankRequest {
  /** The search query the documents are ranked against. */
  query: string;
  /** The candidates, usually the chunks a retriever found. An empty list gives an empty result. */
  documents: RerankDocument[];
  /**
   * Keep only the best `topN` results. A positive integer; clamped to `documents.length`.
   * @default all documents
   */
  topN?: number;
  /** Drop results whose score (as the provider reports it, see `scoreKind`) is below this. */
  minScore?: number;
  /**
   * A task instruction for instruction-following rerankers (Qwen3), sent in the provider's own field.
   * @example "Given a web search query, retrieve relevant passages that answer the query."
   */
  instruct?: string;
  /** Overrides the client's model for this call. */
  model?: string;
  /** Attach each input document to its result (the caller's own object, never the server's echo). */
  returnDocuments?: boolean;
  /** Cancels the call; it then rejects with the signal's reason, as `fetch` does. */
  signal?: AbortSignal;
  /** Overrides the client's deadline (retries and waits included) for this call. */
  timeoutMs?: number;
  /**
   * Provider fields sent as they are with this call's requests, over the client's `extraBody`.
   * Part of the score cache's key, and read for `scoreKind`; a key the call fills itself (the
   * query, the documents, the model, the top-N, in any dialect's names) is a RerankInputError.
   * @default none
   * @example { max_chunks_per_doc: 4 }
   */
  extraBody?: Record<string, unknown>;
  /**
   * Hooks for this call only, run after the client's own (see {@link RerankHooks}); a hook that
   * throws never breaks the call. This is how an adapter traces the attempts of a client it
   * borrows. Honoured by `RerankClient`; other rerankers may ignore it.
   * @default none
   * @example { onRetry: ({ attempt, delayMs }) => span.addEvent("retry", { attempt, delayMs }) }
   */
  hooks?: RerankHooks;
}

/** One ranked document. */
export interface RerankResult {
  /** Position of the document in the request's `documents`. */
  index: number;
  /** The provider's relevance score: higher is more relevant. */
  relevanceScore: number;
  /** The caller's document, when `returnDocuments` was set. */
  document?: RerankDocument;
  /**
   * With `longDocuments: { reportWindow: true }`, for a document that was split: which of its
   * windows (0-based, in document order) scored best.
   */
  window?: number;
  /**
   * With a calibration (`calibrated()` or the client's `calibration`): the reranker's own score,
   * before the map turned it into `relevanceScore`.
   */
  rawScore?: number;
}

// In its own file so that provider files can name it without importing this one (no import circle).
export type { ScoreKind } from "./score-kind.js";
import type { ScoreKind } from "./score-kind.js";

/** What a call consumed. */
export interface RerankUsage {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Tokens the provider reported, summed over requests, when it reports any. */
  totalTokens?: number;
  /** Cohere's billed search units, summed over requests. */
  searchUnits?: number;
  /** Distinct texts whose score came from the client's `cache` (set only with a cache). */
  cacheHits?: number;
  /** Distinct texts the cache did not have, sent to the provider (set only with a cache). */
  cacheMisses?: number;
  /**
   * What the call cost, from the model's price (published, or the client's `price`); `estimated`
   * when the provider reported no count and the planner's estimate stood in.
   */
  cost?: RerankCost;
}

/** The result of one `rerank()` call. */
export interface RerankResponse {
  /**
   * Sorted by `relevanceScore` descending, ties by `index` ascending (calibrated results: ties by
   * `rawScore` descending first); indices unique and in range.
   */
  results: RerankResult[];
  model: string;
  provider: string;
  scoreKind: ScoreKind;
  usage: RerankUsage;
  /** Provider request ids seen, in the order the requests were sent. */
  requestIds: string[];
}

/** Anything that can rerank: a {@link RerankClient}, a {@link Bm25Reranker}, or your own. */
export interface Reranker {
  rerank(request: RerankRequest): Promise<RerankResponse>;
}

/** Options of {@link RerankClient}. Only `provider` is required. */
export interface RerankClientOptions {
  /**
   * A preset: base URL, dialect, auth, limits and API-key env var. Or a {@link CustomProvider}
   * object: a dialect defined outside core (the extension point `@rerankit/llm` builds on).
   * @example "siliconflow"
   */
  provider: ProviderId | CustomProvider;
  /** Model id. @default the preset's default model, if it has one (the `rerankit` preset has none: its server names the model it runs) */
  model?: string;
  /** API key. @default the preset's env var (e.g. `SILICONFLOW_API_KEY`), then `RERANK_API_KEY` */
  apiKey?: string;
  /**
   * Replaces the preset's base URL; the dialect's path is appended. A list is a pool of equivalent
   * replicas (self-hosted servers with no load balancer): requests go round-robin, and a replica
   * that fails with a connection error or a 5xx is skipped for `replicaCoolDownMs` while the
   * retry goes to the next one. Every URL obeys the same rules (https, or http to loopback).
   * @example "http://127.0.0.1:8080/v1"
   * @example ["http://10.0.0.5:8000/v1", "http://10.0.0.6:8000/v1"] // with allowInsecureHttp on a trusted network
   */
  baseURL?: string | string[];
  /** How long a replica of a `baseURL` list is skipped after a connection error or a 5xx. @default 5000 */
  replicaCoolDownMs?: number;
  /**
   * A retry budget shared by all calls of this client: retries may add at most `ratio` × first
   * attempts (over a sliding ~10 s window), plus `minRetriesPerSecond`, so during an outage the
   * client stops multiplying the load. A retry refused by the budget fails the call with the
   * error it had. `false` turns the budget off (only `maxRetries` limits retries).
   * @default { ratio: 0.2, minRetriesPerSecond: 10 }
   * @example { ratio: 0.1, minRetriesPerSecond: 2 }
   */
  retryBudget?: { ratio?: number; minRetriesPerSecond?: number } | false;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** Deadline for one `rerank()` call, retries and waits included. @default 60000 */
  timeoutMs?: number;
  /** Retries after the first attempt, on 408, 429, 5xx (not 501) and connection errors. @default 2 */
  maxRetries?: number;
  /** Documents per HTTP request; longer lists are split and merged. @default the preset's limit */
  maxDocumentsPerRequest?: number;
  /** Estimated tokens (query + document, summed) per request. @default the preset's limit, if any */
  maxTokensPerRequest?: number;
  /** Parallel batch requests within one call. @default 4 */
  concurrency?: number;
  /** Allow `http://` to a host that is not loopback. @default false */
  allowInsecureHttp?: boolean;
  /** Cap on a response body; larger bodies are a RerankResponseError. @default 16 MiB */
  maxResponseBytes?: number;
  /** A transport of your own (a proxy agent, a MockAgent). @default one keep-alive Agent per client */
  dispatcher?: Dispatcher;
  /**
   * Send every request through this `fetch` (the AI SDK's convention): an instrumented fetch, a
   * proxying one, or the runtime's own. The same deadlines, aborts, size cap, redirect refusal and
   * retries apply. Not with `dispatcher`.
   * @default undici where it loads (Node, Bun, Deno), else `globalThis.fetch` (edge runtimes)
   * @example fetch: (input, init) => fetch(input, { ...init, keepalive: true })
   */
  fetch?: typeof globalThis.fetch;
  /**
   * Split documents longer than a window into overlapping windows, score the windows with
   * everything else, and give each document the aggregate of its windows' scores.
   * @default off
   * @example { maxTokens: 480, overlapTokens: 48, aggregate: "max" }
   */
  longDocuments?: LongDocumentsOptions;
  /**
   * Most sockets the client's own Agent opens to one origin; further requests wait for a free
   * socket. It keeps an origin that accepts no connections from taking every socket the process
   * has (each pending connection attempt also ends when no call is left waiting for it, and never
   * outlives the latest deadline of those calls). Ignored when you pass `dispatcher`.
   * @default 256
   */
  connectionsPerOrigin?: number;
  /**
   * Provider fields sent as they are with every request, merged into the body last. A key the
   * call fills itself (the query, the documents, the model, the top-N, in the generic or the
   * dialect's own names) is a RerankInputError.
   * @example { return_documents: false, max_chunks_per_doc: 5 }
   */
  extraBody?: Record<string, unknown>;
  /** Backoff between retries (a server's `Retry-After` always wins). @default { initialDelayMs: 500, maxDelayMs: 8000 } */
  backoff?: { initialDelayMs?: number; maxDelayMs?: number };
  /**
   * What to do with `instruct` for a provider that has no instruction field: `"native"` refuses
   * with a RerankInputError; `"prefix"` prepends it to the query (`"<instruct>\n<query>"`).
   * @default "native"
   */
  instructMode?: "native" | "prefix";
  /** Allow splitting a listwise model's list (its scores then depend on the split). @default false */
  allowListwiseSplit?: boolean;
  /**
   * Per-document score cache: a call sends only the documents it has no score for and merges
   * cached and fresh scores into one ranking. Listwise models are never cached. A failing or slow
   * cache never fails a call (it is reported through `hooks.onWarning`). `close()` never closes it.
   * @default none
   * @example memoryScoreCache({ maxEntries: 50_000 }) // or redisScoreCache(...) from @rerankit/redis
   */
  cache?: ScoreCache;
  /**
   * Requests and estimated tokens allowed in any 60-second window, checked before every attempt
   * (retries included); a call waits for room up to its deadline, then fails with a
   * RerankRateLimitError (`code: "LOCAL_RATE_LIMIT"`). With a shared `store`
   * (`redisRateLimitStore` from `@rerankit/redis`) the limits hold for every process using it, and
   * a 429 with Retry-After pauses them all.
   * @default none
   * @example { requestsPerMinute: 2_000, tokensPerMinute: 500_000 }
   */
  rateLimit?: RateLimitOptions;
  /**
   * The price behind `usage.cost`: one price for every model, or one per model id.
   * @default the preset's published price for the model (pricing.ts), if it has one
   * @example { currency: "USD", perMillionTokens: 0.05 }
   */
  price?: ModelPrice | Record<string, ModelPrice>;
  /**
   * Callbacks fired at each stage of a call (start, each HTTP request and response, each retry,
   * the result or the error). Combine several sets with `combineHooks`. A hook that throws never
   * breaks the call. With no hooks set, no event object is built.
   * @default none (`DEBUG=rerankit` adds a stderr logger)
   * @example { onRetry: ({ attempt, delayMs, error }) => console.warn(attempt, delayMs, error.message) }
   */
  hooks?: RerankHooks;
  /**
   * A calibration profile (from `loadCalibration`, fitted by `rerankit eval --calibration-out`):
   * each result's `relevanceScore` becomes the probability that the hit is relevant, `rawScore`
   * keeps the provider's score, `scoreKind` is `"calibrated"` and `minScore` compares
   * probabilities. Checked when the client is built; a profile fitted for another provider or model
   * warns through `hooks.onWarning`. Hooks see the provider's own scores.
   * @default none
   * @example calibration: await loadCalibration("calibration/cohere_rerank-v3.5.calibration.json")
   */
  calibration?: CalibrationProfile;
}

/**
 * Who a hook event belongs to: one `rerank()` call (of a `RerankClient`, or of an adapter, whose
 * reranker may be your own).
 */
export interface RerankCallInfo {
  /** Unique per call within the process (e.g. `"rr-12"`; an adapter's calls are `"rerank-3"`). */
  readonly id: string;
  /** The provider. Always set by a `RerankClient`; undefined for a custom reranker that exposes none. */
  readonly provider: string | undefined;
  /** The model. Set by a `RerankClient` unless the server names it in its reply (the `rerankit` preset without `model`); undefined when a custom reranker's is not known. */
  readonly model: string | undefined;
  /** Documents in the request (before de-duplication). */
  readonly documents: number;
  readonly topN?: number | undefined;
  readonly minScore?: number | undefined;
}

/**
 * Callbacks fired by the stages of a `rerank()` call. `attempt` counts from 1 per batch, `batch`
 * from 0. `url` never contains a key. A hook that throws is reported once through `onWarning`
 * (or on stderr with `DEBUG=rerankit`) and never breaks the call.
 */
export interface RerankHooks {
  /** Once per call, after the request is validated, before anything is sent. */
  onCallStart?(event: { call: RerankCallInfo; request: RerankRequest }): void;
  /** Before each HTTP request (first attempts and retries). */
  onRequest?(event: { call: RerankCallInfo; attempt: number; batch: number; url: string; documents: number }): void;
  /** After each HTTP response arrived (any status). */
  onResponse?(event: {
    call: RerankCallInfo;
    attempt: number;
    batch: number;
    status: number;
    durationMs: number;
    requestId?: string;
  }): void;
  /** When a failed attempt will be retried after `delayMs`. */
  onRetry?(event: { call: RerankCallInfo; attempt: number; batch: number; delayMs: number; error: RerankError }): void;
  /** Once per successful call. */
  onResult?(event: { call: RerankCallInfo; response: RerankResponse; durationMs: number }): void;
  /** Once per failed call (the error it rejects with). */
  onError?(event: { call: RerankCallInfo; error: unknown; durationMs: number }): void;
  /** Something worth knowing that did not fail the call (e.g. a hook that threw). */
  onWarning?(event: { call?: RerankCallInfo; message: string; error?: unknown }): void;
}
