/**
 * Hand-written readers for well-formed replies. zod's `parse` costs ~3–5 µs and a copy of every
 * result object per reply; these take the common, plainly valid shapes themselves and return
 * `undefined` for anything else, which then goes through the dialect's zod schema (to word the
 * error, or to accept what only zod's rules accept). Each accepts only what the zod schema it
 * stands in for accepts: `test/fast-read.test.ts` checks that with arbitrary bodies.
 */
import type { WireResult } from "./dialect.js";

/** A non-null, non-array object (what `z.object` takes). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What `z.number().nullish()` takes (zod 4 numbers are finite). */
export function isCount(value: unknown): value is number | null | undefined {
  return value === undefined || value === null || (typeof value === "number" && Number.isFinite(value));
}

/** What `z.string().nullish()` takes. */
export function isNullishString(value: unknown): value is string | null | undefined {
  return value === undefined || value === null || typeof value === "string";
}

/**
 * `list` read as `z.array(z.object({ index: z.number(), [scoreKey]: z.number() }))` and mapped to
 * `{ index, score }`, or `undefined` when it is not plainly that.
 */
export function readScoredList(list: unknown, scoreKey: string): WireResult[] | undefined {
  if (!Array.isArray(list)) return undefined;
  const results = new Array<WireResult>(list.length);
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    if (!isRecord(item)) return undefined;
    const index = item.index;
    const score = item[scoreKey];
    if (typeof index !== "number" || !Number.isFinite(index) || typeof score !== "number" || !Number.isFinite(score)) return undefined;
    results[i] = { index, score };
  }
  return results;
}

/** `value` is nullish, or an object whose `keys` are all nullish finite numbers. */
export function isNullishCounts(value: unknown, keys: readonly string[]): boolean {
  if (value === undefined || value === null) return true;
  if (!isRecord(value)) return false;
  for (const key of keys) if (!isCount(value[key])) return false;
  return true;
}
