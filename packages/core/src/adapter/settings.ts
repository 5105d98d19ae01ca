import { RerankInputError } from "../errors.js";
import type { RerankClientOptions } from "../types.js";
import type { Reranker } from "../types.js";

/** What an adapter does when a rerank fails: rethrow, or keep the retrieval order. */
export type AdapterOnError = "throw" | "passthrough";

/**
 * The settings every framework adapter shares, beside the client options. Each is checked by
 * {@link readAdapterOptions} with one rule and one message, whatever the adapter.
 */
export interface RerankAdapterSettings {
  /**
   * Any {@link Reranker}: a shared `RerankClient`, a `Bm25Reranker`, or your own. It is borrowed:
   * the adapter's `close()` leaves it open. Beside it, only `model` of the client options is
   * allowed (sent as `RerankRequest.model` on every call); any other client option is an error.
   * @default a `RerankClient` built from the client options, owned and closed by the adapter
   */
  reranker?: Reranker | undefined;
  /**
   * Keep only the best `topN` results. A positive integer.
   * @default all documents
   * @example 5
   */
  topN?: number | undefined;
  /**
   * Drop results scoring below this, on the provider's own scale (see `RerankResponse.scoreKind`).
   * A finite number.
   * @default no threshold
   * @example 0.3
   */
  minScore?: number | undefined;
  /**
   * A task instruction for instruction-following rerankers (Qwen3), sent in the provider's own
   * field. A string with some non-space text.
   * @default none
   * @example "Given a web search query, retrieve relevant passages that answer the query."
   */
  instruct?: string | undefined;
  /**
   * `"throw"` rethrows a failed rerank; `"passthrough"` returns the inputs in retrieval order
   * (`topN` applied, no scores) when the rerank API fails (any `RerankError`) or the query is
   * blank. Other bad input, a closed client, an abort and a bug still throw
   * ({@link isPassthroughError}).
   * @default "throw"
   */
  onError?: AdapterOnError | undefined;
}

/** An adapter's options: the shared settings and, without a `reranker`, the client options. */
export type RerankAdapterOptions = RerankAdapterSettings & Partial<RerankClientOptions>;

/** The shared settings, checked and defaulted. */
export interface ResolvedAdapterSettings {
  topN: number | undefined;
  minScore: number | undefined;
  instruct: string | undefined;
  onError: AdapterOnError;
  /** `model` given beside a borrowed reranker: sent on every request. */
  model: string | undefined;
}

/** What {@link readAdapterOptions} splits an adapter's options into. */
export interface AdapterOptionsSplit<K extends string> {
  settings: ResolvedAdapterSettings;
  /** The borrowed reranker, when one was given. */
  reranker: Reranker | undefined;
  /** Client options (defined values only), when no reranker was given. */
  clientOptions: RerankClientOptions | undefined;
  /** The adapter's own keys, unchecked: the adapter checks them with {@link adapterOptionError}. */
  framework: { [P in K]?: unknown };
}

const SHARED_KEYS: ReadonlySet<string> = new Set(["reranker", "topN", "minScore", "instruct", "onError"]);

/**
 * A `RerankInputError` for a bad setting, worded the same in every adapter:
 * `"<field> must be <what>; got <a short description of the value>."`. The value itself is never
 * echoed for strings (a setting may hold text you would not log).
 *
 * @example throw adapterOptionError("scoreKey", "a non-empty string", options.scoreKey);
 */
export function adapterOptionError(field: string, what: string, value: unknown): RerankInputError {
  return new RerankInputError(`${field} must be ${what}; got ${describeValue(value)}.`, { field });
}

/** A short, safe description of a value for a message: numbers as they are, strings by shape. */
export function describeValue(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return value.trim() === "" ? (value === "" ? "an empty string" : "a blank string") : "a string";
  if (value === null || value === undefined || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return "an array";
  if (typeof value === "function") return "a function";
  return typeof value === "object" ? "an object" : typeof value;
}

/**
 * Checks the settings every adapter shares (`topN`, `minScore`, `instruct`, `onError`, each with
 * one rule: see {@link checkCallSettings}) and splits an adapter's options into those settings,
 * the borrowed `reranker` or the client options to build one, and the adapter's own keys.
 *
 * @param options What the user passed to the adapter's constructor.
 * @param frameworkKeys The adapter's own option names (e.g. `["scoreKey"]`): neither shared
 *   settings nor client options.
 * @throws RerankInputError naming the first bad field.
 */
export function readAdapterOptions<K extends string>(options: unknown, frameworkKeys: readonly K[] = []): AdapterOptionsSplit<K> {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw adapterOptionError("options", "an object with a reranker or a provider", options);
  }
  const given = options as Record<string, unknown>;
  const { topN, minScore, instruct } = checkCallSettings(given);
  const onError = given.onError ?? "throw";
  if (onError !== "throw" && onError !== "passthrough") {
    throw adapterOptionError("onError", '"throw" or "passthrough"', onError);
  }
  const framework: { [P in K]?: unknown } = {};
  const client: Record<string, unknown> = {};
  const own = new Set<string>(frameworkKeys);
  for (const [key, value] of Object.entries(given)) {
    if (own.has(key)) framework[key as K] = value;
    else if (!SHARED_KEYS.has(key) && value !== undefined) client[key] = value;
  }
  const settings: ResolvedAdapterSettings = { topN, minScore, instruct, onError, model: undefined };
  const reranker = given.reranker;
  if (reranker === undefined) {
    if (client.provider === undefined) {
      throw new RerankInputError("provider is missing: pass a provider (with its client options) or a reranker.", { field: "provider" });
    }
    return { settings, reranker: undefined, clientOptions: client as unknown as RerankClientOptions, framework };
  }
  if (typeof reranker !== "object" || reranker === null || typeof (reranker as Partial<Reranker>).rerank !== "function") {
    throw adapterOptionError("reranker", "an object with a rerank(request) method", reranker);
  }
  const { model, ...rest } = client;
  const clash = Object.keys(rest)[0];
  if (clash !== undefined) {
    throw new RerankInputError(
      `${clash} is a client option: configure the reranker you pass instead, or leave reranker out (only model may be given beside a reranker).`,
      { field: clash },
    );
  }
  if (model !== undefined && (typeof model !== "string" || model.trim() === "")) {
    throw adapterOptionError("model", "a non-blank string", model);
  }
  settings.model = model as string | undefined;
  return { settings, reranker: reranker as Reranker, clientOptions: undefined, framework };
}

/**
 * The one rule for `topN` (a positive integer), `minScore` (a finite number) and `instruct` (a
 * string with non-space text), used for constructor settings and per-call overrides alike.
 * Undefined is "not set".
 *
 * @throws RerankInputError naming the first bad field.
 */
export function checkCallSettings(settings: { topN?: unknown; minScore?: unknown; instruct?: unknown }): {
  topN: number | undefined;
  minScore: number | undefined;
  instruct: string | undefined;
} {
  const { topN, minScore, instruct } = settings;
  if (topN !== undefined && !(typeof topN === "number" && Number.isSafeInteger(topN) && topN > 0)) {
    throw adapterOptionError("topN", "a positive integer", topN);
  }
  if (minScore !== undefined && !(typeof minScore === "number" && Number.isFinite(minScore))) {
    throw adapterOptionError("minScore", "a finite number", minScore);
  }
  if (instruct !== undefined && !(typeof instruct === "string" && instruct.trim() !== "")) {
    throw adapterOptionError("instruct", "a string with some non-space text", instruct);
  }
  return { topN, minScore, instruct } as { topN: number | undefined; minScore: number | undefined; instruct: string | undefined };
}
