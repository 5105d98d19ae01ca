import { type ClientRuntime, type CallState, type PreparedBatch, sendBatch } from "./call/attempt.js";
import { mergeResults, ScoreTable } from "./call/merge.js";
import { type CallPlan, prepareCall, validate } from "./call/prepare.js";
import { runPipeline } from "./call/schedule.js";
import { RerankConnectionError, RerankTimeoutError } from "./errors.js";
import { combineHooks, guardHooks, resolveHooks } from "./hooks.js";
import { MAX_TIMEOUT_MS, resolveOptions, type ResolvedOptions } from "./internal/options.js";
import { DeadlineScheduler } from "./policy/deadlines.js";
import { ReplicaPool } from "./policy/replicas.js";
import { RetryBudget } from "./policy/retry-budget.js";
import { autoTransport, type FetchFunction } from "./transport/fetch.js";
import { scrubError } from "./transport/redact.js";
import { CallAbort, type Transport } from "./transport/send.js";
import { followSignal } from "./transport/signals.js";
import type { ProviderId } from "./presets.js";
import type { RerankCallInfo, Reranker, RerankClientOptions, RerankHooks, RerankRequest, RerankResponse } from "./types.js";
import { applyCache, storeScores } from "./cache/step.js";
import { estimateTokens } from "./internal/batching.js";
import { costOf, priceFor } from "./pricing.js";
import { RerankRateLimiter } from "./rate-limit/limiter.js";
import { type CalibrationStep, calibrationStep } from "./calibration/calibrated.js";

export type { RerankClientOptions } from "./types.js";

let callSeq = 0;

/**
 * Reranks documents through a rerank API. One client holds one connection pool: create it once
 * and reuse it; `close()` it when done.
 *
 * A call runs through stages, each in its own file under `call/`: prepare (validate, plan),
 * schedule (batches with bounded concurrency), attempt (one HTTP exchange; retries as
 * `policy/retry.ts` decides), merge. This class holds what they share.
 *
 * @example
 * const client = new RerankClient({ provider: "siliconflow" }); // reads SILICONFLOW_API_KEY
 * const { results } = await client.rerank({ query: "如何预防感冒", documents, topN: 3 });
 */
export class RerankClient implements Reranker {
  /** The preset id, or a custom provider's `id`. */
  readonly provider: ProviderId | (string & {});
  readonly model: string | undefined;
  readonly baseURL: string;
  readonly #options: ResolvedOptions;
  readonly #transport: Transport;
  readonly #runtime: ClientRuntime;
  readonly #hooks: RerankHooks | undefined;
  /** One timer for every in-flight call's deadline (a timer per call cost ~13 µs a call). */
  readonly #deadlines = new DeadlineScheduler();
  #closed = false;
  /** Every call in flight, so that `close()` can abort them. */
  readonly #inFlight = new Set<CallAbort>();
  readonly #cache: RerankClientOptions["cache"];
  readonly #price: RerankClientOptions["price"];
  /** The `calibration` option's step (calibration/calibrated.ts), wrapped around every call. */
  readonly #calibration: CalibrationStep | undefined;

