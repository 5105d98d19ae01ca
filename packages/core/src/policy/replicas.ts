/**
 * A pool of equivalent replicas (self-hosted vLLM/TEI servers with no load balancer in front):
 * round-robin across the ones that are not cooling down, and a cool-down for a replica that just
 * failed with a connection error or a 5xx. Pure bookkeeping over an injectable clock; the client
 * decides what counts as a failure and does the I/O.
 */

/** Where one replica's requests go. */
export interface Endpoint {
  origin: string;
  /** Base URL path prefix + the dialect's path (+ the base URL's query string). */
  path: string;
  /** The replica's base URL as normalised (origin + path prefix). */
  baseURL: string;
  /** The full request URL with any secret removed: what hooks and logs show. */
  url: string;
}

const NONE: readonly number[] = [];

export class ReplicaPool {
  readonly endpoints: readonly Endpoint[];
  readonly #coolDownMs: number;
  readonly #now: () => number;
  /** Time until which each replica is skipped; 0 when healthy. */
  readonly #coolUntil: Float64Array;
  #next = 0;

  constructor(endpoints: readonly Endpoint[], coolDownMs: number, now: () => number = () => performance.now()) {
    if (endpoints.length === 0) throw new RangeError("a replica pool needs at least one endpoint");
    this.endpoints = endpoints;
    this.#coolDownMs = coolDownMs;
    this.#now = now;
    this.#coolUntil = new Float64Array(endpoints.length);
  }

  /**
   * The replica for the next attempt: the next one in round-robin order that is not cooling down,
   * skipping the replicas this call already `tried` while another one is available. When every
   * replica is cooling down, the one whose cool-down ends first (a probe beats giving up).
   */
  pick(tried: readonly number[] = NONE): number {
    const i = this.peek(tried);
    this.take(i, tried);
    return i;
  }

  /** What {@link pick} would return, without moving the round-robin position. */
  peek(tried: readonly number[] = NONE): number {
    const n = this.endpoints.length;
    if (n === 1) return 0;
    const t = this.#now();
    let fallback = -1;
    for (let k = 0; k < n; k++) {
      const i = (this.#next + k) % n;
      if (this.#coolUntil[i]! > t) continue;
      if (!tried.includes(i)) return i;
      if (fallback < 0) fallback = i;
    }
    if (fallback >= 0) return fallback;
    let soonest = 0;
    for (let i = 1; i < n; i++) if (this.#coolUntil[i]! < this.#coolUntil[soonest]!) soonest = i;
    return soonest;
  }

  /** Records that replica `i` (from {@link peek}) is used: a fresh, healthy one moves the round-robin position past it. */
  take(i: number, tried: readonly number[] = NONE): void {
    if (this.endpoints.length > 1 && this.ready(i) && !tried.includes(i)) this.#next = (i + 1) % this.endpoints.length;
  }

  /** Whether replica `i` is outside its cool-down now. */
  ready(i: number): boolean {
    return this.#coolUntil[i]! <= this.#now();
  }

  /** Replica `i` failed (connection error, 5xx): skip it for the cool-down, or longer if it asked to be left alone longer. */
  fail(i: number, retryAfterMs = 0): void {
    this.#coolUntil[i] = this.#now() + Math.max(this.#coolDownMs, retryAfterMs);
  }

  /** Replica `i` answered: it is healthy again. */
  succeed(i: number): void {
    this.#coolUntil[i] = 0;
  }
}
