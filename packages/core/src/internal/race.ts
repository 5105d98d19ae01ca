import type { AbortLike } from "../transport/send.js";

/**
 * Settles as `run()` does, or rejects with the signal's reason as soon as it aborts, whether or
 * not `run` honours the signal (a user's `fetch`, a body stream, a hung rate-limit store); with a
 * `timeout`, rejects with its error after `ms`. What `run` started goes on; its late answer is
 * dropped. By hand: one promise, one listener and one timer; `AbortSignal.any` and friends cannot
 * end a promise that ignores them.
 */
export function race<T>(run: () => Promise<T>, signal: AbortLike, timeout?: { ms: number; error: () => Error }): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = () => {
      if (timer !== undefined) clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      done();
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    if (timeout !== undefined) {
      timer = setTimeout(() => {
        done();
        reject(timeout.error());
      }, timeout.ms);
    }
    let pending: Promise<T>;
    try {
      pending = run();
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (value) => {
        done();
        resolve(value);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}
