/** Client options normalised once into plain values, so the hot path reads no defaults. */
import { RerankInputError } from "../errors.js";
import { getPreset, type ProviderId, type ProviderPreset, providerIds } from "../presets.js";
import type { RerankClientOptions } from "../client.js";

export interface ResolvedOptions {
  provider: ProviderId;
  preset: ProviderPreset;
  model: string | undefined;
  origin: string;
  /** Base URL path prefix + the dialect's path. */
  path: string;
  baseURL: string;
  /** Every header sent, auth included. Never logged or put in an error. */
  headers: Record<string, string>;
  /** Secrets to scrub from any text that reaches an error. */
  secrets: string[];
  timeoutMs: number;
  maxRetries: number;
  maxDocumentsPerRequest: number;
  maxTokensPerRequest: number | undefined;
  concurrency: number;
  maxResponseBytes: number;
  initialDelayMs: number;
  maxDelayMs: number;
  extraBody: Record<string, unknown> | undefined;
  instructMode: "native" | "prefix";
  allowListwiseSplit: boolean;
}

const USER_AGENT = "rerankit/0.1";

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

function positiveInteger(value: number | undefined, fallback: number, field: string, provider: string, allowZero = false): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new RerankInputError(`Invalid client option: ${field} must be a ${allowZero ? "non-negative" : "positive"} integer.`, { field, provider });
  }
  return value;
}

export function resolveOptions(options: RerankClientOptions, env: NodeJS.ProcessEnv = process.env): ResolvedOptions {
  if (typeof options !== "object" || options === null) {
    throw new RerankInputError("RerankClient needs an options object with a provider.", { field: "provider" });
  }
  const preset = getPreset(options.provider);
  if (!preset) {
    throw new RerankInputError(
      `Unknown provider ${JSON.stringify(options.provider)}. Known providers: ${providerIds.join(", ")}.`,
      { field: "provider" },
    );
  }
  const provider = options.provider;
  const baseURL = options.baseURL ?? preset.baseURL;
  if (!baseURL) {
    throw new RerankInputError(`${preset.label} is self-hosted: pass baseURL (e.g. "http://127.0.0.1:8080").`, { field: "baseURL", provider });
  }
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    throw new RerankInputError(`Invalid client option: baseURL is not a URL.`, { field: "baseURL", provider });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new RerankInputError(`Invalid client option: baseURL must be http(s).`, { field: "baseURL", provider });
  }
  if (url.protocol === "http:" && !isLoopback(url.hostname) && !options.allowInsecureHttp) {
    throw new RerankInputError(
      `Refusing plain http to ${url.hostname}: the API key would travel unencrypted. Use https, or set allowInsecureHttp: true for a trusted network.`,
      { field: "baseURL", provider },
    );
  }
  if (url.username || url.password) {
    throw new RerankInputError(`Invalid client option: baseURL must not contain credentials; use apiKey.`, { field: "baseURL", provider });
  }

  const envKey = preset.apiKeyEnv ? env[preset.apiKeyEnv] : undefined;
  const apiKey = options.apiKey || envKey || env.RERANK_API_KEY || undefined;
  if (!apiKey && preset.requiresApiKey) {
    throw new RerankInputError(
      `No API key for ${preset.label}: pass apiKey, or set ${preset.apiKeyEnv ? `${preset.apiKeyEnv} or ` : ""}RERANK_API_KEY.`,
      { field: "apiKey", provider },
    );
  }
  const dialect = preset.dialect;
  const auth = apiKey ? (dialect.authHeaders?.(apiKey) ?? { authorization: `Bearer ${apiKey}` }) : {};
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json",
    "user-agent": USER_AGENT,
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  Object.assign(headers, auth);
  const secrets = apiKey ? [apiKey] : [];

  const timeoutMs = options.timeoutMs ?? 60_000;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new RerankInputError(`Invalid client option: timeoutMs must be a positive number.`, { field: "timeoutMs", provider });
  }
  const prefix = url.pathname.replace(/\/+$/, "");
  return {
    provider,
    preset,
    model: options.model ?? preset.defaultModel,
    origin: url.origin,
    path: `${prefix}${dialect.path}${url.search}`,
    baseURL: `${url.origin}${prefix}`,
    headers,
    secrets,
    timeoutMs,
    maxRetries: positiveInteger(options.maxRetries, 2, "maxRetries", provider, true),
    maxDocumentsPerRequest: positiveInteger(options.maxDocumentsPerRequest, preset.maxDocumentsPerRequest, "maxDocumentsPerRequest", provider),
    maxTokensPerRequest: options.maxTokensPerRequest ?? preset.maxTokensPerRequest,
    concurrency: positiveInteger(options.concurrency, 4, "concurrency", provider),
    maxResponseBytes: positiveInteger(options.maxResponseBytes, 16 * 1024 * 1024, "maxResponseBytes", provider),
    initialDelayMs: options.backoff?.initialDelayMs ?? 500,
    maxDelayMs: options.backoff?.maxDelayMs ?? 8_000,
    extraBody: options.extraBody,
    instructMode: options.instructMode ?? "native",
    allowListwiseSplit: options.allowListwiseSplit ?? false,
  };
}
