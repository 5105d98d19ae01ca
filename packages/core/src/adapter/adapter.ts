import { checkRerankResponse } from "../check.js";
import { RerankClient } from "../client.js";
import { RerankInputError } from "../errors.js";
import type {
  RerankCallInfo,
  RerankClientOptions,
  RerankDocument,
  Reranker,
  RerankHooks,
  RerankRequest,
  RerankResponse,
} from "../types.js";
import { isPassthroughError } from "./passthrough.js";
import { type AdapterOptionsSplit, checkCallSettings, readAdapterOptions, type ResolvedAdapterSettings } from "./settings.js";

type HookEvent<K extends keyof RerankHooks> = Parameters<NonNullable<RerankHooks[K]>>[0];

/**
 * Per-call observers of {@link RerankAdapterCore.run}: the adapter maps them onto its framework's
 * tracing (LangChain callbacks, LlamaIndex events). They are core's {@link RerankHooks}, with the
 * adapter's call in `call`:
 *
 * - `onCallStart`, `onResult`, `onError` are the call's own; each is awaited and, unlike client
 *   hooks, an error one throws rejects the call (a framework callback failing is the caller's to
 *   see). `onError` adds `passthrough`.
 * - `onRequest`, `onResponse`, `onRetry` are the attempts, forwarded from a `RerankClient` (owned
 *   or borrowed) through `RerankRequest.hooks`, so they run only for this call. They are client
 *   hooks: synchronous, and one that throws never breaks the call. A custom reranker may not fire
 *   them.
 */
export interface AdapterCallHooks extends Pick<RerankHooks, "onRequest" | "onResponse" | "onRetry"> {
  /** Before anything is sent. `request.query` is `""` when the query could not be read. */
  onCallStart?(event: HookEvent<"onCallStart">): void | Promise<void>;
  /** A checked response. */
  onResult?(event: HookEvent<"onResult">): void | Promise<void>;
  /** Any failure; `passthrough` says whether the call then returns the retrieval order. */
  onError?(event: HookEvent<"onError"> & { passthrough: boolean }): void | Promise<void>;
}

/** One adapter call: the query, the texts, per-call overrides of the adapter's settings. */
export interface AdapterCall {
  /**
   * The query, or a function reading it from a framework object: what it throws (a
   * `RerankInputError` on `query`) counts as a missing query, which passthrough rides out.
   */
  query: string | (() => string);
  /** The texts to rank (strings or `{ text }` objects), one per framework document, in order. */
  documents: RerankDocument[];
  /** Per-call overrides; unset fields fall back to the adapter's settings. Checked by the same rule. */
  topN?: number | undefined;
  minScore?: number | undefined;
  instruct?: string | undefined;
  model?: string | undefined;
  signal?: AbortSignal | undefined;
  /** The call's deadline (`RerankRequest.timeoutMs`). */
  timeoutMs?: number | undefined;
  /** Provider fields sent as they are with this call (`RerankRequest.extraBody`). */
  extraBody?: Record<string, unknown> | undefined;
  /** Per-call override of the adapter's `onError`. */
  onError?: "throw" | "passthrough" | undefined;
}

/**
 * What {@link RerankAdapterCore.run} settled on: a checked `response` (its results map back to
 * the documents by `index`), or, with `passedThrough`, the error passthrough rode out (return the
 * inputs in retrieval order, `topN` applied: {@link retrievalOrder}).
 */
export type AdapterOutcome = { passedThrough: false; response: RerankResponse } | { passedThrough: true; error: unknown };

/** How {@link RerankAdapterCore} gets the reranker it owns. */
export interface RerankAdapterCoreOptions {
  /**
   * Builds the owned reranker from the checked client options on the first call instead of in the
   * constructor (as the AI SDK's providers read their API key then: a module-level adapter does
   * not fail an import where the key is unset). It is built once; after {@link
   * RerankAdapterCore.close} a call is refused with a `RerankInputError` (`field: "reranker"`).
   * Ignored when the user passes a `reranker`.
   * @default builds a `RerankClient` in the constructor
   * @example { createReranker: (options) => new RerankClient({ ...options, hooks: combineHooks(options.hooks, mine) }) }
   */
  createReranker?: (clientOptions: RerankClientOptions) => Reranker;
}

let callCounter = 0;

