export type { RerankDocument, RerankRequest, RerankResult, RerankResponse, RerankUsage, Reranker, ScoreKind } from "./types.js";
export { RerankClient, type RerankClientOptions } from "./client.js";
export { checkRerankResponse, type RerankExpectation } from "./check.js";
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
  type AdapterCallInfo,
  type AdapterOutcome,
  type AdapterOnError,
  type AdapterOptionsSplit,
  type RerankAdapterOptions,
  type RerankAdapterSettings,
  type ResolvedAdapterSettings,
} from "./adapter/index.js";
export { presets, providerIds, getPreset, type ProviderId, type ProviderPreset } from "./presets.js";
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
export { parseRetryAfter, backoffDelay, isRetryableStatus } from "./internal/retry.js";
export { estimateTokens, planBatches, deduplicate } from "./internal/batching.js";
export type { Dialect, WireRequest, WireBatch, WireResult, ProviderErrorInfo } from "./dialects/dialect.js";
export { Bm25Reranker, type Bm25RerankerOptions, tokenize as bm25Tokenize } from "./bm25/index.js";
