/** Client options normalised once into plain values, so the hot path reads no defaults. */
import type { Dispatcher } from "undici";
import type { ScoreCache } from "../cache/types.js";
import { RerankInputError } from "../errors.js";
import { resolveHooks } from "../hooks.js";
import type { ModelPrice } from "../pricing.js";
import { collidingField } from "../providers/shared/extra-body.js";
import type { RateLimitOptions } from "../rate-limit/types.js";
import type { FetchFunction } from "../transport/fetch.js";
import { runtimeEnv } from "./env.js";
import { type ResolvedLongDocuments, resolveLongDocuments } from "../long-documents/windows.js";
import { getPreset, type ProviderId, type ProviderPreset, providerIds } from "../presets.js";
import type { RerankClientOptions, RerankHooks } from "../types.js";
import type { Endpoint } from "../policy/replicas.js";
import type { BackoffOptions } from "../policy/retry.js";
import type { RetryBudgetOptions } from "../policy/retry-budget.js";
import { headerSecrets, redactURL } from "../transport/redact.js";
import type { ScoreKind } from "../types.js";
import { isCustomProvider } from "../providers/shared/custom.js";

export interface ResolvedOptions {
  /** A preset id, or a custom provider's `id`. */
  provider: ProviderId | (string & {});
  preset: ProviderPreset | (Omit<ProviderPreset, "baseURLEnv"> & { baseURLEnv?: string });
  model: string | undefined;
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
  /** Sockets per origin in the client's own Agent. */
  connectionsPerOrigin: number;
  maxResponseBytes: number;
  backoff: BackoffOptions;
  /** The score scale of this client's replies (the preset's, or what `extraBody` implies). */
  scoreKind: ScoreKind;
  extraBody: Record<string, unknown> | undefined;
  instructMode: "native" | "prefix";
  allowListwiseSplit: boolean;
  /** Undefined when `longDocuments` is off. */
  longDocuments: ResolvedLongDocuments | undefined;
  cache: ScoreCache | undefined;
  /** The caller's `price` (a price per model is picked per call: the model may differ). */
  price: ModelPrice | Record<string, ModelPrice> | undefined;
  rateLimit: RateLimitOptions | undefined;
  /** The client's hooks, guarded (and the `DEBUG=rerankit` logger): undefined when none. */
  hooks: RerankHooks | undefined;
  fetch: FetchFunction | undefined;
  dispatcher: Dispatcher | undefined;
}

const USER_AGENT = "rerankit/0.1";
/** Header names whose values are credentials, scrubbed from errors like the API key. */
const SECRET_HEADER = /authorization|api[-_]?key|token|secret|password|cookie/i;

/** Headers whose values never carry a credential; every other header value is scrubbed from errors. */
const HARMLESS_HEADERS = new Set([
  "content-type",
  "accept",
  "accept-encoding",
  "accept-language",
  "user-agent",
  "cache-control",
  "x-request-id",
  "x-correlation-id",
  "traceparent",
  "tracestate",
]);

/** Sockets per origin when the client owns its Agent (`connectionsPerOrigin`). */
export const DEFAULT_CONNECTIONS_PER_ORIGIN = 256;

/** The longest wait a Node timer can hold (about 24.8 days); longer deadlines mean "no deadline". */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** An HTTP header name (RFC 9110 token) and a value without line breaks or NUL. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_HEADER_VALUE = /[\r\n\0]/;

function checkHeaders(headers: Record<string, string> | undefined, provider: string): void {
  for (const [name, value] of Object.entries(headers ?? {})) {
    const field = `headers.${name}`;
    if (!HEADER_NAME.test(name))
      throw new RerankInputError(`Invalid client option: ${JSON.stringify(name)} is not a header name.`, { field: "headers", provider });
    // The value is never quoted: it may be a credential.
    if (typeof value !== "string" || BAD_HEADER_VALUE.test(value)) {
      throw new RerankInputError(`Invalid client option: ${field} must be a string without line breaks.`, { field, provider });
    }
  }
}

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

