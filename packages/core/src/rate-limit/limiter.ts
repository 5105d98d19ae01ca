/**
 * The limiter a client consults before every attempt (retries included): waits for room in the
 * sliding windows of its store, up to the call's deadline, and then refuses with a
 * RerankRateLimitError that names the local limit. Also carries a provider's 429 Retry-After to
 * every process sharing the store (a fleet-wide pause of that provider and API key, or of that
 * endpoint for a keyless self-hosted server), capped at `rateLimit.maxPauseMs`.
 *
 * Every store operation is raced against the call's signal and deadline: a store that hangs (a
 * Redis frozen mid-connection answers nothing until its own timeout) costs a call at most half of
 * the time left before its deadline, and a late answer is ignored as a failure (the call goes on
 * without the store, and is sent in the other half).
 */
import { sha256Hex } from "../cache/key.js";
import { RerankInputError, RerankRateLimitError } from "../errors.js";
import { memoryRateLimitStore } from "./memory-store.js";
import type { RateLimitBudget, RateLimitDecision, RateLimitOptions, RateLimitStore } from "./types.js";
import { race } from "../internal/race.js";
import { sleep } from "../internal/sleep.js";
import type { AbortLike } from "../transport/send.js";

/** The subset of AbortSignal the limiter waits on (core's own call abort has it too). */
export type { AbortLike } from "../transport/send.js";

export interface RateLimiterContext {
  provider: string;
  /** Hashed into the store key; never stored or logged. */
  apiKey: string | undefined;
  /**
   * The base URLs the client sends to. Without an API key (a self-hosted server) they scope the
   * windows and pauses instead: a 429 from server A must not pause the clients of server B.
   */
  endpoints?: readonly string[];
  /** Store failures and fallbacks, once per outage. */
  onWarning?: (message: string, error?: unknown) => void;
  /** The window of the limits. Only tests shorten it. @default 60000 */
  windowMs?: number;
}

/** Admitted points, to correct once the provider reports its usage. */
export interface RateLimitPermit {
  /** Replaces the estimated tokens by the provider's count (no-op without a token limit). */
  correctTokens(reportedTokens: number): void;
}

const NO_PERMIT: RateLimitPermit = { correctTokens() {} };

/** What bounds the store calls of one `acquire`: the call's deadline and signal, and whether the store already hung. */
interface StoreBound {
  readonly deadline: number;
  readonly signal: AbortLike;
  hung: boolean;
}

/** `rateLimit.maxPauseMs`'s default: the 60 s window of the limits. */
const DEFAULT_MAX_PAUSE_MS = 60_000;

function checkLimit(value: number | undefined, field: string, min = 1): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min) {
    const what = min === 0 ? "a non-negative integer" : "a positive integer";
    throw new RerankInputError(`rateLimit.${field} must be ${what} (got ${value})`, { field: `rateLimit.${field}` });
  }
}

export class RerankRateLimiter {
  readonly #store: RateLimitStore;
  readonly #provider: string;
  readonly #requests: RateLimitBudget | undefined;
  readonly #tokens: RateLimitBudget | undefined;
  readonly #onWarning: ((message: string, error?: unknown) => void) | undefined;
  readonly #maxPauseMs: number;
  /**
   * `<provider>:<sha256 of the API key>`: one window per provider account, never the key itself;
   * `<provider>:<sha256 of the endpoints>` without a key (one window per self-hosted server).
   */
  readonly #key: Promise<string>;
  /** True while the store is failing (so the warning comes once per outage). */
  #degraded = false;

  constructor(options: RateLimitOptions, context: RateLimiterContext) {
    checkLimit(options.requestsPerMinute, "requestsPerMinute");
    checkLimit(options.tokensPerMinute, "tokensPerMinute");
    checkLimit(options.maxPauseMs, "maxPauseMs", 0);
    this.#maxPauseMs = options.maxPauseMs ?? DEFAULT_MAX_PAUSE_MS;
    const windowMs = context.windowMs ?? 60_000;
    this.#provider = context.provider;
    this.#store = options.store ?? memoryRateLimitStore();
    this.#requests = options.requestsPerMinute === undefined ? undefined : { name: "requests", limit: options.requestsPerMinute, windowMs };
    this.#tokens = options.tokensPerMinute === undefined ? undefined : { name: "tokens", limit: options.tokensPerMinute, windowMs };
    this.#onWarning = context.onWarning;
    const scope = context.apiKey ? context.apiKey : `endpoints:${(context.endpoints ?? []).join("\n")}`;
    this.#key = sha256Hex(scope).then((h) => `${context.provider}:${h}`);
    this.#key.catch(() => {});
  }

  /** Whether any limit is set (no limit: the limiter still carries fleet pauses). */
  get limited(): boolean {
    return this.#requests !== undefined || this.#tokens !== undefined;
  }

  #warn(message: string, error?: unknown): void {
    if (this.#degraded) return;
    this.#degraded = true;
    try {
      this.#onWarning?.(message, error);
    } catch {
      // A hook that throws never breaks the call.
    }
  }

