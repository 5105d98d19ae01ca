import type { IncomingHttpHeaders } from "node:http";
import { Agent, type Dispatcher } from "undici";
import type { WireBatch, WireRequest } from "./dialects/dialect.js";
import {
  RerankConnectionError,
  RerankError,
  RerankInputError,
  RerankRateLimitError,
  RerankResponseError,
  RerankTimeoutError,
} from "./errors.js";
import { deduplicate, planBatches } from "./internal/batching.js";
import { errorFromStatus, readErrorText, requestIdFromHeaders, scrub } from "./internal/error-body.js";
import { rankResults } from "./internal/merge.js";
import { MAX_TIMEOUT_MS, resolveOptions, type ResolvedOptions } from "./internal/options.js";
import { ReplicaPool } from "./internal/replicas.js";
import { parseRetryAfter, retryDelay } from "./internal/retry.js";
import { RetryBudget } from "./internal/retry-budget.js";
import { DeadlineScheduler } from "./internal/deadlines.js";
import { type AbortLike, CallAbort, ResponseTooLargeError, send } from "./internal/transport.js";
import { validateRequest } from "./internal/validate.js";
import type { ProviderId } from "./presets.js";
import type { Reranker, RerankRequest, RerankResponse, RerankUsage } from "./types.js";
import { type CacheLookup, lookupScores, storeScores } from "./cache/step.js";
import type { ScoreCache } from "./cache/types.js";
import { RerankRateLimiter, type RateLimitPermit } from "./rate-limit/limiter.js";
import type { RateLimitOptions } from "./rate-limit/types.js";
import { costOf, type ModelPrice, priceFor } from "./pricing.js";
import { estimateTokens } from "./internal/batching.js";