/**
 * The core of a framework adapter: everything but the framework mapping. It checks the shared
 * settings once (see {@link readAdapterOptions}), owns a `RerankClient` it built from client
 * options (closed by {@link close}) or borrows the `reranker` you pass (never closed), and runs
 * each call with the result check (the expected count included: a reranker that loses documents
 * is a `RerankResponseError`) and the passthrough rule ({@link isPassthroughError}).
 *
 * @example
 * // A whole adapter: framework objects in, framework objects out.
 * class MyReranker {
 *   readonly #core: RerankAdapterCore<"scoreField">;
 *   constructor(options: RerankAdapterOptions & { scoreField?: string }) {
 *     this.#core = new RerankAdapterCore(options, ["scoreField"]);
 *     const { scoreField = "score" } = this.#core.framework;
 *     if (typeof scoreField !== "string") throw adapterOptionError("scoreField", "a string", scoreField);
 *   }
 *   async rerank(query: string, items: { text: string }[]) {
 *     if (items.length === 0) return [];
 *     const outcome = await this.#core.run({ query, documents: items.map((item) => item.text) });
 *     if (outcome.passedThrough) return retrievalOrder(items, this.#core.settings.topN);
 *     return outcome.response.results.map((r) => ({ ...items[r.index], score: r.relevanceScore }));
 *   }
 *   close() { return this.#core.close(); }
 * }
 */
export class RerankAdapterCore<K extends string = never> {
  /** True when the adapter builds the reranker (from client options) and {@link close} closes it. */
  readonly owned: boolean;
  /** The shared settings, checked and defaulted. */
  readonly settings: Readonly<ResolvedAdapterSettings>;
  /** The adapter's own option values (the `frameworkKeys`), unchecked. */
  readonly framework: AdapterOptionsSplit<K>["framework"];
  readonly #clientOptions: RerankClientOptions | undefined;
  readonly #create: ((clientOptions: RerankClientOptions) => Reranker) | undefined;
  #reranker: Reranker | undefined;
  #closed = false;

  /**
   * @param options The adapter's options, as the user passed them.
   * @param frameworkKeys The adapter's own option names (neither shared settings nor client options).
   * @param kit How the owned reranker is built: see {@link RerankAdapterCoreOptions}.
   * @throws RerankInputError naming the first bad field (a `RerankClient` checks its own options).
   */
  constructor(options: unknown, frameworkKeys: readonly K[] = [], kit: RerankAdapterCoreOptions = {}) {
    const split = readAdapterOptions(options, frameworkKeys);
    this.settings = split.settings;
    this.framework = split.framework;
    this.owned = split.reranker === undefined;
    this.#clientOptions = split.clientOptions;
    this.#create = kit.createReranker;
    this.#reranker = split.reranker ?? (this.#create === undefined ? new RerankClient(split.clientOptions!) : undefined);
  }

