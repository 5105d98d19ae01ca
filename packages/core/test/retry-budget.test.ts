import { describe, expect, it } from "vitest";
import { RETRY_BUDGET_WINDOW_MS, RetryBudget } from "../src/policy/retry-budget.js";

function clock(start = 0) {
  const c = { t: start, now: () => c.t };
  return c;
}

/** Counts how many retries the budget grants when asked `asks` times in a row. */
function drain(budget: RetryBudget, asks: number): number {
  let granted = 0;
  for (let i = 0; i < asks; i++) if (budget.tryRetry()) granted++;
  return granted;
}

describe("RetryBudget", () => {
  it.each([
    // ratio, floor/s, first attempts, retries asked → granted (no time passes)
    { ratio: 0.2, floor: 10, firsts: 0, asks: 50, granted: 10 },
    { ratio: 0.2, floor: 10, firsts: 100, asks: 100, granted: 30 },
    { ratio: 0.1, floor: 0, firsts: 100, asks: 100, granted: 10 },
    { ratio: 0.1, floor: 0, firsts: 9, asks: 5, granted: 0 },
    { ratio: 0, floor: 3, firsts: 1000, asks: 10, granted: 3 },
    { ratio: 0, floor: 0, firsts: 1000, asks: 10, granted: 0 },
    { ratio: 1, floor: 0, firsts: 7, asks: 10, granted: 7 },
    { ratio: 0, floor: 0.5, firsts: 0, asks: 3, granted: 1 },
  ])(
    "grants $granted of $asks retries after $firsts first attempts (ratio $ratio, floor $floor/s)",
    ({ ratio, floor, firsts, asks, granted }) => {
      const c = clock();
      const budget = new RetryBudget({ ratio, minRetriesPerSecond: floor }, c.now);
      for (let i = 0; i < firsts; i++) budget.deposit();
      expect(drain(budget, asks)).toBe(granted);
    },
  );

  it("refills the floor at minRetriesPerSecond, holding at most one second's worth", () => {
    const c = clock();
    const budget = new RetryBudget({ ratio: 0, minRetriesPerSecond: 4 }, c.now);
    expect(drain(budget, 10)).toBe(4);
    c.t += 500;
    expect(drain(budget, 10)).toBe(2);
    c.t += 60_000;
    expect(drain(budget, 10)).toBe(4);
  });

  it("lets old deposits fade over the window, so a long healthy spell does not bank unlimited retries", () => {
    const c = clock();
    const budget = new RetryBudget({ ratio: 0.2, minRetriesPerSecond: 0 }, c.now);
    for (let i = 0; i < 1000; i++) budget.deposit(); // 200 tokens
    c.t += RETRY_BUDGET_WINDOW_MS * 5; // e^-5 ≈ 0.7 %
    expect(budget.available()).toBeLessThan(2);
    expect(drain(budget, 10)).toBeLessThanOrEqual(1);
  });

  it("keeps retries within ratio × first attempts plus the floor over a steady outage", () => {
    const c = clock();
    const ratio = 0.1;
    const floor = 2;
    const budget = new RetryBudget({ ratio, minRetriesPerSecond: floor }, c.now);
    let firsts = 0;
    let retries = 0;
    // 100 calls a second for 20 s, each failing and asking for 2 retries.
    for (let ms = 0; ms < 20_000; ms += 10) {
      c.t = ms;
      budget.deposit();
      firsts++;
      if (budget.tryRetry()) retries++;
      if (budget.tryRetry()) retries++;
    }
    expect(firsts).toBe(2000);
    expect(retries).toBeLessThanOrEqual(firsts * ratio + floor * (1 + 20));
    expect(retries).toBeGreaterThan(firsts * ratio * 0.5);
  });

  it("never grants a fraction of a token", () => {
    const c = clock();
    const budget = new RetryBudget({ ratio: 0.3, minRetriesPerSecond: 0 }, c.now);
    budget.deposit();
    budget.deposit();
    budget.deposit(); // 0.9
    expect(budget.tryRetry()).toBe(false);
    budget.deposit(); // 1.2
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
  });
});
