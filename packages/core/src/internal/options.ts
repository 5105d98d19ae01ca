/** Client options normalised once into plain values, so the hot path reads no defaults. */
import { RerankInputError } from "../errors.js";
import { getPreset, type ProviderId, type ProviderPreset, providerIds } from "../presets.js";
import type { RerankClientOptions } from "../client.js";
import type { Endpoint } from "./replicas.js";
import type { RetryBudgetOptions } from "./retry-budget.js";

export interface ResolvedOptions {
  provider: ProviderId;
  preset: ProviderPreset;
  model: string | undefined;
  origin: string;
  /** Base URL path prefix + the dialect's path. */
  path: string;
  baseURL: string;
  /** Every replica of a `baseURL` list (one entry for a single URL); the first is origin/path above. */
  endpoints: Endpoint[];
  replicaCoolDownMs: number;
  /** Undefined when the budget is switched off (`retryBudget: false`). */
  retryBudget: RetryBudgetOptions | undefined;
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
/** Header names whose values are credentials, scrubbed from errors like the API key. */
const SECRET_HEADER = /authorization|api[-_]?key|token|secret|password|cookie/i;

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

function positiveInteger(value: number | undefined, fallback: number, field: string, provider: string, allowZero = false): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new RerankInputError(`Invalid client option: ${field} must be a ${allowZero ? "non-negative" : "positive"} integer.`, {
      field,
      provider,
    });
  }
  return value;
}

function nonNegativeNumber(value: number | undefined, fallback: number, field: string, provider: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RerankInputError(`Invalid client option: ${field} must be a non-negative number.`, { field, provider });
  }
  return value;
}

function resolveRetryBudget(budget: RerankClientOptions["retryBudget"], provider: string): RetryBudgetOptions | undefined {
  if (budget === false) return undefined;
  if (budget !== undefined && (typeof budget !== "object" || budget === null)) {
    throw new RerankInputError(`Invalid client option: retryBudget must be an object or false.`, { field: "retryBudget", provider });
  }
  return {
    ratio: nonNegativeNumber(budget?.ratio, 0.2, "retryBudget.ratio", provider),
    minRetriesPerSecond: nonNegativeNumber(budget?.minRetriesPerSecond, 10, "retryBudget.minRetriesPerSecond", provider),
  };
}

/** Parses one base URL and applies the transport rules: http(s) only, no credentials, no plain http off loopback unless allowed. */
function checkBaseURL(baseURL: unknown, field: string, provider: string, allowInsecureHttp: boolean): URL {
  let url: URL;
  try {
    if (typeof baseURL !== "string") throw new TypeError("not a string");
    url = new URL(baseURL);
  } catch {
    throw new RerankInputError(`Invalid client option: ${field} is not a URL.`, { field, provider });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new RerankInputError(`Invalid client option: ${field} must be http(s).`, { field, provider });
  }
  if (url.protocol === "http:" && !isLoopback(url.hostname) && !allowInsecureHttp) {
    throw new RerankInputError(
      `Refusing plain http to ${url.hostname}: the API key would travel unencrypted. Use https, or set allowInsecureHttp: true for a trusted network.`,
      { field, provider },
    );
  }
  if (url.username || url.password) {
    throw new RerankInputError(`Invalid client option: ${field} must not contain credentials; use apiKey.`, { field, provider });
  }
  return url;
}

export function resolveOptions(options: RerankClientOptions, env: NodeJS.ProcessEnv = process.env): ResolvedOptions {
  if (typeof options !== "object" || options === null) {
    throw new RerankInputError("RerankClient needs an options object with a provider.", { field: "provider" });
  }
  const preset = getPreset(options.provider);
  if (!preset) {
    throw new RerankInputError(`Unknown provider ${JSON.stringify(options.provider)}. Known providers: ${providerIds.join(", ")}.`, {
      field: "provider",
    });
  }
  const provider = options.provider;
  const baseURLs = options.baseURL ?? preset.baseURL;
  const urlList = Array.isArray(baseURLs) ? baseURLs : baseURLs === undefined || baseURLs === "" ? [] : [baseURLs];
  if (urlList.length === 0) {
    throw new RerankInputError(
      Array.isArray(baseURLs)
        ? `Invalid client option: baseURL is an empty list; give at least one URL.`
        : `${preset.label} is self-hosted: pass baseURL (e.g. "http://127.0.0.1:8080").`,
      { field: "baseURL", provider },
    );
  }
  const urls = urlList.map((u, i) =>
    checkBaseURL(u, urlList.length > 1 ? `baseURL[${i}]` : "baseURL", provider, options.allowInsecureHttp === true),
  );

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
  // A key passed through `headers` (a gateway's own header) is as secret as `apiKey`.
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (SECRET_HEADER.test(name) && typeof value === "string") secrets.push(value, value.replace(/^(Bearer|Basic|Token)\s+/i, ""));
  }

  const timeoutMs = options.timeoutMs ?? 60_000;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new RerankInputError(`Invalid client option: timeoutMs must be a positive number.`, { field: "timeoutMs", provider });
  }
  const endpoints: Endpoint[] = urls.map((url) => {
    const prefix = url.pathname.replace(/\/+$/, "");
    return { origin: url.origin, path: `${prefix}${dialect.path}${url.search}`, baseURL: `${url.origin}${prefix}` };
  });
  const first = endpoints[0]!;
  return {
    provider,
    preset,
    model: options.model ?? preset.defaultModel,
    origin: first.origin,
    path: first.path,
    baseURL: first.baseURL,
    endpoints,
    replicaCoolDownMs: nonNegativeNumber(options.replicaCoolDownMs, 5_000, "replicaCoolDownMs", provider),
    retryBudget: resolveRetryBudget(options.retryBudget, provider),
    headers,
    secrets,
    timeoutMs,
    maxRetries: positiveInteger(options.maxRetries, 2, "maxRetries", provider, true),
    maxDocumentsPerRequest: positiveInteger(
      options.maxDocumentsPerRequest,
      preset.maxDocumentsPerRequest,
      "maxDocumentsPerRequest",
      provider,
    ),
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
