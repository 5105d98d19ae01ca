/**
 * Stage 3 of a call: one batch, sent until it succeeds or `decideRetry` says to fail. `exchange`
 * is one HTTP exchange read into plain values and checked; `sendBatch` carries out the retry
 * policy's answers (it decides nothing itself). The rate limiter, when set, waits before each
 * `exchange`.
 */
import type { IncomingHttpHeaders } from "node:http";
import { checkEntries } from "../check.js";
import { LIST_DEPENDENT_HEADER, type WireBatch, type WireRequest } from "../providers/shared/dialect.js";
import { RerankConnectionError, RerankError, RerankResponseError } from "../errors.js";
import type { ResolvedOptions } from "../internal/options.js";
import type { ServerFacts } from "./prepare.js";
import type { ReplicaPool } from "../policy/replicas.js";
import { decideRetry, isReplicaFailure, parseRetryAfter } from "../policy/retry.js";
import type { RetryBudget } from "../policy/retry-budget.js";
import { errorFromStatus, readErrorText, requestIdFromHeaders } from "../transport/error-factory.js";
import { scrub } from "../transport/redact.js";
import { type AbortLike, ResponseTooLargeError, type Transport, utf8 } from "../transport/send.js";
import type { RerankCallInfo, RerankHooks, RerankUsage } from "../types.js";
import type { RateLimitPermit, RerankRateLimiter } from "../rate-limit/limiter.js";
import { sleep } from "../internal/sleep.js";

/** What every call of one client shares, resolved once in the constructor. */
export interface ClientRuntime {
  readonly o: ResolvedOptions;
  /** What the replies said about the server (list dependence), shared by the client's calls. */
  readonly facts: ServerFacts;
  readonly transport: Transport;
  /** Undefined for a single base URL, so the common path does no pool bookkeeping. */
  readonly replicas: ReplicaPool | undefined;
  readonly retryBudget: RetryBudget | undefined;
  /** Guarded hooks, or undefined: then no event object is ever built. */
  readonly hooks: RerankHooks | undefined;
  /** `rateLimit`'s limiter (rate-limit/limiter.ts), consulted before every attempt. */
  readonly limiter?: RerankRateLimiter | undefined;
}

/** One call's shared state. */
export interface CallState {
  signal: AbortLike;
  /** `performance.now()` time of the call's deadline. */
  deadline: number;
  usage: RerankUsage;
  requestIds: string[];
  /** Set only when hooks are. */
  call: RerankCallInfo | undefined;
}

/** One batch, its body already serialised (built in the schedule stage, see schedule.ts). */
export interface PreparedBatch {
  /** Positions in the plan's `unique` texts. */
  positions: number[];
  /** The batch's number within the call, from 0. */
  batch: number;
  wire: WireRequest;
  body: string;
  /** The planner's token estimate for the batch (set when a rate limiter or a price needs it). */
  tokens?: number;
}

/** What one HTTP exchange came to, when it did not throw: a checked batch, or a failure to weigh. */
type Outcome = { batch: WireBatch; error?: undefined } | { batch?: undefined; error: RerankError; retryAfterMs: number | undefined };

/** undici error codes that a retry cannot change. */
const FINAL_TRANSPORT_CODES = new Set(["UND_ERR_INVALID_ARG", "UND_ERR_DESTROYED", "UND_ERR_CLOSED", "UND_ERR_NOT_SUPPORTED"]);

