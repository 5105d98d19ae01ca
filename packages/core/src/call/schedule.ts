/**
 * Stage 2 of a call: the batches of a plan, with bounded concurrency and bodies built ahead.
 */

/** The next event-loop turn: `setImmediate` where the runtime has it (Node, Bun, Deno), else a 0 ms timer (edge runtimes). */
const onNextTurn: (callback: () => void) => void =
  typeof globalThis.setImmediate === "function" ? (callback) => globalThis.setImmediate(callback) : (callback) => setTimeout(callback, 0);

const nextTurn = () => new Promise<void>((resolve) => onNextTurn(resolve));

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
export async function runPipeline<T, P extends { body: string }>(
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
    onNextTurn(buildAhead);
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
