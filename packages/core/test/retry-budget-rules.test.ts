/** RetryBudget's edges on an injected clock: canRetry takes nothing, available() counts both sources, no ratio or no floor. */
import { describe, expect, it } from "vitest";
import { RETRY_BUDGET_WINDOW_MS, RetryBudget } from "../src/policy/retry-budget.js";

function clock(start = 1000) {
  const c = { t: start, now: () => c.t };
  return c;
}

describe("RetryBudget edges", () => {
  it("keeps time on performance.now() by default", () => {
    const budget = new RetryBudget({ ratio: 0, minRetriesPerSecond: 2 });
    expect(budget.available()).toBeCloseTo(2, 3);
    expect(budget.canRetry()).toBe(true);
  });

  it("canRetry says whether a token is there without taking it", () => {
    const c = clock();
    const budget = new RetryBudget({ ratio: 0.5, minRetriesPerSecond: 0 }, c.now);
    expect(budget.canRetry()).toBe(false);
    budget.deposit();
    budget.deposit();
    expect(budget.canRetry()).toBe(true);
    expect(budget.canRetry()).toBe(true); // asking twice takes nothing
    expect(budget.tryRetry()).toBe(true);
    expect(budget.canRetry()).toBe(false);
    expect(budget.tryRetry()).toBe(false);
  });

  it("available() is the pool plus the floor, the floor refilling with time up to one second's worth", () => {
    const c = clock();
    const budget = new RetryBudget({ ratio: 0.25, minRetriesPerSecond: 4 }, c.now);
    expect(budget.available()).toBeCloseTo(4, 9); // a full floor, an empty pool
    budget.deposit();
    expect(budget.available()).toBeCloseTo(4.25, 9);
    for (let i = 0; i < 4; i++) expect(budget.tryRetry()).toBe(true); // the floor (the pool has no whole token)
    expect(budget.available()).toBeCloseTo(0.25, 9);
    c.t += 500; // half a second: 2 floor tokens back; the pool fades a little
    expect(budget.available()).toBeCloseTo(0.25 * Math.exp(-500 / RETRY_BUDGET_WINDOW_MS) + 2, 9);
    c.t += 10_000; // the floor holds one second's worth at most
    expect(budget.available()).toBeCloseTo(0.25 * Math.exp(-10_500 / RETRY_BUDGET_WINDOW_MS) + 4, 9);
  });

  it("takes from the pool before the floor", () => {
    const c = clock();
    const budget = new RetryBudget({ ratio: 1, minRetriesPerSecond: 2 }, c.now);
    budget.deposit();
    expect(budget.tryRetry()).toBe(true);
    expect(budget.available()).toBeCloseTo(2, 9); // the pool's token went; the floor is whole
  });

  it("with no ratio, first attempts earn nothing; with no floor, time gives nothing", () => {
    const c = clock();
    const noRatio = new RetryBudget({ ratio: 0, minRetriesPerSecond: 1 }, c.now);
    for (let i = 0; i < 100; i++) noRatio.deposit();
    expect(noRatio.available()).toBeCloseTo(1, 9);
    const noFloor = new RetryBudget({ ratio: 0.5, minRetriesPerSecond: 0 }, c.now);
    expect(noFloor.available()).toBe(0);
    c.t += 60_000;
    expect(noFloor.available()).toBe(0);
    expect(noFloor.tryRetry()).toBe(false);
  });

  it("a clock that steps back does not inflate the pool", () => {
    const c = clock(10_000);
    const budget = new RetryBudget({ ratio: 1, minRetriesPerSecond: 0 }, c.now);
    budget.deposit();
    c.t = 5_000;
    expect(budget.available()).toBeCloseTo(1, 9);
    c.t = 15_000; // 5 s after the deposit, measured from the deposit's time
    expect(budget.available()).toBeCloseTo(Math.exp(-5_000 / RETRY_BUDGET_WINDOW_MS), 9);
  });
});