/** Options of {@link RerankClient}. Only `provider` is required. */
export interface RerankClientOptions {
  /**
   * A preset: base URL, dialect, auth, limits and API-key env var.
   * @example "siliconflow"
   */
  provider: ProviderId;
  /** Model id. @default the preset's default model, if it has one */
  model?: string;
  /** API key. @default the preset's env var (e.g. `SILICONFLOW_API_KEY`), then `RERANK_API_KEY` */
  apiKey?: string;
  /**
   * Replaces the preset's base URL; the dialect's path is appended. A list is a pool of equivalent
   * replicas (self-hosted servers with no load balancer): requests go round-robin, and a replica
   * that fails with a connection error or a 5xx is skipped for `replicaCoolDownMs` while the
   * retry goes to the next one. Every URL obeys the same rules (https, or http to loopback).
   * @example "http://127.0.0.1:8080/v1"
   * @example ["http://10.0.0.5:8000/v1", "http://10.0.0.6:8000/v1"] // with allowInsecureHttp on a trusted network
   */
  baseURL?: string | string[];
  /** How long a replica of a `baseURL` list is skipped after a connection error or a 5xx. @default 5000 */
  replicaCoolDownMs?: number;
  /**
   * A retry budget shared by all calls of this client: retries may add at most `ratio` × first
   * attempts (over a sliding ~10 s window), plus `minRetriesPerSecond`, so during an outage the
   * client stops multiplying the load. A retry refused by the budget fails the call with the
   * error it had. `false` turns the budget off (only `maxRetries` limits retries).
   * @default { ratio: 0.2, minRetriesPerSecond: 10 }
   * @example { ratio: 0.1, minRetriesPerSecond: 2 }
   */
  retryBudget?: { ratio?: number; minRetriesPerSecond?: number } | false;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** Deadline for one `rerank()` call, retries and waits included. @default 60000 */
  timeoutMs?: number;
  /** Retries after the first attempt, on 408, 429, 5xx (not 501) and connection errors. @default 2 */
  maxRetries?: number;
  /** Documents per HTTP request; longer lists are split and merged. @default the preset's limit */
  maxDocumentsPerRequest?: number;
  /** Estimated tokens (query + document, summed) per request. @default the preset's limit, if any */
  maxTokensPerRequest?: number;
  /** Parallel batch requests within one call. @default 4 */
  concurrency?: number;
  /** Allow `http://` to a host that is not loopback. @default false */
  allowInsecureHttp?: boolean;
  /** Cap on a response body; larger bodies are a RerankResponseError. @default 16 MiB */
  maxResponseBytes?: number;
  /** A transport of your own (a proxy agent, a MockAgent). @default one keep-alive Agent per client */
  dispatcher?: Dispatcher;
  /**
   * Provider fields sent as they are with every request, merged into the body last.
   * @example { return_documents: false, max_chunks_per_doc: 5 }
   */
  extraBody?: Record<string, unknown>;
  /** Backoff between retries (a server's `Retry-After` always wins). @default { initialDelayMs: 500, maxDelayMs: 8000 } */
  backoff?: { initialDelayMs?: number; maxDelayMs?: number };
  /**
   * What to do with `instruct` for a provider that has no instruction field: `"native"` refuses
   * with a RerankInputError; `"prefix"` prepends it to the query (`"<instruct>\n<query>"`).
   * @default "native"
   */
  instructMode?: "native" | "prefix";
  /** Allow splitting a listwise model's list (its scores then depend on the split). @default false */
  allowListwiseSplit?: boolean;
  /**
   * Per-document score cache: a call sends only the documents it has no score for, and merges
   * cached and fresh scores into one ranking. Listwise models are never cached. A failing cache
   * never fails a call (it reports through `hooks.onWarning`). `close()` never closes it.
   * @default none
   * @example memoryScoreCache({ maxEntries: 50_000 }) // or redisScoreCache(...) from @rerankit/redis
   */
  cache?: ScoreCache;
  /**
   * Requests and estimated tokens allowed in any 60-second window, checked before every attempt
   * (retries included); a call waits for room up to its deadline. With a shared `store`
   * (`redisRateLimitStore` from `@rerankit/redis`) the limits hold for every process using it, and
   * a 429 with Retry-After pauses them all.
   * @default none
   * @example { requestsPerMinute: 2_000, tokensPerMinute: 500_000 }
   */
  rateLimit?: RateLimitOptions;
  /**
   * The price used for `usage.cost`: one price for every model, or one per model id.
   * @default the preset's published price for the model, if it has one
   * @example { currency: "USD", perMillionTokens: 0.05 }
   */
  price?: ModelPrice | Record<string, ModelPrice>;
  /** Callbacks; a hook that throws never breaks the call. */
  hooks?: { onWarning?(event: { message: string; error?: unknown }): void };
}

/** undici error codes that a retry cannot change. */
const FINAL_TRANSPORT_CODES = new Set(["UND_ERR_INVALID_ARG", "UND_ERR_DESTROYED", "UND_ERR_CLOSED", "UND_ERR_NOT_SUPPORTED"]);

/** One batch, its body already serialised. */
interface PreparedBatch {
  positions: number[];
  /** The planner's token estimate (query + document per document), for the rate limiter. */
  tokens: number;
  wire: WireRequest;
  body: string;
}

interface CallState {
  signal: AbortLike;
  deadline: number;
  usage: RerankUsage;
  requestIds: string[];
}

/**
 * Reranks documents through a rerank API. One client holds one connection pool: create it once
 * and reuse it; `close()` it when done.
 *
 * @example
 * const client = new RerankClient({ provider: "siliconflow" }); // reads SILICONFLOW_API_KEY
 * const { results } = await client.rerank({ query: "如何预防感冒", documents, topN: 3 });
 */
