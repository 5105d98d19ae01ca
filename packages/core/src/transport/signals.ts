/**
 * One `abort` listener per caller signal, however many calls share it.
 *
 * Node warns (MaxListenersExceededWarning) past ten listeners on one AbortSignal, and a caller
 * that passes one signal to a batch of calls is doing nothing wrong. `AbortSignal.any` would add a
 * listener per call too, so the calls that follow one signal are kept in a set behind a single
 * listener, removed with the last call. Hand-written: no library does this for EventTarget signals.
 */

const followers = new WeakMap<AbortSignal, { listener: () => void; calls: Set<() => void> }>();

/** Runs `onAbort` once when `signal` aborts; the returned function stops following it. */
export function followSignal(signal: AbortSignal, onAbort: () => void): () => void {
  let entry = followers.get(signal);
  if (entry === undefined) {
    const calls = new Set<() => void>();
    const listener = () => {
      followers.delete(signal);
      for (const call of [...calls]) {
        try {
          call();
        } catch (error) {
          // As an EventTarget does: a throwing listener is reported, and the others still run.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
      calls.clear();
    };
    entry = { listener, calls };
    followers.set(signal, entry);
    signal.addEventListener("abort", listener, { once: true });
  }
  const { calls, listener } = entry;
  // A function per call, so that two calls passing the same `onAbort` stay separate.
  const follower = () => onAbort();
  calls.add(follower);
  return () => {
    if (!calls.delete(follower) || calls.size > 0) return;
    if (followers.get(signal)?.calls === calls) followers.delete(signal);
    signal.removeEventListener("abort", listener);
  };
}
