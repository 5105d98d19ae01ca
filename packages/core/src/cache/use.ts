/**
 * How a call uses a {@link ScoreCache}: reads and writes that never fail the call. A cache that
 * throws, rejects, answers garbage or is slower than the call's deadline gives misses (or skips
 * the store) and a warning for `hooks.onWarning`.
 */
import type { ScoreCache } from "./types.js";

export interface CacheWarning {
  message: string;
  error?: unknown;
}

/** Resolves when `signal` aborts, never rejects; `off()` removes the listener. */
function whenAborted(signal: AbortSignal | undefined): { promise: Promise<"aborted">; off: () => void } {
  if (signal === undefined) return { promise: new Promise<"aborted">(() => {}), off: () => {} };
  if (signal.aborted) return { promise: Promise.resolve("aborted"), off: () => {} };
  let onAbort: () => void = () => {};
  const promise = new Promise<"aborted">((resolve) => {
    onAbort = () => resolve("aborted");
    signal.addEventListener("abort", onAbort, { once: true });
  });
  return { promise, off: () => signal.removeEventListener("abort", onAbort) };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Cached scores of `keys` (undefined for misses), read within the call's deadline: `signal`
 * aborts when the deadline passes, and the read is abandoned (all misses). Never throws.
 */
export async function readCachedScores(
  cache: ScoreCache,
  keys: readonly string[],
  signal: AbortSignal | undefined,
): Promise<{ scores: (number | undefined)[]; warning?: CacheWarning }> {
  const misses = () => new Array<number | undefined>(keys.length).fill(undefined);
  if (keys.length === 0) return { scores: [] };
  const abort = whenAborted(signal);
  try {
    const read = cache.getMany(keys, signal === undefined ? undefined : { signal });
    const answer = await Promise.race([read, abort.promise]);
    if (answer === "aborted") {
      read.catch(() => {}); // settles later; nobody waits for it
      return { scores: misses(), warning: { message: "score cache read abandoned: the call's deadline passed or it was aborted" } };
    }
    if (!Array.isArray(answer) || answer.length !== keys.length) {
      return {
        scores: misses(),
        warning: {
          message: `score cache answered ${Array.isArray(answer) ? answer.length : typeof answer} values for ${keys.length} keys: ignored`,
        },
      };
    }
    // Anything but a finite number is a miss: a cache is storage, not a trusted provider.
    return { scores: answer.map((v) => (typeof v === "number" && Number.isFinite(v) ? v : undefined)) };
  } catch (error) {
    return { scores: misses(), warning: { message: `score cache read failed: ${describe(error)}`, error } };
  } finally {
    abort.off();
  }
}

/** Stores fresh scores (for `ttlSeconds`, or the cache's own TTL), within the call's deadline. Never throws; a failure is a warning. */
export async function writeCachedScores(
  cache: ScoreCache,
  entries: readonly (readonly [string, number])[],
  signal: AbortSignal | undefined,
  ttlSeconds?: number,
): Promise<CacheWarning | undefined> {
  if (entries.length === 0) return undefined;
  const abort = whenAborted(signal);
  try {
    const write = cache.setMany(entries, {
      ...(signal === undefined ? {} : { signal }),
      ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
    });
    const answer = await Promise.race([write, abort.promise]);
    if (answer === "aborted") {
      write.catch(() => {});
      return { message: "score cache write abandoned: the call's deadline passed or it was aborted" };
    }
    return undefined;
  } catch (error) {
    return { message: `score cache write failed: ${describe(error)}`, error };
  } finally {
    abort.off();
  }
}
