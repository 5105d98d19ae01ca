import { confirmServedModel } from "./cache/served-model.js";
import { type CallLookup, cacheBypass, lookupCallScores, storeCallScores } from "./cache/step.js";
import type { CallState, ClientRuntime } from "./call/attempt.js";
import { callCost, mergeResults, ScoreTable } from "./call/merge.js";
import { type CallPlan, planRequests, prepareCall, resolveExtraBody, validate } from "./call/prepare.js";
import { scheduleBatches } from "./call/schedule.js";
import { RerankConnectionError, RerankTimeoutError } from "./errors.js";
import { combineHooks, guardHooks } from "./hooks.js";
import { MAX_TIMEOUT_MS, resolveOptions, type ResolvedOptions } from "./internal/options.js";
import { DeadlineScheduler } from "./policy/deadlines.js";
import { ReplicaPool } from "./policy/replicas.js";
import { RetryBudget } from "./policy/retry-budget.js";
import type { ProviderId } from "./presets.js";
import { RerankRateLimiter } from "./rate-limit/limiter.js";
import { autoTransport } from "./transport/fetch.js";
import { scrubError } from "./transport/redact.js";
import { CallAbort, type Transport } from "./transport/send.js";
import { followSignal } from "./transport/signals.js";
import type { RerankCallInfo, Reranker, RerankClientOptions, RerankHooks, RerankRequest, RerankResponse } from "./types.js";
import { type CalibrationStep, calibrationStep } from "./calibration/calibrated.js";

export type { RerankClientOptions } from "./types.js";

let callSeq = 0;