export function resolveOptions(options: RerankClientOptions, env: Record<string, string | undefined> = runtimeEnv()): ResolvedOptions {
  if (typeof options !== "object" || options === null) {
    throw new RerankInputError("RerankClient needs an options object with a provider.", { field: "provider" });
  }
  // A custom provider (a dialect defined outside core, see providers/shared/custom.ts) or a preset id.
  const custom = isCustomProvider(options.provider) ? options.provider : undefined;
  if (custom !== undefined && (getPreset(custom.id) !== undefined || custom.id.trim() === "")) {
    throw new RerankInputError(
      `Invalid client option: a custom provider's id must be non-blank and not a preset id (${JSON.stringify(custom.id)}).`,
      {
        field: "provider",
      },
    );
  }
  const preset = custom ?? getPreset(options.provider as string);
  if (!preset) {
    throw new RerankInputError(`Unknown provider ${JSON.stringify(options.provider)}. Known providers: ${providerIds.join(", ")}.`, {
      field: "provider",
    });
  }
  const provider = custom?.id ?? (options.provider as ProviderId);
  // The preset's own base-URL variable (e.g. SILICONFLOW_BASE_URL) stands in for a baseURL not passed.
  const envBaseURL = (preset.baseURLEnv === undefined ? undefined : env[preset.baseURLEnv]?.trim()) || undefined;
  const baseURLs = options.baseURL ?? envBaseURL ?? preset.baseURL;
  const urlList = Array.isArray(baseURLs) ? baseURLs : baseURLs === undefined || baseURLs === "" ? [] : [baseURLs];
  if (urlList.length === 0) {
    throw new RerankInputError(
      Array.isArray(baseURLs)
        ? `Invalid client option: baseURL is an empty list; give at least one URL.`
        : `${preset.label} is self-hosted: pass baseURL (e.g. "http://127.0.0.1:8080")${preset.baseURLEnv ? `, or set ${preset.baseURLEnv}` : ""}.`,
      { field: "baseURL", provider },
    );
  }
  const urls = urlList.map((u, i) =>
    checkBaseURL(u, urlList.length > 1 ? `baseURL[${i}]` : "baseURL", provider, options.allowInsecureHttp === true),
  );

  checkHeaders(options.headers, provider);
  // Our variable first, then the one the provider's own SDK reads (CO_API_KEY, JINAAI_API_KEY), then the generic one.
  const envKey = (preset.apiKeyEnv ? env[preset.apiKeyEnv] : undefined) || (preset.sdkApiKeyEnv ? env[preset.sdkApiKeyEnv] : undefined);
  // Trimmed: a key read from a file or pasted into .env often ends in a newline.
  const apiKey = (options.apiKey || envKey || env.RERANK_API_KEY || "").trim() || undefined;
  if (apiKey !== undefined && BAD_HEADER_VALUE.test(apiKey)) {
    throw new RerankInputError(`Invalid client option: apiKey must not contain line breaks.`, { field: "apiKey", provider });
  }
  // A caller may authenticate through `headers` instead (a gateway's own auth header).
  const authInHeaders = Object.keys(options.headers ?? {}).some((name) => SECRET_HEADER.test(name));
  if (!apiKey && !authInHeaders && preset.requiresApiKey) {
    throw new RerankInputError(
      `No API key for ${preset.label}: pass apiKey, or set ${[preset.apiKeyEnv, preset.sdkApiKeyEnv, "RERANK_API_KEY"].filter(Boolean).join(" or ")}.`,
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
  // Every header value is as secret as `apiKey` (a gateway's own auth header may have any name),
  // the auth headers built from the key included, except a few that never carry a credential.
  for (const [name, value] of Object.entries(headers)) {
    if (!HARMLESS_HEADERS.has(name) && typeof value === "string") secrets.push(...headerSecrets(value));
  }

  const requestedTimeoutMs = options.timeoutMs ?? 60_000;
  if (typeof requestedTimeoutMs !== "number" || !(requestedTimeoutMs > 0)) {
    throw new RerankInputError(`Invalid client option: timeoutMs must be a positive number.`, { field: "timeoutMs", provider });
  }
  const timeoutMs = Math.min(requestedTimeoutMs, MAX_TIMEOUT_MS);
  const endpoints: Endpoint[] = urls.map((url) => {
    const prefix = url.pathname.replace(/\/+$/, "");
    const path = `${prefix}${dialect.path}${url.search}`;
    return { origin: url.origin, path, baseURL: `${url.origin}${prefix}`, url: redactURL(`${url.origin}${path}`, secrets) };
  });
  if (options.fetch !== undefined && typeof options.fetch !== "function") {
    throw new RerankInputError(`Invalid client option: fetch must be a function (a fetch implementation).`, { field: "fetch", provider });
  }
  if (options.fetch !== undefined && options.dispatcher !== undefined) {
    throw new RerankInputError(`Invalid client options: give fetch or dispatcher, not both.`, { field: "fetch", provider });
  }
  checkExtraBody(options.extraBody, preset.dialect, "extraBody", provider);
  return {
    provider,
    preset,
    model: options.model ?? preset.defaultModel,
    baseURL: endpoints[0]!.baseURL,
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
    maxTokensPerRequest:
      options.maxTokensPerRequest === undefined
        ? preset.maxTokensPerRequest
        : positiveInteger(options.maxTokensPerRequest, 0, "maxTokensPerRequest", provider),
    concurrency: positiveInteger(options.concurrency, 4, "concurrency", provider),
    connectionsPerOrigin: positiveInteger(options.connectionsPerOrigin, DEFAULT_CONNECTIONS_PER_ORIGIN, "connectionsPerOrigin", provider),
    maxResponseBytes: positiveInteger(options.maxResponseBytes, 16 * 1024 * 1024, "maxResponseBytes", provider),
    backoff: {
      initialDelayMs: nonNegativeNumber(options.backoff?.initialDelayMs, 500, "backoff.initialDelayMs", provider),
      maxDelayMs: nonNegativeNumber(options.backoff?.maxDelayMs, 8_000, "backoff.maxDelayMs", provider),
    },
    scoreKind: dialect.scoreKindFor?.(options.extraBody) ?? preset.scoreKind,
    extraBody: options.extraBody,
    instructMode: options.instructMode ?? "native",
    allowListwiseSplit: options.allowListwiseSplit ?? false,
    longDocuments: options.longDocuments === undefined ? undefined : resolveLongDocuments(options.longDocuments, provider),
    cache: checkCache(options.cache, provider),
    price: checkObject(options.price, "price", provider),
    rateLimit: checkObject(options.rateLimit, "rateLimit", provider),
    hooks: resolveHooks(checkObject(options.hooks, "hooks", provider), env),
    fetch: options.fetch as FetchFunction | undefined,
    dispatcher: options.dispatcher,
  };
}

function checkObject<T>(value: T | undefined, field: string, provider: string): T | undefined {
  if (value !== undefined && (typeof value !== "object" || value === null)) {
    throw new RerankInputError(`Invalid client option: ${field} must be an object.`, { field, provider });
  }
  return value;
}

function checkCache(cache: ScoreCache | undefined, provider: string): ScoreCache | undefined {
  if (cache === undefined) return undefined;
  if (typeof cache?.getMany !== "function" || typeof cache.setMany !== "function") {
    throw new RerankInputError(`Invalid client option: cache must be a ScoreCache (getMany and setMany).`, { field: "cache", provider });
  }
  return cache;
}

/**
 * `extraBody` (the client's or a request's) must be a plain object and must not replace a field
 * the call fills (see providers/shared/extra-body.ts): the ranking would be of other texts.
 */
export function checkExtraBody(
  extraBody: unknown,
  dialect: ProviderPreset["dialect"],
  field: string,
  provider: string,
): asserts extraBody is Record<string, unknown> | undefined {
  if (extraBody === undefined) return;
  if (typeof extraBody !== "object" || extraBody === null || Array.isArray(extraBody)) {
    throw new RerankInputError(`Invalid ${field}: it must be an object of extra body fields.`, { field, provider });
  }
  const key = collidingField(dialect, extraBody as Record<string, unknown>);
  if (key !== undefined) {
    throw new RerankInputError(
      `Invalid ${field}: ${JSON.stringify(key)} is a field the call fills itself (the query, the documents, the model or the top-N); set it through the request, not ${field}.`,
      { field: `${field}.${key}`, provider },
    );
  }
}