  /**
   * The reranker every call goes through (owned or borrowed); an owned one built by
   * `createReranker` is built here, on first use.
   * @throws RerankInputError (`field: "reranker"`) when a lazily built reranker is asked for after `close()`.
   */
  get reranker(): Reranker {
    if (this.#reranker !== undefined) return this.#reranker;
    if (this.#closed) throw new RerankInputError("This adapter was closed: its reranker is no longer available.", { field: "reranker" });
    this.#reranker = this.#create!(this.#clientOptions!);
    return this.#reranker;
  }

  /** The settings a call runs with: the call's overrides (checked), else the adapter's. */
  resolve(call: Omit<AdapterCall, "query" | "documents"> = {}): ResolvedAdapterSettings {
    const overrides = checkCallSettings(call);
    if (call.model !== undefined && (typeof call.model !== "string" || call.model.trim() === "")) {
      throw new RerankInputError("model must be a non-blank string.", { field: "model" });
    }
    const onError = call.onError ?? this.settings.onError;
    return {
      topN: overrides.topN ?? this.settings.topN,
      minScore: overrides.minScore ?? this.settings.minScore,
      instruct: overrides.instruct ?? this.settings.instruct,
      model: call.model ?? this.settings.model,
      onError,
    };
  }

  /** What is known about a call before it runs: provider and model when the reranker exposes them. */
  describe(documents: number, settings: ResolvedAdapterSettings = this.settings): RerankCallInfo {
    // An owned reranker not built yet is described by the options it will be built from.
    const { provider, model } = (this.#reranker ?? this.#clientOptions ?? {}) as { provider?: unknown; model?: unknown };
    const chosen = settings.model ?? model;
    return {
      id: `rerank-${++callCounter}`,
      provider: typeof provider === "string" ? provider : undefined,
      model: typeof chosen === "string" ? chosen : undefined,
      documents,
      topN: settings.topN,
      minScore: settings.minScore,
    };
  }

  /**
   * Reranks one call's documents: builds the `RerankRequest`, calls the reranker, checks the
   * response (indices, scores, and the count: all documents unless `topN` or `minScore`), and
   * applies the passthrough rule. Resolves to the response, or to the error passthrough rode out;
   * rejects with anything else. Documents that are neither strings nor `{ text }` objects, and
   * bad per-call settings, throw before the call starts (in every mode).
   */
  async run(call: AdapterCall, hooks: AdapterCallHooks = {}): Promise<AdapterOutcome> {
    const settings = this.resolve(call);
    const documents = call.documents;
    for (let i = 0; i < documents.length; i++) {
      const doc = documents[i];
      if (typeof doc !== "string" && typeof (doc as { text?: unknown } | null)?.text !== "string") {
        throw new RerankInputError(`documents[${i}] must be a string (the document's text); got ${typeOf(doc)}.`, {
          field: `documents[${i}]`,
        });
      }
    }
    const info = this.describe(documents.length, settings);
    let query = "";
    let queryError: unknown;
    try {
      query = typeof call.query === "function" ? call.query() : call.query;
      if (typeof query !== "string" || query.trim() === "") {
        throw new RerankInputError(
          `The query is ${typeof query === "string" ? "blank" : "missing"}: there is nothing to rank the documents by.`,
          {
            field: "query",
          },
        );
      }
    } catch (error) {
      queryError = error;
      query = typeof query === "string" ? query : "";
    }
    const request: RerankRequest = { query, documents };
    if (settings.topN !== undefined) request.topN = settings.topN;
    if (settings.minScore !== undefined) request.minScore = settings.minScore;
    if (settings.instruct !== undefined) request.instruct = settings.instruct;
    if (settings.model !== undefined) request.model = settings.model;
    if (call.signal !== undefined) request.signal = call.signal;
    if (call.timeoutMs !== undefined) request.timeoutMs = call.timeoutMs;
    if (call.extraBody !== undefined) request.extraBody = call.extraBody;
    const attemptHooks = forwardAttempts(hooks, info);
    if (attemptHooks !== undefined) request.hooks = attemptHooks;

    const started = performance.now();
    let response: RerankResponse;
    try {
      await hooks.onCallStart?.({ call: info, request });
      if (queryError !== undefined) throw queryError;
      response = await this.reranker.rerank(request);
      checkRerankResponse(response, { documents: documents.length, topN: settings.topN, minScore: settings.minScore });
    } catch (error) {
      const passthrough = settings.onError === "passthrough" && isPassthroughError(error);
      await hooks.onError?.({ call: info, error, durationMs: performance.now() - started, passthrough });
      if (passthrough) return { passedThrough: true, error };
      throw error;
    }
    await hooks.onResult?.({ call: info, response, durationMs: performance.now() - started });
    return { passedThrough: false, response };
  }

  /** Closes the reranker the adapter built; a borrowed reranker is left open. Safe to call twice. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.owned) await (this.#reranker as { close?: () => Promise<void> } | undefined)?.close?.();
  }
}

/** The inputs in retrieval order with `topN` applied: what passthrough returns. */
export function retrievalOrder<T>(inputs: readonly T[], topN: number | undefined): T[] {
  return inputs.slice(0, topN ?? inputs.length);
}

/**
 * The attempt hooks of `hooks` as per-call client hooks, each event's `call` swapped for the
 * adapter's; undefined when there are none (the client then builds no event at all).
 */
function forwardAttempts(hooks: AdapterCallHooks, call: RerankCallInfo): RerankHooks | undefined {
  const { onRequest, onResponse, onRetry } = hooks;
  if (onRequest === undefined && onResponse === undefined && onRetry === undefined) return undefined;
  const forwarded: RerankHooks = {};
  if (onRequest) forwarded.onRequest = (event) => onRequest.call(hooks, { ...event, call });
  if (onResponse) forwarded.onResponse = (event) => onResponse.call(hooks, { ...event, call });
  if (onRetry) forwarded.onRetry = (event) => onRetry.call(hooks, { ...event, call });
  return forwarded;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object without a string text" : typeof value;
}
