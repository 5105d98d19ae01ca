/** A language model's failure as a RerankError, so adapters' passthrough and callers' handling work as for any reranker. */
import {
  RerankAuthenticationError,
  RerankBadRequestError,
  RerankConnectionError,
  RerankError,
  RerankRateLimitError,
  RerankServerError,
} from "@rerankit/core";

/**
 * By the HTTP status the AI SDK reports (`APICallError.statusCode`), with the same classes as
 * core's status factory; no status means the request never got an answer. The original error is
 * the `cause`. (Core's factory is internal: it also reads bodies and headers we do not have here.)
 */
export function modelError(error: unknown, provider: string, attempts: number): RerankError {
  if (RerankError.isInstance(error)) return error;
  const status = (error as { statusCode?: unknown }).statusCode;
  const message = `${provider}: the language model failed: ${error instanceof Error ? error.message : String(error)}`;
  const init = { provider, status: typeof status === "number" ? status : undefined, cause: error, retryable: false, attempts };
  if (typeof status !== "number") return new RerankConnectionError(message, init);
  if (status === 401 || status === 403) return new RerankAuthenticationError(message, init);
  if (status === 429) return new RerankRateLimitError(message, init);
  if (status >= 500) return new RerankServerError(message, init);
  return new RerankBadRequestError(message, init);
}
