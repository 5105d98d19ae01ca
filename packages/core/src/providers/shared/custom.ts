import type { ProviderPreset } from "./preset.js";

/**
 * A provider defined outside core: a dialect (path, body builder, reply reader) and its limits,
 * passed as `RerankClientOptions.provider` instead of a preset id. The client treats it exactly
 * like a built-in preset: deadlines, retries with `Retry-After`, redirects refused, keys scrubbed,
 * hooks, the score cache, the rate limiter and bounded concurrency all apply. `@rerankit/llm`'s
 * `LogprobReranker` is built this way (one chat completion per document).
 *
 * `id` names the provider in responses, errors, hooks and score-cache keys: give a different id
 * whenever something outside the request changes the scores (a prompt template, for example), so
 * cached scores of one never answer for the other.
 *
 * @example
 * const client = new RerankClient({ provider: { id: "my-api", label: "My API", dialect, requiresApiKey: false,
 *   maxDocumentsPerRequest: 100, scoreKind: "probability" }, baseURL: "https://rerank.example.com/v1", model: "m" });
 */
export interface CustomProvider extends Omit<ProviderPreset, "baseURLEnv"> {
  /** Names the provider in responses, errors and cache keys; must not be a built-in preset id. */
  readonly id: string;
  /** Environment variable whose value replaces `baseURL` when the caller passes none. @default none */
  readonly baseURLEnv?: string;
}

/** Whether `provider` is a {@link CustomProvider} object rather than a preset id. */
export function isCustomProvider(provider: unknown): provider is CustomProvider {
  return typeof provider === "object" && provider !== null && typeof (provider as { id?: unknown }).id === "string";
}
