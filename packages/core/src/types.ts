/**
 * Public types of @rerankit/core. They are camelCase and free of any wire format: each dialect
 * maps them to and from its provider's own JSON.
 */

import type { RerankCost } from "./pricing.js";

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
}

/** One ranked document. */
export interface RerankResult {
  /** Position of the document in the request's `documents`. */
  index: number;
  /** The provider's relevance score: higher is more relevant. */
  relevanceScore: number;
  /** The caller's document, when `returnDocuments` was set. */
  document?: RerankDocument;
}

/**
 * What a score means: `probability` is 0..1, `logit` is an unbounded raw score, `unknown` is any
 * other scale (for example BM25). Never compare thresholds across kinds.
 */
export type ScoreKind = "probability" | "logit" | "unknown";

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
  /** Sorted by `relevanceScore` descending, ties by `index` ascending; indices unique and in range. */
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
