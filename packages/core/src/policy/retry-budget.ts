/**
 * A retry budget shared by every call of one client, so that during an outage retries stop
 * multiplying the load on a struggling server (the idea of Finagle's RetryBudget and gRPC's retry
 * throttling). Pure arithmetic over an injectable clock; the client asks it before each retry.
 *
 * Two token sources:
 * - every first attempt deposits `ratio` tokens into a pool that decays with a 10 s time constant,
 *   so over any stretch of time retries add at most about `ratio` × first attempts;
 * - a small floor refills at `minRetriesPerSecond` (holding at most one second's worth), so a
 *   client that sends few requests can still retry them (at least one token when the rate is above 0).
 * A retry takes one whole token, from the pool first, then from the floor; with none left it is
 * refused and the call fails with the error it had.
 */

export interface RetryBudgetOptions {
  /** Retries allowed per first attempt, e.g. 0.2 = at most 20 % extra requests. */
  ratio: number;
  /** Retries always allowed per second, whatever the traffic (a floor for quiet clients). */
  minRetriesPerSecond: number;
}

/** How long deposits stay useful: a deposit loses 63 % of its value after this many ms. */
export const RETRY_BUDGET_WINDOW_MS = 10_000;

/** One token, less a rounding allowance (ten deposits of 0.1 make a whole token). */
const WHOLE = 1 - 1e-9;

export class RetryBudget {
  readonly #ratio: number;
  readonly #floorRate: number;
  readonly #floorCapacity: number;
  readonly #now: () => number;
  #pool = 0;
  #poolAt: number;
  #floor: number;
  #floorAt: number;

  constructor(options: RetryBudgetOptions, now: () => number = () => performance.now()) {
    this.#ratio = options.ratio;
    this.#floorRate = options.minRetriesPerSecond;
    this.#floorCapacity = options.minRetriesPerSecond > 0 ? Math.max(1, options.minRetriesPerSecond) : 0;
    this.#now = now;
    const t = now();
    this.#poolAt = t;
    this.#floor = this.#floorCapacity;
    this.#floorAt = t;
  }

  /** Records a first attempt (never a retry): it earns `ratio` retry tokens. */
  deposit(): void {
    if (this.#ratio === 0) return;
    this.#decay(this.#now());
    this.#pool += this.#ratio;
  }

  /** Takes one retry token if there is one. False means: do not retry now. */
  tryRetry(): boolean {
    const source = this.#source();
    if (source === "pool") this.#pool -= 1;
    else if (source === "floor") this.#floor -= 1;
    return source !== undefined;
  }

  /** Whether {@link tryRetry} would succeed now, without taking the token (for `decideRetry`'s facts). */
  canRetry(): boolean {
    return this.#source() !== undefined;
  }

  /** Where the next token would come from, after bringing both sources up to now. */
  #source(): "pool" | "floor" | undefined {
    const t = this.#now();
    this.#decay(t);
    if (this.#pool >= WHOLE) return "pool";
    if (this.#floorRate > 0) {
      this.#floor = Math.min(this.#floorCapacity, this.#floor + ((t - this.#floorAt) / 1000) * this.#floorRate);
      this.#floorAt = t;
      if (this.#floor >= WHOLE) return "floor";
    }
    return undefined;
  }

  /** Tokens available now (pool + floor), for tests and diagnostics. */
  available(): number {
    const t = this.#now();
    this.#decay(t);
    const floor = Math.min(this.#floorCapacity, this.#floor + ((t - this.#floorAt) / 1000) * this.#floorRate);
    return this.#pool + floor;
  }

  #decay(t: number): void {
    const dt = t - this.#poolAt;
    if (dt > 0) {
      if (this.#pool > 0) this.#pool *= Math.exp(-dt / RETRY_BUDGET_WINDOW_MS);
      this.#poolAt = t;
    }
  }
}