/**
 * Reranks documents through a rerank API. One client holds one connection pool: create it once
 * and reuse it; `close()` it when done.
 *
 * A call runs through stages, each in its own file under `call/`: prepare (validate, plan; the
 * cache step in `cache/step.ts`; batches planned once), schedule (bodies built, batches sent with
 * bounded concurrency, each by attempt: one HTTP exchange, retries as `policy/retry.ts` decides),
 * merge. This class holds what they share and the call's lifetime (deadline, abort, close).
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
  /** One timer for every in-flight call's deadline (a timer per call cost ~13 µs a call). */
  readonly #deadlines = new DeadlineScheduler();
  #closed = false;
  /** Every call in flight, so that `close()` can abort them. */
  readonly #inFlight = new Set<CallAbort>();
  /** The `calibration` option's step (calibration/calibrated.ts), wrapped around every call. */
  readonly #calibration: CalibrationStep | undefined;
  /** The cache-bypass warning is given once per client, not once per call. */
  #bypassWarned = false;
  /** So is the warning that /health did not confirm the served model. */
  #unconfirmedWarned = false;

  constructor(options: RerankClientOptions) {
    const o = resolveOptions(options);
    this.#options = o;
    this.provider = o.provider;
    this.model = o.model;
    this.baseURL = o.baseURL;
    // The transport seam: the caller's fetch, the caller's dispatcher, or the client's own undici
    // Agent where undici loads and the runtime's fetch where it does not (chosen at the first
    // request: see transport/fetch.ts).
    this.#transport = autoTransport({ fetch: o.fetch, dispatcher: o.dispatcher, connectionsPerOrigin: o.connectionsPerOrigin });
    const hooks = o.hooks;
    this.#runtime = {
      o,
      facts: { listDependent: undefined },
      transport: this.#transport,
      replicas: o.endpoints.length > 1 ? new ReplicaPool(o.endpoints, o.replicaCoolDownMs) : undefined,
      retryBudget: o.retryBudget ? new RetryBudget(o.retryBudget) : undefined,
      hooks,
      limiter:
        o.rateLimit === undefined
          ? undefined
          : new RerankRateLimiter(o.rateLimit, {
              provider: o.provider,
              // One window per account: keyed by a hash of the credentials, never the credentials.
              apiKey: o.secrets.join("\n") || undefined,
              // Keyless (a self-hosted server): windows and 429 pauses are per server instead.
              endpoints: o.endpoints.map((e) => e.baseURL),
              onWarning: (message, error) => hooks?.onWarning?.({ message, error }),
            }),
    };
    // Checked now: a bad profile is a RerankInputError when the client is built, not at the first call.
    this.#calibration =
      options.calibration === undefined
        ? undefined
        : calibrationStep(options.calibration, { hooks: { onWarning: (event) => hooks?.onWarning?.(event) } });
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
        scoreKind: resolveExtraBody(request, o).scoreKind,
        usage: { requests: 0 },
        requestIds: [],
      };
    }
    const plan = prepareCall(request, texts, o);
    let runtime = this.#runtime;
    if (request.hooks !== undefined) {
      // Per-call hooks: combined with the client's for this call only (no cost when unset).
      runtime = { ...runtime, hooks: this.#callHooks(request.hooks) };
    }
    const hooks = runtime.hooks;
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
    const own = this.#options.hooks;
    const warn = own?.onWarning ? (message: string) => own.onWarning!({ message }) : undefined;
    const guarded = guardHooks(callHooks, warn);
    if (guarded === undefined) return own;
    return own === undefined ? guarded : combineHooks(own, guarded);
  }

  /** The call's state, its one deadline (on the client's scheduler) and its abort; `end()` releases them. */
  #begin(
    request: RerankRequest,
    call: RerankCallInfo | undefined,
    response: RerankResponse,
  ): { state: CallState; controller: CallAbort; end: () => void } {
    const o = this.#options;
    const timeoutMs = Math.min(request.timeoutMs ?? o.timeoutMs, MAX_TIMEOUT_MS);
    const controller = new CallAbort();
    const state: CallState = {
      signal: controller.signal,
      deadline: performance.now() + timeoutMs,
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
    const end = () => {
      this.#deadlines.cancel(deadline);
      unfollow?.();
      this.#inFlight.delete(controller);
    };
    return { state, controller, end };
  }

  /** The cache step (prepare, before batches are planned); undefined when the call does not use the cache. */
  async #lookup(
    plan: CallPlan,
    runtime: ClientRuntime,
    table: ScoreTable,
    state: CallState,
    signal: AbortSignal,
  ): Promise<CallLookup | undefined> {
    const { o } = runtime;
    const bypass = cacheBypass(o, plan);
    if (bypass !== undefined) {
      if (bypass !== "" && !this.#bypassWarned) {
        this.#bypassWarned = true;
        runtime.hooks?.onWarning?.({ call: state.call, message: bypass });
      }
      return undefined;
    }
    // A server that names its own model is asked which one it runs before its hits are served (cache/served-model.ts).
    const confirm = o.preset.serverNamesModel ? () => confirmServedModel(runtime, state, plan.model!) : undefined;
    const lookup = await lookupCallScores(o.cache!, o, plan, runtime.facts, table, signal, confirm);
    if (lookup.warning) runtime.hooks?.onWarning?.({ call: state.call, message: lookup.warning.message, error: lookup.warning.error });
    if (lookup.unconfirmed && !this.#unconfirmedWarned) {
      this.#unconfirmedWarned = true;
      runtime.hooks?.onWarning?.({
        call: state.call,
        message: `score cache hits not served: GET /health did not say which model ${o.preset.label} runs, so every document is sent`,
      });
    }
    state.usage.cacheHits = lookup.hits;
    state.usage.cacheMisses = lookup.misses.length;
    return lookup;
  }

  /** prepare (the cache step, batches planned once) → schedule → merge. */
  async #run(request: RerankRequest, plan: CallPlan, call: RerankCallInfo | undefined, runtime: ClientRuntime): Promise<RerankResponse> {
    const o = this.#options;
    const response: RerankResponse = {
      results: [],
      model: plan.model ?? "",
      provider: o.provider,
      scoreKind: plan.scoreKind,
      usage: { requests: 0 },
      requestIds: [],
    };
    // With windows, unique texts are windows: the reported-order fast path does not apply.
    const table = new ScoreTable(plan.unique.length, plan.longDocuments ? -1 : plan.documents);
    const { state, controller, end } = this.#begin(request, call, response);
    // The cache's reads and writes take an AbortSignal: one that follows the call's own abort
    // (deadline, caller's signal, close), made only when there is a cache.
    let cacheSignal: AbortSignal | undefined;
    if (o.cache !== undefined) {
      const follower = new AbortController();
      controller.addEventListener("abort", () => follower.abort(controller.reason));
      cacheSignal = follower.signal;
    }
    try {
      const lookup = cacheSignal && (await this.#lookup(plan, runtime, table, state, cacheSignal));
      if (controller.aborted) throw controller.reason;
      planRequests(plan, o, runtime.facts);
      const scheduled = await scheduleBatches(runtime, state, plan, table, (error) => controller.abort(error));
      if (scheduled.model !== undefined && plan.model === undefined) response.model = scheduled.model;
      if (lookup && lookup.misses.length > 0) {
        const warning = await storeCallScores(o.cache!, o, plan, lookup, runtime.facts, table, cacheSignal!);
        if (warning) runtime.hooks?.onWarning?.({ call, message: warning.message, error: warning.error });
      }
      const cost = callCost(o, plan, plan.model ?? scheduled.model, response.usage, scheduled.estimatedTokens);
      if (cost !== undefined) response.usage.cost = cost;
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason;
      // The last line of defence: every string of the error (code, cause chain, stack) loses every secret.
      throw scrubError(error, o.secrets);
    } finally {
      end();
    }
    response.results = mergeResults(table, plan.uniqueOf, {
      longDocuments: plan.longDocuments,
      topN: plan.topN,
      minScore: request.minScore,
      returnDocuments: request.returnDocuments,
      documents: request.documents,
    });
    return response;
  }
}
