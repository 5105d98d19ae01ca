/**
 * Retry policy as pure functions: what is retried, how long to wait, and what the server asked for.
 * No I/O here; the client feeds these the facts and does the waiting.
 */
import type { IncomingHttpHeaders } from "node:http";
import { RerankConnectionError, type RerankError, RerankRateLimitError } from "../errors.js";

/** 408, 429 and 5xx but 501 are retried; every other status is final. */
export function isRetryableStatus(status: number): boolean {
  if (status === 408 || status === 429) return true;
  return status >= 500 && status <= 599 && status !== 501;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The wait a server asked for, in milliseconds: `retry-after-ms`, else `Retry-After` as seconds or
 * as an HTTP date (relative to `now`). Undefined when absent or unreadable; never negative.
 */
export function parseRetryAfter(headers: IncomingHttpHeaders, now: number = Date.now()): number | undefined {
  const ms = header(headers, "retry-after-ms");
  if (ms !== undefined && ms.trim() !== "") {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = header(headers, "retry-after")?.trim();
  if (!after) return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return Number(after) * 1000;
  // An HTTP date names its day and month; anything else (e.g. "-3") is unreadable, not "now".
  if (!/[a-z]{3}/i.test(after)) return undefined;
  const date = Date.parse(after);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export interface BackoffOptions {
  /** Wait before the first retry. */
  initialDelayMs: number;
  /** Cap for any computed wait (a server's `Retry-After` is never capped: it is honoured or we give up). */
  maxDelayMs: number;
}

/**
 * Exponential backoff with jitter: `initial * 2^(retry-1)`, capped, then scaled by a random
 * factor in [0.75, 1] so that clients that failed together do not retry together.
 * `retry` counts from 1. `random` is injectable for tests.
 */
export function backoffDelay(retry: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponential = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.max(0, retry - 1));
  return exponential * (1 - 0.25 * random());
}

/** The wait before the next attempt: never earlier than the server asked for. */
export function retryDelay(retry: number, retryAfterMs: number | undefined, options: BackoffOptions, random?: () => number): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  return backoffDelay(retry, options, random);
}

/** What the I/O loop knows after a failed attempt: plain values, no sockets. */
export interface RetryFacts {
  /** The attempt's error (`attempts` already set). */
  error: RerankError;
  /** Attempts made so far for this batch, counting from 1. */
  attempt: number;
  maxRetries: number;
  /** The wait the server asked for (`Retry-After`), if it did. */
  retryAfterMs: number | undefined;
  /** Milliseconds left before the call's deadline. */
  msLeft: number;
  backoff: BackoffOptions;
  /** The replica the attempt went to (0 without a pool). */
  replica: number;
  /**
   * With a replica pool: the replica the pool would pick next, whether this call already tried it
   * and whether it is outside its cool-down now. Undefined for a single base URL.
   */
  next?: { replica: number; tried: boolean; ready: boolean } | undefined;
  /** The client's retry budget: `"off"`, or whether a token is available now. */
  budget: "off" | "available" | "spent";
  /** Injectable for tests. */
  random?: (() => number) | undefined;
}

/**
 * What to do after a failed attempt. `note`: why it was not retried, for the caller to append to
 * the error's message (the decision never changes the error it was given). `spendBudget`: take a
 * retry-budget token before waiting.
 */
export type RetryDecision =
  | { kind: "fail"; error: RerankError; note?: string }
  | { kind: "wait"; delayMs: number; replica: number; spendBudget: boolean };

/** A replica that failed at the connection or answered 5xx is skipped for its cool-down. */
export function isReplicaFailure(error: RerankError): boolean {
  return error instanceof RerankConnectionError || (error.status !== undefined && error.status >= 500);
}

/**
 * The whole retry decision, as guard clauses over plain facts: final errors and spent retries
 * fail; failing over to a fresh, healthy replica waits nothing and spends no budget (it shifts
 * load rather than adding to it; the backoff and Retry-After belong to the failed replica);
 * otherwise a retry needs a budget token, and waits the backoff or the server's `Retry-After`,
 * unless that wait would pass the deadline.
 */
export function decideRetry(facts: RetryFacts): RetryDecision {
  const { error, attempt, retryAfterMs, next } = facts;
  if (!error.retryable || attempt > facts.maxRetries) return { kind: "fail", error };
  const failover = next !== undefined && isReplicaFailure(error) && !next.tried && next.ready;
  if (!failover && facts.budget === "spent") {
    return { kind: "fail", error, note: " (not retried: the client's retry budget is spent, too many retries lately)" };
  }
  const delayMs = failover ? 0 : retryDelay(attempt, retryAfterMs, facts.backoff, facts.random);
  if (delayMs >= facts.msLeft) {
    if (retryAfterMs !== undefined && error instanceof RerankRateLimitError) {
      return {
        kind: "fail",
        error: new RerankRateLimitError(
          `${error.message} (the server asked to wait ${Math.ceil(retryAfterMs)} ms, more than the ${Math.max(0, Math.floor(facts.msLeft))} ms left before the deadline)`,
          {
            provider: error.provider,
            status: error.status,
            code: error.code,
            requestId: error.requestId,
            retryable: true,
            attempts: attempt,
            retryAfterMs,
          },
        ),
      };
    }
    return { kind: "fail", error };
  }
  return { kind: "wait", delayMs, replica: next?.replica ?? facts.replica, spendBudget: !failover && facts.budget === "available" };
}
