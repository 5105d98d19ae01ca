/**
 * Retry policy as pure functions: what is retried, how long to wait, and what the server asked for.
 * No I/O here; the client feeds these the facts and does the waiting.
 */
import type { IncomingHttpHeaders } from "node:http";

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