  #healthy(): void {
    this.#degraded = false;
  }

  /**
   * A store call that cannot fail the call: a failure, or no answer within half of the time left
   * before the call's deadline, warns and answers `fallback`; the call's abort rejects with its
   * reason. Once a store call of this acquire went unanswered, the others are not made (the store
   * hangs: asking again would only eat the rest of the time), so a hung store costs a call at most
   * half of its time, and the request is sent in the other half. Without a `bound` (a correction,
   * made after the call) only the store's own timeout bounds it.
   */
  async #safely<T>(what: string, run: () => Promise<T>, fallback: T, bound?: StoreBound): Promise<T> {
    if (bound?.hung) return fallback;
    try {
      if (bound === undefined) return await run();
      const ms = Math.max(0, (bound.deadline - performance.now()) / 2);
      const late = () => {
        bound.hung = true;
        return new Error(`the store's ${what} did not answer within half of the call's time left (${Math.ceil(ms)} ms)`);
      };
      return await race(run, bound.signal, { ms, error: late });
    } catch (error) {
      if (bound?.signal.aborted && error === bound.signal.reason) throw error;
      this.#warn(`rate-limit store ${what} failed, going on without it: ${error instanceof Error ? error.message : String(error)}`, error);
      return fallback;
    }
  }

  async #consume(key: string, cost: number, budget: RateLimitBudget, bound: StoreBound): Promise<RateLimitDecision> {
    const decision = await this.#safely<RateLimitDecision>(
      "consume",
      () => this.#store.consume(key, cost, budget),
      { ok: true, bucket: Number.NaN },
      bound,
    );
    if (decision.fallback) this.#warn(decision.fallback.message, decision.fallback.error);
    else if (decision.ok && !Number.isNaN(decision.bucket)) this.#healthy();
    return decision;
  }

  /**
   * Waits until the request (and its estimated tokens) fit every window, then records them.
   * `deadline` is on the `performance.now()` clock. Rejects with a RerankRateLimitError (code
   * `LOCAL_RATE_LIMIT`) when the room comes later than the deadline, or with the signal's reason.
   */
  async acquire(estimatedTokens: number, deadline: number, signal: AbortLike): Promise<RateLimitPermit> {
    const key = await this.#key;
    const tokens = Math.max(1, Math.ceil(estimatedTokens));
    const bound: StoreBound = { deadline, signal, hung: false };
    for (;;) {
      if (signal.aborted) throw signal.reason;
      // Capped here too: a store may hold a longer pause (set by an older version, or by hand).
      const paused = Math.min(this.#maxPauseMs, await this.#safely("pause read", () => this.#store.pausedFor(key), 0, bound));
      if (paused > 0) {
        await this.#wait(
          paused,
          deadline,
          signal,
          () =>
            `the provider answered 429 with Retry-After, and every process sharing this limit is paused for ${Math.ceil(paused)} ms more`,
        );
        continue;
      }
      let requestBucket: number | undefined;
      if (this.#requests) {
        const decision = await this.#consume(key, 1, this.#requests, bound);
        if (!decision.ok) {
          await this.#wait(decision.retryInMs, deadline, signal, () => this.#describe(this.#requests!, 1, decision.retryInMs));
          continue;
        }
        requestBucket = decision.bucket;
      }
      if (!this.#tokens) return NO_PERMIT;
      const decision = await this.#consume(key, tokens, this.#tokens, bound);
      if (!decision.ok) {
        // Give the request back: it was not sent.
        if (requestBucket !== undefined && !Number.isNaN(requestBucket)) {
          const requests = this.#requests!;
          await this.#safely("refund", () => this.#store.adjust(key, requestBucket, -1, requests), undefined, bound);
        }
        await this.#wait(decision.retryInMs, deadline, signal, () => this.#describe(this.#tokens!, tokens, decision.retryInMs));
        continue;
      }
      return this.#permit(key, decision.bucket, tokens);
    }
  }

  #permit(key: string, bucket: number, estimated: number): RateLimitPermit {
    const budget = this.#tokens!;
    return {
      correctTokens: (reported) => {
        if (Number.isNaN(bucket) || !Number.isFinite(reported) || reported < 0) return;
        const delta = Math.round(reported) - estimated;
        if (delta !== 0) void this.#safely("correction", () => this.#store.adjust(key, bucket, delta, budget), undefined);
      },
    };
  }

  /**
   * Passes a provider's Retry-After to every process sharing the store, capped at
   * `rateLimit.maxPauseMs`: a `Retry-After: 86400` (or an HTTP date in 9999) would otherwise lock
   * the fleet out for its length, and with Redis outlive every restart.
   */
  async pauseFleet(ms: number): Promise<void> {
    const capped = Math.min(ms, this.#maxPauseMs);
    if (!(capped > 0)) return;
    const key = await this.#key;
    await this.#safely("pause", () => this.#store.pause(key, Math.ceil(capped)), undefined);
  }

  #describe(budget: RateLimitBudget, cost: number, retryInMs: number): string {
    const field = budget.name === "requests" ? "requestsPerMinute" : "tokensPerMinute";
    const windowSeconds = budget.windowMs / 1000;
    if (!Number.isFinite(retryInMs)) {
      return `this request's ${cost} estimated ${budget.name} exceed rateLimit.${field} (${budget.limit} in any ${windowSeconds} s), so it can never be sent: raise the limit or send fewer documents per request`;
    }
    return `rateLimit.${field} (${budget.limit} in any ${windowSeconds} s) has no room for ${cost} more ${budget.name} for ${Math.ceil(retryInMs)} ms`;
  }

  async #wait(ms: number, deadline: number, signal: AbortLike, reason: () => string): Promise<void> {
    const left = deadline - performance.now();
    if (!(ms < left)) {
      const why = reason();
      throw new RerankRateLimitError(
        `${this.#provider}: refused by Rerankit's local rate limit, not by the provider (nothing was sent): ${why}, and the call's deadline is ${Math.max(0, Math.floor(left))} ms away`,
        {
          provider: this.#provider,
          code: "LOCAL_RATE_LIMIT",
          retryable: false,
          retryAfterMs: Number.isFinite(ms) ? Math.ceil(ms) : undefined,
        },
      );
    }
    // A little jitter, so the waiters of a fleet do not all ask again in the same millisecond.
    const delay = Math.ceil(ms + Math.random() * Math.min(25, ms * 0.1));
    await sleep(Math.min(delay, Math.max(0, left - 1)), signal);
  }
}
