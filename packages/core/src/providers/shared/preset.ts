import type { ScoreKind } from "../../score-kind.js";
import type { Dialect } from "./dialect.js";

/** Everything Rerankit knows about one provider. The README's provider table is generated from these. */
export interface ProviderPreset {
  /** Display name. */
  readonly label: string;
  readonly dialect: Dialect;
  /** Default base URL, version segment included; the dialect's path is appended. Self-hosted servers have none. */
  readonly baseURL?: string;
  /** Environment variable read for the API key (then `sdkApiKeyEnv`, then `RERANK_API_KEY`). */
  readonly apiKeyEnv?: string;
  /** The variable the provider's own SDK reads for its key (e.g. Cohere's `CO_API_KEY`), read after `apiKeyEnv`. */
  readonly sdkApiKeyEnv?: string;
  /** Environment variable whose value replaces `baseURL` when the caller passes none: the id in upper case, `-` as `_`, then `_BASE_URL`. */
  readonly baseURLEnv: string;
  /** Whether a call without any key is refused before sending. */
  readonly requiresApiKey: boolean;
  readonly defaultModel?: string;
  /**
   * The server runs one model and names it in each reply, so a call need not name one (no
   * `defaultModel` is invented): `rerankit serve`. Without a model, a score cache is not used
   * (a key must say which backend scored).
   */
  readonly serverNamesModel?: boolean;
  /** Documents per request; longer lists are split into batches. */
  readonly maxDocumentsPerRequest: number;
  /** Estimated tokens (query + document, summed over a batch) per request, when the provider caps it. */
  readonly maxTokensPerRequest?: number;
  readonly scoreKind: ScoreKind;
  /** Models whose scores depend on the whole list: never split silently. */
  readonly listwiseModels?: RegExp;
  /** Where the provider documents its rerank API. */
  readonly docs?: string;
}

/**
 * A generous safety cap for providers that document no per-request limit: splitting is harmless
 * for pointwise rerankers, and a single giant body is what such APIs reject first.
 */
export const UNDOCUMENTED_LIMIT = 1000;