export class RerankClient implements Reranker {
  readonly provider: ProviderId;
  readonly model: string | undefined;
  readonly baseURL: string;
  readonly #options: ResolvedOptions;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  /** Undefined for a single base URL, so the common path does no pool bookkeeping. */
  readonly #replicas: ReplicaPool | undefined;
  readonly #retryBudget: RetryBudget | undefined;
  /** One timer for every in-flight call's deadline (a timer per call cost ~13 µs a call). */
  readonly #deadlines = new DeadlineScheduler();
  readonly #cache: ScoreCache | undefined;
  readonly #limiter: RerankRateLimiter | undefined;
  readonly #price: ModelPrice | Record<string, ModelPrice> | undefined;
  readonly #hooks: RerankClientOptions["hooks"];

  constructor(options: RerankClientOptions) {
    this.#options = resolveOptions(options);
    this.provider = this.#options.provider;
    this.model = this.#options.model;
    this.baseURL = this.#options.baseURL;
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 10_000 });
    const { endpoints, replicaCoolDownMs, retryBudget } = this.#options;
    this.#replicas = endpoints.length > 1 ? new ReplicaPool(endpoints, replicaCoolDownMs) : undefined;
    this.#retryBudget = retryBudget ? new RetryBudget(retryBudget) : undefined;
    this.#cache = options.cache;
    this.#price = options.price;
    this.#hooks = options.hooks;
    this.#limiter =
      options.rateLimit === undefined
        ? undefined
        : new RerankRateLimiter(options.rateLimit, {
            provider: this.#options.provider,
            // The limit is per account: keyed by a hash of the credentials, never the credentials.
            apiKey: this.#options.secrets.join("\n") || undefined,
            onWarning: (message, error) => this.#warn(message, error),
          });
  }

  #warn(message: string, error?: unknown): void {
    try {
      this.#hooks?.onWarning?.({ message, error });
    } catch {
      // A hook that throws never breaks the call.
    }
  }

  #closing: Promise<void> | undefined;

  /** Closes the connection pool (not a dispatcher you passed in). Safe to call more than once. */
  close(): Promise<void> {
    if (!this.#ownsDispatcher) return Promise.resolve();
    this.#closing ??= this.#dispatcher.close();
    return this.#closing;
  }

  /** Reranks `documents` against `query`: see {@link RerankRequest}. */
  async rerank(request: RerankRequest): Promise<RerankResponse> {
    const o = this.#options;
    const texts = validateRequest(request, o.provider);
    if (this.#closing) {
      throw new RerankConnectionError(`${o.provider}: the client is closed`, { provider: o.provider, code: "CLIENT_CLOSED" });
    }
    request.signal?.throwIfAborted();
    const scoreKind = o.preset.dialect.scoreKindFor?.(o.extraBody) ?? o.preset.scoreKind;
    // Empty in, empty out: no request, and no configuration check that only a request needs.
    if (texts.length === 0 || request.query.trim() === "") {
      return {
        results: [],
        model: request.model ?? o.model ?? "",
        provider: o.provider,
        scoreKind,
        usage: { requests: 0 },
        requestIds: [],
      };
    }
    const model = request.model ?? o.model;
    if (model === undefined) {
      throw new RerankInputError(`${o.preset.label} has no default model: pass model.`, { field: "model", provider: o.provider });
    }
    let query = request.query;
    let instruct = request.instruct;
    if (instruct !== undefined && !o.preset.dialect.acceptsInstruct) {
      if (o.instructMode !== "prefix") {
        throw new RerankInputError(
          `${o.preset.label} has no instruction field: set instructMode: "prefix" to prepend instruct to the query, or leave instruct unset.`,
          { field: "instruct", provider: o.provider },
        );
      }
      query = `${instruct}\n${query}`;
      instruct = undefined;
    }
    const response: RerankResponse = { results: [], model, provider: o.provider, scoreKind, usage: { requests: 0 }, requestIds: [] };

    const topN = request.topN === undefined ? undefined : Math.min(request.topN, texts.length);
    const { unique, uniqueOf } = deduplicate(texts);
    const listwise = o.preset.listwiseModels?.test(model) ?? false;
    const timeoutMs = Math.min(request.timeoutMs ?? o.timeoutMs, MAX_TIMEOUT_MS);
    const callStart = performance.now();
    // The cache step: only misses go on (listwise scores depend on the list: never cached).
    let lookup: CacheLookup | undefined;
    let cacheSignal: AbortSignal | undefined;
    if (this.#cache !== undefined && !listwise) {
      cacheSignal = request.signal ? AbortSignal.any([AbortSignal.timeout(timeoutMs), request.signal]) : AbortSignal.timeout(timeoutMs);
      lookup = await lookupScores(
        this.#cache,
        {
          provider: o.provider,
          endpoint: o.endpoints.map((e) => `${e.origin}${e.path}`).join(" "),
          model,
          instruct,
          query,
          extraBody: o.extraBody,
        },
        unique,
        cacheSignal,
      );
      if (lookup.warning) this.#warn(lookup.warning.message, lookup.warning.error);
      request.signal?.throwIfAborted();
      response.usage.cacheHits = lookup.hits;
      response.usage.cacheMisses = lookup.misses.length;
    }
    const sendOf = lookup !== undefined && lookup.hits > 0 ? lookup.misses : undefined;
    const sendTexts = sendOf === undefined ? unique : sendOf.map((u) => unique[u]!);
    const batches = planBatches(sendTexts, query, { maxDocuments: o.maxDocumentsPerRequest, maxTokens: o.maxTokensPerRequest });
    if (batches.length > 1 && !o.allowListwiseSplit && listwise) {
      throw new RerankInputError(
        `${model} is listwise (its scores depend on the whole list), and ${unique.length} documents need ${batches.length} requests. Send fewer documents, or set allowListwiseSplit: true.`,
        { field: "documents", provider: o.provider },
      );
    }

    const scores = new Float64Array(unique.length);
    const scored = new Uint8Array(unique.length);
    if (sendOf !== undefined) {
      const cached = lookup!.cached;
      for (let u = 0; u < unique.length; u++) {
        const v = cached[u];
        if (v !== undefined) {
          scores[u] = v;
          scored[u] = 1;
        }
      }
    }
    // With no duplicates, results are ranked starting from the order the provider reported them
    // (best first within each batch): the sort then merges sorted runs (~3× faster for 10,000).
    const reported = unique.length === texts.length && sendOf === undefined ? new Int32Array(unique.length) : undefined;
    let reportedCount = 0;
    let estimatedTokens = 0;
    const controller = new CallAbort();
    const state: CallState = {
      signal: controller.signal,
      deadline: callStart + timeoutMs,
      usage: response.usage,
      requestIds: response.requestIds,
    };
    const deadline = this.#deadlines.add(state.deadline, () => {
      controller.abort(
        new RerankTimeoutError(`${o.provider}: the rerank call passed its ${timeoutMs} ms deadline`, {
          provider: o.provider,
          retryable: false,
        }),
      );
    });
    const userSignal = request.signal;
    const onUserAbort = () => controller.abort(userSignal!.reason);
    userSignal?.addEventListener("abort", onUserAbort, { once: true });

    try {
      const queryTokens =
        this.#limiter !== undefined || this.#price !== undefined || priceFor(o.provider, model) ? estimateTokens(query) : 0;
      const prepare = (positions: number[]): PreparedBatch => {
        const documents = positions.map((p) => sendTexts[p]!);
        let tokens = 0;
        if (queryTokens > 0) for (const d of documents) tokens += queryTokens + estimateTokens(d);
        const wire = {
          query,
          documents,
          model,
          topN: topN === undefined ? undefined : Math.min(topN, documents.length),
          instruct,
          extraBody: o.extraBody,
        };
        return { positions, tokens, wire, body: JSON.stringify(o.preset.dialect.buildBody(wire)) };
      };
      const runBatch = async ({ positions, tokens, wire, body }: PreparedBatch) => {
        estimatedTokens += tokens;
        const batch = await this.#send(state, wire, body, tokens);
        for (const r of batch.results) {
          const u = sendOf === undefined ? positions[r.index]! : sendOf[positions[r.index]!]!;
          scores[u] = r.score;
          scored[u] = 1;
          if (reported) reported[reportedCount++] = u;
        }
        if (batch.totalTokens !== undefined) response.usage.totalTokens = (response.usage.totalTokens ?? 0) + batch.totalTokens;
        if (batch.searchUnits !== undefined) response.usage.searchUnits = (response.usage.searchUnits ?? 0) + batch.searchUnits;
      };
      if (batches.length === 1) await runBatch(prepare(batches[0]!));
      else if (batches.length > 1) await runPipeline(batches, o.concurrency, prepare, runBatch, (error) => controller.abort(error));
    } catch (error) {
      if (userSignal?.aborted) throw userSignal.reason;
      throw error;
    } finally {
      this.#deadlines.cancel(deadline);
      userSignal?.removeEventListener("abort", onUserAbort);
    }
    if (lookup !== undefined && lookup.misses.length > 0) {
      const warning = await storeScores(this.#cache!, lookup, scores, scored, cacheSignal);
      if (warning) this.#warn(warning.message, warning.error);
    }
    const price = priceFor(o.provider, model, this.#price);
    if (price !== undefined) response.usage.cost = costOf(price, response.usage, estimatedTokens);
    response.results = rankResults(scores, scored, uniqueOf, {
      topN,
      minScore: request.minScore,
      documents: request.returnDocuments ? request.documents : undefined,
      reported: reported?.subarray(0, reportedCount),
    });
    return response;
  }

  /** Sends one batch, retrying where safe, and returns the provider's answer read into plain values. */
  async #send(state: CallState, wire: WireRequest, body: string, tokens: number): Promise<WireBatch> {
    const o = this.#options;
    const replicas = this.#replicas;
    let replica = replicas ? replicas.pick() : 0;
    const tried: number[] | undefined = replicas ? [replica] : undefined;
    this.#retryBudget?.deposit();
    for (let attempt = 1; ; attempt++) {
      let error: RerankError;
      let retryAfterMs: number | undefined;
      let permit: RateLimitPermit | undefined;
      if (this.#limiter !== undefined) {
        try {
          permit = await this.#limiter.acquire(tokens, state.deadline, state.signal);
        } catch (refused) {
          throw withAttempts(state.signal.aborted ? state.signal.reason : refused, attempt - 1);
        }
      }
      state.usage.requests++;
      const endpoint = replicas ? replicas.endpoints[replica]! : o;
      try {
        const exchange = await send(this.#dispatcher, {
          origin: endpoint.origin,
          path: endpoint.path,
          headers: o.headers,
          body,
          maxResponseBytes: o.maxResponseBytes,
          signal: state.signal,
        });
        const rawRequestId = requestIdFromHeaders(exchange.headers);
        const headerRequestId = rawRequestId === undefined ? undefined : scrub(rawRequestId, o.secrets);
        if (exchange.status >= 200 && exchange.status < 300) {
          replicas?.succeed(replica);
          const batch = this.#parse(exchange.body, exchange.headers, headerRequestId);
          if (permit !== undefined && batch.totalTokens !== undefined) permit.correctTokens(batch.totalTokens);
          const requestId = batch.requestId ?? headerRequestId;
          if (requestId !== undefined) state.requestIds.push(requestId);
          // Checked here so that a broken answer's error counts the attempts made.
          this.#checkBatch(batch, wire.documents.length, wire.topN);
          return batch;
        }
        retryAfterMs = parseRetryAfter(exchange.headers);
        // A 429's Retry-After holds for every process sharing the rate-limit store.
        if (exchange.status === 429 && retryAfterMs !== undefined) void this.#limiter?.pauseFleet(retryAfterMs);
        const { info } = readErrorText(exchange.body.toString("utf8"));
        error = errorFromStatus({
          provider: o.provider,
          status: exchange.status,
          info: o.preset.dialect.readError ? { ...info, ...o.preset.dialect.readError(safeJson(exchange.body)) } : info,
          headerRequestId,
          retryAfterMs,
          secrets: o.secrets,
          hint: o.preset.dialect.statusHint?.(exchange.status, info),
        });
      } catch (caught) {
        if (state.signal.aborted) throw withAttempts(state.signal.reason, attempt);
        if (RerankError.isInstance(caught)) throw withAttempts(caught, attempt);
        if (caught instanceof ResponseTooLargeError) {
          throw new RerankResponseError(`${o.provider}: the response body exceeded maxResponseBytes (${caught.limit} bytes)`, {
            provider: o.provider,
            attempts: attempt,
          });
        }
        const code = (caught as { code?: string }).code;
        error = new RerankConnectionError(`${o.provider}: connection failed: ${scrub(describe(caught), o.secrets)}`, {
          provider: o.provider,
          // undici's own refusals (a closed pool, an argument it rejects) fail the same way every time.
          retryable: code === undefined || !FINAL_TRANSPORT_CODES.has(code),
          code,
        });
      }
      error.attempts = attempt;
      // A replica that failed at the connection or answered 5xx is skipped for its cool-down.
      const replicaFailed = error instanceof RerankConnectionError || (error.status !== undefined && error.status >= 500);
      // A replica that asked for a longer wait (Retry-After) is skipped at least that long.
      if (replicas && replicaFailed) replicas.fail(replica, retryAfterMs);
      if (!error.retryable || attempt > o.maxRetries) throw error;
      // Failing over to a healthy replica this call has not tried shifts load rather than adding
      // to it: no backoff and no Retry-After wait (both are the failed replica's) and no
      // retry-budget token.
      const next = replicas ? replicas.pick(tried) : replica;
      const failover = replicas !== undefined && replicaFailed && !tried!.includes(next) && replicas.ready(next);
      if (!failover && this.#retryBudget && !this.#retryBudget.tryRetry()) {
        error.message += " (not retried: the client's retry budget is spent, too many retries lately)";
        throw error;
      }
      const delay = failover ? 0 : retryDelay(attempt, retryAfterMs, { initialDelayMs: o.initialDelayMs, maxDelayMs: o.maxDelayMs });
      if (replicas) {
        tried!.push(next);
        replica = next;
      }
      const left = state.deadline - performance.now();
      if (delay >= left) {
        if (retryAfterMs !== undefined && error instanceof RerankRateLimitError) {
          throw new RerankRateLimitError(
            `${error.message} (the server asked to wait ${Math.ceil(retryAfterMs)} ms, more than the ${Math.max(0, Math.floor(left))} ms left before the deadline)`,
            {
              provider: o.provider,
              status: error.status,
              code: error.code,
              requestId: error.requestId,
              retryable: true,
              attempts: attempt,
              retryAfterMs,
            },
          );
        }
        throw error;
      }
      try {
        await sleep(delay, state.signal);
      } catch {
        throw withAttempts(state.signal.reason, attempt);
      }
    }
  }

  #parse(buffer: Buffer, headers: IncomingHttpHeaders, headerRequestId: string | undefined): WireBatch {
    const o = this.#options;
    const init = { provider: o.provider, status: 200, requestId: headerRequestId };
    const text = buffer.toString("utf8");
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      const what = /^\s*</.test(text) ? "an HTML page" : text.trim() === "" ? "an empty body" : "invalid JSON";
      throw new RerankResponseError(`${o.provider} answered HTTP 200 with ${what} instead of a rerank response`, init);
    }
    try {
      return o.preset.dialect.parseResponse(json, headers);
    } catch (error) {
      if (RerankError.isInstance(error)) throw error;
      const issue = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues?.[0];
      const where = issue ? `${issue.path.map(String).join(".") || "body"}: ${issue.message}` : describe(error);
      throw new RerankResponseError(`${o.provider} answered a response of the wrong shape (${where})`, init);
    }
  }

  /** Every index an integer in range and unique, every score finite, and no document missing. */
  #checkBatch(batch: WireBatch, size: number, topN: number | undefined): void {
    const o = this.#options;
    const init = { provider: o.provider, requestId: batch.requestId === undefined ? undefined : scrub(batch.requestId, o.secrets) };
    const seen = new Uint8Array(size);
    for (const { index, score } of batch.results) {
      if (!Number.isInteger(index) || index < 0 || index >= size) {
        throw new RerankResponseError(`${o.provider} returned index ${index}, outside the ${size} documents sent`, init);
      }
      if (seen[index] === 1) throw new RerankResponseError(`${o.provider} returned index ${index} twice`, init);
      seen[index] = 1;
      if (!Number.isFinite(score)) throw new RerankResponseError(`${o.provider} returned a non-finite score for index ${index}`, init);
    }
    const expected = topN ?? size;
    if (batch.results.length < expected) {
      throw new RerankResponseError(
        `${o.provider} returned ${batch.results.length} results for ${size} documents (expected ${expected})`,
        init,
      );
    }
  }
}

