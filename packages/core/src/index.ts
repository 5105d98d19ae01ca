/**
 * The public surface of @rerankit/core: the contract in DESIGN.md, plus deliberate extension
 * points (the `Reranker` interface, the result checker, hooks). Internals (batch planning, retry
 * timing, wire types) are not exported; tests import them by path.
 */
export type {
  RerankDocument,
  RerankRequest,
  RerankResult,
  RerankResponse,
  RerankUsage,
  Reranker,
  ScoreKind,
  RerankClientOptions,
  RerankHooks,
  RerankCallInfo,
} from "./types.js";
export { RerankClient } from "./client.js";
export { checkRerankResponse, type RerankExpectation } from "./check.js";
export { combineHooks } from "./hooks.js";
// The adapter kit: settings split and checks, owned vs borrowed reranker, passthrough (see adapter/).
export {
  RerankAdapterCore,
  retrievalOrder,
  isPassthroughError,
  isClosedClientError,
  adapterOptionError,
  checkCallSettings,
  readAdapterOptions,
  type AdapterCall,
  type AdapterCallHooks,
  type AdapterOutcome,
  type RerankAdapterCoreOptions,
  type AdapterOnError,
  type AdapterOptionsSplit,
  type RerankAdapterOptions,
  type RerankAdapterSettings,
  type ResolvedAdapterSettings,
} from "./adapter/index.js";
// The ranking kit: request check, documents → texts, scores → a checked, sorted, cut response (see ranking/).
export { checkRankingRequest, rankingResponse, type RankingRequest, type RankingResponseInit } from "./ranking/index.js";
export { presets, providerIds, getPreset, type ProviderId, type ProviderPreset } from "./presets.js";
// A deliberate extension point: a dialect defined outside core, run by RerankClient with all of its
// transport and policy (@rerankit/llm's LogprobReranker is one). Wire types stay plain values.
export type { CustomProvider } from "./providers/shared/custom.js";
export type { Dialect, WireRequest, WireBatch, WireResult, ProviderErrorInfo } from "./providers/shared/dialect.js";
/** The reply header by which a server (`rerankit serve`) says its scores depend on the whole list. */
export { LIST_DEPENDENT_HEADER } from "./providers/shared/dialect.js";
export {
  RerankError,
  RerankAuthenticationError,
  RerankRateLimitError,
  RerankBadRequestError,
  RerankServerError,
  RerankTimeoutError,
  RerankConnectionError,
  RerankResponseError,
  RerankInputError,
  type RerankErrorInit,
} from "./errors.js";
/** A request's estimated tokens, for a server whose reranker counts none (the local server's usage). */
export { estimateRerankTokens } from "./usage.js";
export { Bm25Reranker, type Bm25RerankerOptions, tokenize as bm25Tokenize } from "./bm25/index.js";
export {
  Bm25Index,
  type Bm25IndexDocument,
  type Bm25IndexOptions,
  type Bm25SearchOptions,
  type Bm25Hit,
  englishAnalyzer,
  LUCENE_ENGLISH_STOP_WORDS,
} from "./bm25/index.js";
// Fleet scale (issue 15): the score cache and rate-limit contracts with their in-memory
// implementations, and prices. The Redis and Keyv implementations live in @rerankit/redis.
export type { ScoreCache, ScoreCacheOperationOptions } from "./cache/types.js";
export { scoreCacheKeys, type ScoreContext } from "./cache/key.js";
export { memoryScoreCache, type MemoryScoreCacheOptions } from "./cache/memory.js";
export { cachedReranker, type CachedRerankerOptions } from "./cache/reranker.js";
export type { RateLimitBudget, RateLimitDecision, RateLimitOptions, RateLimitStore } from "./rate-limit/types.js";
export { memoryRateLimitStore } from "./rate-limit/memory-store.js";
export { publishedPrices, priceFor, costOf, type Currency, type ModelPrice, type RerankCost } from "./pricing.js";
/** Long documents: the option's type, and the published model windows its default reads. */
export type { LongDocumentsOptions, WindowAggregate } from "./long-documents/windows.js";
export { modelWindow, MODEL_WINDOWS, type ModelWindow } from "./long-documents/model-windows.js";
// Calibrated relevance (issue 22): a profile fitted by `rerankit eval --calibration-out`, applied at run time.
export {
  calibrated,
  loadCalibration,
  checkCalibrationProfile,
  calibrationMap,
  CALIBRATION_FORMAT,
  type CalibrationProfile,
  type CalibratedOptions,
} from "./calibration/index.js";
