/** RankGPT's sliding windows and answer parsing. Pure. */

/** One window: positions `start` (inclusive) to `end` (exclusive) of the current ranking. */
export interface Window {
  start: number;
  end: number;
}

/**
 * The windows of one pass, in the order they run: from the bottom of the list to the top, each
 * `step` above the last, so whatever is in a window's top `windowSize − step` places rides into the
 * next window up. For n documents that is ⌈(n − windowSize) / step⌉ + 1 windows (one when
 * n ≤ windowSize; none for fewer than two documents: there is nothing to order).
 */
export function slidingWindows(n: number, windowSize: number, step: number): Window[] {
  if (n < 2) return [];
  const windows: Window[] = [];
  let end = n;
  for (;;) {
    const start = Math.max(0, end - windowSize);
    windows.push({ start, end });
    if (start === 0) return windows;
    end -= step;
  }
}

/** RankGPT models sometimes think aloud in tags; identifiers inside them are not the answer. */
const THINKING = /<think>[\s\S]*?(<\/think>|$)/gi;
const BRACKETED = /\[\s*(\d+)\s*\]/g;
const BARE = /\d+/g;

/**
 * Reads a ranking answer such as `[2] > [1] > [3]` for a window of `size` passages into a
 * permutation of 0..size−1, never losing or duplicating a passage: text around the identifiers is
 * ignored (bracketed identifiers are read when there are any, bare numbers otherwise), identifiers
 * outside 1..size are dropped, a repeated one keeps its first place, and the ones never named follow
 * in their previous order.
 */
export function parsePermutation(answer: string, size: number): number[] {
  const text = answer.replace(THINKING, " ");
  let ids = [...text.matchAll(BRACKETED)].map((m) => Number(m[1]));
  if (ids.length === 0) ids = [...text.matchAll(BARE)].map((m) => Number(m[0]));
  const seen = new Uint8Array(size);
  const order: number[] = [];
  for (const id of ids) {
    const i = id - 1;
    if (!Number.isSafeInteger(id) || i < 0 || i >= size || seen[i] === 1) continue;
    seen[i] = 1;
    order.push(i);
  }
  for (let i = 0; i < size; i++) if (seen[i] === 0) order.push(i);
  return order;
}
