/** Rerankers by SPEC: `bm25` in-process, or any core preset `provider[:model][@baseURL]` through RerankClient. */
import { isLlmRerankerSpec, llmRerankerFromSpec } from "./llm-rerankers.js";
import { Bm25Reranker, getPreset, providerIds, RerankClient, type RerankClientOptions, type Reranker } from "@rerankit/core";

/** A reranker to evaluate, with the name reports use. */
export interface NamedReranker {
  /** Shown in tables and used as the TREC run tag. */
  name: string;
  /** The preset id (`"bm25"` for the in-process one): keys the price table. */
  provider: string;
  /** The model, when known. */
  model: string | undefined;
  reranker: Reranker;
}

/** Options shared by every preset reranker made from a SPEC. */
export interface RerankerSpecOptions {
  /** Base URL for presets (self-hosted ones such as `tei` have none). A SPEC's own `@URL` wins. @default the preset's */
  baseURL?: string;
  /** API key. @default the preset's environment variable in `env`, then its SDK's (`CO_API_KEY`, `JINAAI_API_KEY`), then `RERANK_API_KEY` */
  apiKey?: string;
  /** Where API keys are looked up. @default {} */
  env?: Record<string, string | undefined>;
  /** Allow `http://` to non-loopback hosts. @default false */
  allowInsecureHttp?: boolean;
  /** Per-request timeout. @default the client's */
  timeoutMs?: number;
  /** Concurrent requests within one call. @default the client's */
  concurrency?: number;
}

/**
 * Makes a reranker from a SPEC: `bm25` (core's in-process `Bm25Reranker`), or `provider[:model][@baseURL]`
 * with any preset id (`cohere:rerank-v3.5`, `tei@http://127.0.0.1:8080`, `siliconflow`). Throws a
 * `RangeError` for an unknown provider.
 */
export function rerankerFromSpec(spec: string, options: RerankerSpecOptions = {}): NamedReranker {
  const trimmed = spec.trim();
  // `logprob:<model>@<baseURL>`: an LLM reranker from @rerankit/llm (loaded on first use).
  if (isLlmRerankerSpec(trimmed)) return llmRerankerFromSpec(trimmed, options);
  if (trimmed === "bm25") return { name: "bm25", provider: "bm25", model: "rerankit-bm25", reranker: new Bm25Reranker() };
  const at = trimmed.search(/@https?:\/\//i);
  const head = at >= 0 ? trimmed.slice(0, at) : trimmed;
  const specURL = at >= 0 ? trimmed.slice(at + 1) : undefined;
  const colon = head.indexOf(":");
  const provider = colon >= 0 ? head.slice(0, colon) : head;
  const model = colon >= 0 ? head.slice(colon + 1) || undefined : undefined;
  if (!(providerIds as readonly string[]).includes(provider)) {
    throw new RangeError(
      `unknown reranker "${spec}": expected bm25 or provider[:model][@baseURL] with a provider among ${providerIds.join(", ")}`,
    );
  }
  const preset = getPreset(provider as (typeof providerIds)[number])!;
  const env = options.env ?? {};
  // The client's order: our variable, then the one the provider's own SDK reads (CO_API_KEY, JINAAI_API_KEY), then the generic one.
  const apiKey =
    options.apiKey ||
    (preset.apiKeyEnv ? env[preset.apiKeyEnv] : undefined) ||
    (preset.sdkApiKeyEnv ? env[preset.sdkApiKeyEnv] : undefined) ||
    env.RERANK_API_KEY ||
    undefined;
  const baseURL = specURL ?? options.baseURL;
  const clientOptions: RerankClientOptions = {
    provider: provider as RerankClientOptions["provider"],
    ...(model !== undefined ? { model } : {}),
    ...(apiKey !== undefined ? { apiKey } : {}),
    ...(baseURL !== undefined ? { baseURL } : {}),
    ...(options.allowInsecureHttp ? { allowInsecureHttp: true } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
  };
  return { name: trimmed, provider, model: model ?? preset.defaultModel, reranker: new RerankClient(clientOptions) };
}