function safeJson(buffer: Buffer): unknown {
  try {
    return JSON.parse(buffer.toString("utf8"));
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

function withAttempts(error: unknown, attempts: number): unknown {
  if (RerankError.isInstance(error) && error.attempts === 0) error.attempts = attempts;
  return error;
}

function sleep(ms: number, signal: AbortLike): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Bodies built ahead of their turn hold at most this many bytes (and always one body may be). */
const AHEAD_BYTES = 4 * 1024 * 1024;

/**
 * Runs `work` over `items` with at most `limit` in flight; the first failure stops the rest.
 * `prepare` (serialising a batch's body, ~2 ms for 1,000 documents of ~200 tokens) runs off the
 * critical path where it can: the workers start one event-loop turn apart, so a dispatched request
 * is written to its socket before the next body is built (started together, every first-wave
 * request waited for all the first wave's bodies), and while requests are in flight the next
 * bodies are built ahead, one per event-loop turn, up to `AHEAD_BYTES` (at least one body), so a
 * worker freed by a reply sends at once.
 */
async function runPipeline<T, P extends { body: string }>(
  items: readonly T[],
  limit: number,
  prepare: (item: T) => P,
  work: (prepared: P) => Promise<void>,
  onFailure: (error: unknown) => void,
): Promise<void> {
  /** Next item to send. */
  let next = 0;
  let failed = false;
  let firstError: unknown;
  /** Bodies of `items[next]`, `items[next + 1]`, …, built ahead. */
  const ahead: P[] = [];
  let aheadBytes = 0;
  let aheadScheduled = false;
  const fail = (error: unknown) => {
    if (failed) return;
    failed = true;
    firstError = error;
    ahead.length = 0;
    onFailure(error);
  };
  const scheduleAhead = () => {
    if (aheadScheduled || failed || next + ahead.length >= items.length) return;
    if (ahead.length > 0 && aheadBytes >= AHEAD_BYTES) return;
    aheadScheduled = true;
    setImmediate(buildAhead);
  };
  const buildAhead = () => {
    aheadScheduled = false;
    if (failed || next + ahead.length >= items.length) return;
    try {
      const prepared = prepare(items[next + ahead.length]!);
      ahead.push(prepared);
      aheadBytes += prepared.body.length;
    } catch (error) {
      fail(error);
      return;
    }
    scheduleAhead();
  };
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        const built = ahead.shift();
        if (built !== undefined) aheadBytes -= built.body.length;
        const pending = work(built ?? prepare(item)); // dispatches before its first await
        scheduleAhead();
        await pending;
      } catch (error) {
        fail(error);
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let k = 0; k < Math.min(limit, items.length); k++) {
    if (k > 0) await nextTurn();
    if (failed || next >= items.length) break;
    workers.push(worker());
  }
  await Promise.all(workers);
  if (failed) throw firstError;
}