/** Sends one batch, retrying where `decideRetry` says, and returns the provider's answer read into plain values. */
export async function sendBatch(rt: ClientRuntime, state: CallState, prepared: PreparedBatch): Promise<WireBatch> {
  const { o, replicas, retryBudget, hooks } = rt;
  let replica = replicas ? replicas.pick() : 0;
  const tried: number[] | undefined = replicas ? [replica] : undefined;
  retryBudget?.deposit();
  for (let attempt = 1; ; attempt++) {
    const permit = rt.limiter === undefined ? undefined : await waitForRoom(rt.limiter, state, prepared, attempt);
    const outcome = await exchange(rt, state, prepared, replica, attempt);
    if (outcome.error === undefined) {
      if (permit !== undefined && outcome.batch.totalTokens !== undefined) permit.correctTokens(outcome.batch.totalTokens);
      return outcome.batch;
    }
    const { error, retryAfterMs } = outcome;
    // A 429's Retry-After holds for every process sharing the rate-limit store.
    if (rt.limiter !== undefined && error.status === 429 && retryAfterMs !== undefined) void rt.limiter.pauseFleet(retryAfterMs);
    error.attempts = attempt;
    // A replica that asked for a longer wait (Retry-After) is skipped at least that long.
    if (replicas && isReplicaFailure(error)) replicas.fail(replica, retryAfterMs);
    let next: { replica: number; tried: boolean; ready: boolean } | undefined;
    if (replicas && error.retryable && attempt <= o.maxRetries) {
      const r = replicas.peek(tried);
      next = { replica: r, tried: tried!.includes(r), ready: replicas.ready(r) };
    }
    const decision = decideRetry({
      error,
      attempt,
      maxRetries: o.maxRetries,
      retryAfterMs,
      msLeft: state.deadline - performance.now(),
      backoff: o.backoff,
      replica,
      next,
      budget:
        retryBudget === undefined ? "off" : error.retryable && attempt <= o.maxRetries && retryBudget.canRetry() ? "available" : "spent",
    });
    if (decision.kind === "fail") {
      if (decision.note !== undefined) decision.error.message += decision.note;
      throw decision.error;
    }
    if (decision.spendBudget) retryBudget!.tryRetry();
    if (replicas) {
      replicas.take(decision.replica, tried);
      tried!.push(decision.replica);
      replica = decision.replica;
    }
    if (hooks?.onRetry) hooks.onRetry({ call: state.call!, attempt, batch: prepared.batch, delayMs: decision.delayMs, error });
    try {
      await sleep(decision.delayMs, state.signal);
    } catch {
      throw withAttempts(state.signal.reason, attempt);
    }
  }
}

/** The rate limiter's turn before an attempt: waits for room up to the deadline, or throws (its refusal, or the call's abort). */
async function waitForRoom(
  limiter: RerankRateLimiter,
  state: CallState,
  prepared: PreparedBatch,
  attempt: number,
): Promise<RateLimitPermit> {
  try {
    return await limiter.acquire(prepared.tokens ?? 0, state.deadline, state.signal);
  } catch (refused) {
    throw withAttempts(state.signal.aborted ? state.signal.reason : refused, attempt - 1);
  }
}

/** One HTTP exchange: send, read the reply into plain values, check it. Throws what no retry can change. */
async function exchange(rt: ClientRuntime, state: CallState, prepared: PreparedBatch, replica: number, attempt: number): Promise<Outcome> {
  const { o, hooks } = rt;
  state.usage.requests++;
  const endpoint = rt.replicas ? rt.replicas.endpoints[replica]! : o.endpoints[0]!;
  if (hooks?.onRequest) {
    hooks.onRequest({ call: state.call!, attempt, batch: prepared.batch, url: endpoint.url, documents: prepared.wire.documents.length });
  }
  const started = hooks?.onResponse ? performance.now() : 0;
  try {
    const reply = await rt.transport.send({
      origin: endpoint.origin,
      path: endpoint.path,
      headers: o.headers,
      body: prepared.body,
      maxResponseBytes: o.maxResponseBytes,
      signal: state.signal,
      deadline: state.deadline,
    });
    const rawRequestId = requestIdFromHeaders(reply.headers);
    const headerRequestId = rawRequestId === undefined ? undefined : scrub(rawRequestId, o.secrets);
    if (hooks?.onResponse) {
      hooks.onResponse({
        call: state.call!,
        attempt,
        batch: prepared.batch,
        status: reply.status,
        durationMs: performance.now() - started,
        requestId: headerRequestId,
      });
    }
    if (reply.status >= 200 && reply.status < 300) {
      rt.replicas?.succeed(replica);
      const batch = parseReply(o, reply.body, reply.headers, headerRequestId);
      const requestId = batch.requestId ?? headerRequestId;
      if (requestId !== undefined) state.requestIds.push(requestId);
      // Checked here so that a broken answer's error counts the attempts made.
      checkBatch(o, batch, prepared.wire.documents.length, prepared.wire.topN);
      return { batch };
    }
    const retryAfterMs = parseRetryAfter(reply.headers);
    const { info } = readErrorText(utf8(reply.body));
    const error = errorFromStatus({
      provider: o.provider,
      status: reply.status,
      info,
      headerRequestId,
      retryAfterMs,
      secrets: o.secrets,
      hint: o.preset.dialect.statusHint?.(reply.status, info),
    });
    return { error, retryAfterMs };
  } catch (caught) {
    if (state.signal.aborted) throw withAttempts(state.signal.reason, attempt);
    if (RerankError.isInstance(caught)) throw withAttempts(caught, attempt);
    if (caught instanceof ResponseTooLargeError) {
      throw new RerankResponseError(`${o.provider}: the response body exceeded maxResponseBytes (${caught.limit} bytes)`, {
        provider: o.provider,
        attempts: attempt,
      });
    }
    // Any thrown value is wrapped, `null` and `undefined` included (a custom dispatcher may fail with anything).
    const code = typeof caught === "object" && caught !== null ? (caught as { code?: unknown }).code : undefined;
    const error = new RerankConnectionError(`${o.provider}: connection failed: ${scrub(describe(caught), o.secrets)}`, {
      provider: o.provider,
      // undici's own refusals (a closed pool, an argument it rejects) fail the same way every time.
      retryable: typeof code !== "string" || !FINAL_TRANSPORT_CODES.has(code),
      // A custom dispatcher can put anything in `code`: scrubbed like the message.
      code: typeof code === "string" ? scrub(code, o.secrets) : undefined,
    });
    return { error, retryAfterMs: undefined };
  }
}

