/**
 * Every in-flight call's deadline on one timer per client. A `setTimeout` + `clearTimeout` pair
 * per call cost about 13 µs (Node re-creates the timer list for the duration each time the last
 * timer of that duration is cleared); this costs an array push and a flag. Deadlines usually
 * arrive in order (one `timeoutMs` for every call), so the queue is kept sorted by insertion
 * from the back, finished entries are dropped from the front as they finish, and the one timer is
 * re-armed only when the earliest deadline moves earlier, or when it fires.
 */

export interface Deadline {
  /** `performance.now()` time at which `onExpire` runs, unless cancelled first. */
  readonly at: number;
  /** Cleared on cancel, so a finished call's state is not kept alive until its deadline. */
  onExpire: (() => void) | undefined;
}

export class DeadlineScheduler {
  #queue: Deadline[] = [];
  #head = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armedAt = Infinity;

  /** Runs `onExpire` at `at` (a `performance.now()` time) unless cancelled first. */
  add(at: number, onExpire: () => void): Deadline {
    const entry: Deadline = { at, onExpire };
    const queue = this.#queue;
    let i = queue.length;
    while (i > this.#head && queue[i - 1]!.at > at) i--;
    if (i === queue.length) queue.push(entry);
    else queue.splice(i, 0, entry);
    if (at < this.#armedAt) this.#arm(at);
    return entry;
  }

  cancel(entry: Deadline): void {
    entry.onExpire = undefined;
    this.#dropFinished();
  }

  #dropFinished(): void {
    const queue = this.#queue;
    while (this.#head < queue.length && queue[this.#head]!.onExpire === undefined) this.#head++;
    if (this.#head === queue.length) {
      queue.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > queue.length) {
      queue.splice(0, this.#head);
      this.#head = 0;
    }
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#armedAt = at;
    // Capped: Node fires a longer timeout after 1 ms. #fire re-arms for whatever is left.
    this.#timer = setTimeout(() => this.#fire(), Math.min(2 ** 31 - 1, Math.max(0, at - performance.now())));
    // In-flight requests keep the process alive; a pending deadline alone must not.
    this.#timer.unref?.();
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedAt = Infinity;
    const now = performance.now();
    const queue = this.#queue;
    while (this.#head < queue.length && queue[this.#head]!.at <= now) {
      const entry = queue[this.#head++]!;
      const onExpire = entry.onExpire;
      entry.onExpire = undefined;
      onExpire?.();
    }
    this.#dropFinished();
    if (this.#head < queue.length) this.#arm(queue[this.#head]!.at);
  }
}