  constructor(options: RerankClientOptions) {
    const o = resolveOptions(options);
    this.#options = o;
    this.provider = o.provider;
    this.model = o.model;
    this.baseURL = o.baseURL;
    // The transport seam: the caller's fetch, the caller's dispatcher, or the client's own undici
    // Agent where undici loads and the runtime's fetch where it does not (chosen at the first
    // request: see transport/fetch.ts).
    this.#transport = autoTransport({
      fetch: options.fetch as FetchFunction | undefined,
      dispatcher: options.dispatcher,
      connectionsPerOrigin: o.connectionsPerOrigin,
    });
    this.#hooks = resolveHooks(options.hooks);
    this.#runtime = {
      o,
      transport: this.#transport,
      replicas: o.endpoints.length > 1 ? new ReplicaPool(o.endpoints, o.replicaCoolDownMs) : undefined,
      retryBudget: o.retryBudget ? new RetryBudget(o.retryBudget) : undefined,
      hooks: this.#hooks,
      limiter:
        options.rateLimit === undefined
          ? undefined
          : new RerankRateLimiter(options.rateLimit, {
              provider: o.provider,
              // One window per account: keyed by a hash of the credentials, never the credentials.
              apiKey: o.secrets.join("\n") || undefined,
              // Keyless (a self-hosted server): windows and 429 pauses are per server instead.
              endpoints: o.endpoints.map((e) => e.baseURL),
              onWarning: (message, error) => this.#hooks?.onWarning?.({ message, error }),
            }),
    };
    this.#cache = options.cache;
    this.#price = options.price;
    // Checked now: a bad profile is a RerankInputError when the client is built, not at the first call.
    this.#calibration =
      options.calibration === undefined
        ? undefined
        : calibrationStep(options.calibration, { hooks: { onWarning: (event) => this.#hooks?.onWarning?.(event) } });
  }

  /**
   * Closes the client: every call still in flight (waiting for a socket, a response or a retry)
   * rejects at once with a {@link RerankConnectionError} whose `code` is `"CLIENT_CLOSED"`, as does
   * every later call; then the connection pool closes (not a dispatcher you passed in). Resolves
   * once the pool is closed. Safe to call more than once.
   */
  close(): Promise<void> {
    this.#closed = true;
    const inFlight = [...this.#inFlight];
    this.#inFlight.clear();
    for (const controller of inFlight) controller.abort(this.#closedError());
    return this.#transport.close();
  }

  #closedError(): RerankConnectionError {
    const provider = this.#options.provider;
    return new RerankConnectionError(`${provider}: the client is closed`, { provider, code: "CLIENT_CLOSED", retryable: false });
  }

  /** Reranks `documents` against `query`: see {@link RerankRequest}. */
  rerank(request: RerankRequest): Promise<RerankResponse> {
    if (this.#calibration !== undefined) return this.#calibration.run(request, (inner) => this.#rerank(inner));
    return this.#rerank(request);
  }

  async #rerank(request: RerankRequest): Promise<RerankResponse> {
    const o = this.#options;
    const texts = validate(request, o);
    if (this.#closed) throw this.#closedError();
    request.signal?.throwIfAborted();
    // Empty in, empty out: no request, and no configuration check that only a request needs.
    if (texts.length === 0) {
      return {
        results: [],
        model: request.model ?? o.model ?? "",
        provider: o.provider,
        scoreKind: o.scoreKind,
        usage: { requests: 0 },
        requestIds: [],
      };
    }
    const plan = prepareCall(request, texts, o);
    let hooks = this.#hooks;
    let runtime = this.#runtime;
    if (request.hooks !== undefined) {
      // Per-call hooks: combined with the client's for this call only (no cost when unset).
      hooks = this.#callHooks(request.hooks);
      runtime = { ...runtime, hooks };
    }
    if (hooks === undefined) return this.#run(request, plan, undefined, runtime);
    const call: RerankCallInfo = {
      id: `rr-${++callSeq}`,
      provider: o.provider,
      model: plan.model,
      documents: texts.length,
      ...(request.topN === undefined ? {} : { topN: request.topN }),
      ...(request.minScore === undefined ? {} : { minScore: request.minScore }),
    };
    const started = performance.now();
    hooks.onCallStart?.({ call, request });
    try {
      const response = await this.#run(request, plan, call, runtime);
      hooks.onResult?.({ call, response, durationMs: performance.now() - started });
      return response;
    } catch (error) {
      hooks.onError?.({ call, error, durationMs: performance.now() - started });
      throw error;
    }
  }

  /** The client's hooks then `RerankRequest.hooks`, guarded: a throw goes to `onWarning`, never to the call. */
  #callHooks(callHooks: RerankHooks): RerankHooks | undefined {
    const own = this.#hooks;
    const warn = own?.onWarning ? (message: string) => own.onWarning!({ message }) : undefined;
    const guarded = guardHooks(callHooks, warn);
    if (guarded === undefined) return own;
    return own === undefined ? guarded : combineHooks(own, guarded);
  }

  async #run(request: RerankRequest, plan: CallPlan, call: RerankCallInfo | undefined, runtime: ClientRuntime): Promise<RerankResponse> {
    const o = this.#options;
    const response: RerankResponse = {
      results: [],
      model: plan.model,
      provider: o.provider,
      scoreKind: o.scoreKind,
      usage: { requests: 0 },
      requestIds: [],
    };
    // With windows, unique texts are windows: the reported-order fast path does not apply.
    const table = new ScoreTable(plan.unique.length, plan.longDocuments ? -1 : plan.documents);
    const timeoutMs = Math.min(request.timeoutMs ?? o.timeoutMs, MAX_TIMEOUT_MS);
    const callStart = performance.now();
    // The cache step (cache/step.ts): hits fill the table, only the misses are planned and sent.
    const cache = this.#cache;
    const cacheSignal =
      cache && (request.signal ? AbortSignal.any([AbortSignal.timeout(timeoutMs), request.signal]) : AbortSignal.timeout(timeoutMs));
    const lookup = cache && (await applyCache(cache, o, plan, table, cacheSignal));
    if (lookup) {
      if (lookup.warning) this.#hooks?.onWarning?.({ call, message: lookup.warning.message, error: lookup.warning.error });
      request.signal?.throwIfAborted();
      response.usage.cacheHits = lookup.hits;
      response.usage.cacheMisses = lookup.misses.length;
    }
    const controller = new CallAbort();
    const state: CallState = {
      signal: controller.signal,
      deadline: callStart + timeoutMs,
      usage: response.usage,
      requestIds: response.requestIds,
      call,
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
    // One listener per signal however many calls share it (no MaxListenersExceededWarning).
    const unfollow = userSignal === undefined ? undefined : followSignal(userSignal, () => controller.abort(userSignal.reason));
    this.#inFlight.add(controller);

    const { unique, query, model, instruct, topN, batches } = plan;
    let batchNumber = 0;
    // The batch planner's token estimate, for the rate limiter (and an estimated cost).
    const queryTokens = runtime.limiter !== undefined ? estimateTokens(query) : 0;
    let estimatedTokens = 0;
    const prepare = (positions: number[]): PreparedBatch => {
      const documents = positions.map((p) => unique[p]!);
      let tokens = 0;
      if (queryTokens > 0) for (const d of documents) tokens += queryTokens + estimateTokens(d);
      const wire = {
        query,
        documents,
        model,
        // A provider's top-N would cut windows: a document's best window may rank below another
        // document's windows within one batch.
        topN: topN === undefined || plan.longDocuments ? undefined : Math.min(topN, documents.length),
        instruct,
        extraBody: request.extraBody === undefined ? o.extraBody : { ...o.extraBody, ...request.extraBody },
      };
      return { positions, batch: batchNumber++, wire, body: JSON.stringify(o.preset.dialect.buildBody(wire)), tokens };
    };
    const runBatch = async (prepared: PreparedBatch) => {
      estimatedTokens += prepared.tokens ?? 0;
      const batch = await sendBatch(runtime, state, prepared);
      const { positions } = prepared;
      for (const r of batch.results) table.set(positions[r.index]!, r.score);
      if (batch.totalTokens !== undefined) response.usage.totalTokens = (response.usage.totalTokens ?? 0) + batch.totalTokens;
      if (batch.searchUnits !== undefined) response.usage.searchUnits = (response.usage.searchUnits ?? 0) + batch.searchUnits;
    };
    try {
      if (batches.length === 1) await runBatch(prepare(batches[0]!));
      else if (batches.length > 1) await runPipeline(batches, o.concurrency, prepare, runBatch, (error) => controller.abort(error));
    } catch (error) {
      if (userSignal?.aborted) throw userSignal.reason;
      // The last line of defence: every string of the error (code, cause chain, stack) loses every secret.
      throw scrubError(error, o.secrets);
    } finally {
      this.#deadlines.cancel(deadline);
      unfollow?.();
      this.#inFlight.delete(controller);
    }
    if (lookup && lookup.misses.length > 0) {
      const warning = await storeScores(cache!, lookup, table.scores, table.scored, cacheSignal);
      if (warning) this.#hooks?.onWarning?.({ call, message: warning.message, error: warning.error });
    }
    const price = priceFor(o.provider, model, this.#price);
    if (price !== undefined) {
      // The estimate stands in only when the provider reported no tokens (computed then, off the hot path).
      const needsEstimate = response.usage.totalTokens === undefined && price.perMillionTokens !== undefined && queryTokens === 0;
      if (needsEstimate) {
        const perDocument = estimateTokens(query);
        for (const b of batches) for (const u of b) estimatedTokens += perDocument + estimateTokens(unique[u]!);
      }
      response.usage.cost = costOf(price, response.usage, estimatedTokens);
    }
    response.results = mergeResults(table, plan.uniqueOf, {
      longDocuments: plan.longDocuments,
      topN,
      minScore: request.minScore,
      returnDocuments: request.returnDocuments,
      documents: request.documents,
    });
    return response;
  }
}