/** A 2xx body read by the provider's dialect into plain values. */
function parseReply(o: ResolvedOptions, body: Uint8Array, headers: IncomingHttpHeaders, headerRequestId: string | undefined): WireBatch {
  const init = { provider: o.provider, status: 200, requestId: headerRequestId };
  const text = utf8(body);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const what = /^\s*</.test(text) ? "an HTML page" : text.trim() === "" ? "an empty body" : "invalid JSON";
    throw new RerankResponseError(`${o.provider} answered HTTP 200 with ${what} instead of a rerank response`, init);
  }
  try {
    const batch = o.preset.dialect.parseResponse(json, headers);
    // A gateway may echo the Authorization header into the body's id: scrub it like the header's.
    if (batch.requestId !== undefined) batch.requestId = scrub(batch.requestId, o.secrets);
    // Any server may say whether its scores depend on the whole list (`rerankit serve` does).
    const listDependent = headers[LIST_DEPENDENT_HEADER];
    if (listDependent === "true" || listDependent === "false") batch.listDependent = listDependent === "true";
    return batch;
  } catch (error) {
    if (RerankError.isInstance(error)) throw error;
    const issue = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues?.[0];
    const where = issue ? `${issue.path.map(String).join(".") || "body"}: ${issue.message}` : describe(error);
    throw new RerankResponseError(`${o.provider} answered a response of the wrong shape (${where})`, init);
  }
}

/**
 * The result checker's rules (core's `checkEntries`) on one provider reply: every index an integer
 * in range and unique, every score finite, and no document missing (a provider may return more
 * than a top-N, never fewer).
 */
function checkBatch(o: ResolvedOptions, batch: WireBatch, size: number, topN: number | undefined): void {
  const problem = checkEntries(batch.results, size, (r) => r.score);
  const init = () => ({ provider: o.provider, requestId: batch.requestId === undefined ? undefined : scrub(batch.requestId, o.secrets) });
  if (problem !== undefined) {
    const { index } = problem;
    const what =
      problem.problem === "range"
        ? `index ${index}, outside the ${size} documents sent`
        : problem.problem === "repeat"
          ? `index ${index} twice`
          : `a non-finite score for index ${index}`;
    throw new RerankResponseError(`${o.provider} returned ${what}`, init());
  }
  const expected = topN ?? size;
  if (batch.results.length < expected) {
    throw new RerankResponseError(
      `${o.provider} returned ${batch.results.length} results for ${size} documents (expected ${expected})`,
      init(),
    );
  }
}

export function describe(error: unknown): string {
  if (error === null || error === undefined) return `the transport failed with ${String(error)} (no error given)`;
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
