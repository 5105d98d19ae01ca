/** DeadlineScheduler: every call's deadline on one timer, driven by fake timers (no wall clock). */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DeadlineScheduler } from "../src/policy/deadlines.js";

beforeEach(() => {
  // performance.now() is faked too: the scheduler reads it for "now".
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("DeadlineScheduler", () => {
  it("runs each deadline at its time, in order, and not before", () => {
    const scheduler = new DeadlineScheduler();
    const fired: string[] = [];
    const t0 = performance.now();
    scheduler.add(t0 + 100, () => fired.push("a"));
    scheduler.add(t0 + 300, () => fired.push("c"));
    scheduler.add(t0 + 200, () => fired.push("b"));
    vi.advanceTimersByTime(99);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(["a"]);
    vi.advanceTimersByTime(199);
    expect(fired).toEqual(["a", "b"]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(["a", "b", "c"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("keeps one timer for any number of deadlines", () => {
    const scheduler = new DeadlineScheduler();
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) scheduler.add(t0 + 1000 + i, () => {});
    expect(vi.getTimerCount()).toBe(1);
  });

  it("re-arms earlier when an earlier deadline arrives", () => {
    const scheduler = new DeadlineScheduler();
    const fired: string[] = [];
    const t0 = performance.now();
    scheduler.add(t0 + 500, () => fired.push("late"));
    scheduler.add(t0 + 50, () => fired.push("early"));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(50);
    expect(fired).toEqual(["early"]);
    vi.advanceTimersByTime(450);
    expect(fired).toEqual(["early", "late"]);
  });

  it("never runs a cancelled deadline, and forgets it (no timer left when all are cancelled)", () => {
    const scheduler = new DeadlineScheduler();
    const fired: string[] = [];
    const t0 = performance.now();
    const a = scheduler.add(t0 + 100, () => fired.push("a"));
    scheduler.add(t0 + 200, () => fired.push("b"));
    scheduler.cancel(a);
    expect(a.onExpire).toBeUndefined();
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual(["b"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("skips a cancelled deadline in the middle of the queue when its time comes", () => {
    const scheduler = new DeadlineScheduler();
    const fired: string[] = [];
    const t0 = performance.now();
    scheduler.add(t0 + 10, () => fired.push("a"));
    const b = scheduler.add(t0 + 10, () => fired.push("b"));
    scheduler.add(t0 + 10, () => fired.push("c"));
    scheduler.cancel(b); // not the head: it stays queued, emptied, and comes due with the others
    vi.advanceTimersByTime(10);
    expect(fired).toEqual(["a", "c"]);
  });

  it("runs deadlines that share a time together, in the order they were added", () => {
    const scheduler = new DeadlineScheduler();
    const fired: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) scheduler.add(t0 + 10, () => fired.push(i));
    vi.advanceTimersByTime(10);
    expect(fired).toEqual([0, 1, 2, 3, 4]);
  });

  it("runs a deadline already past at once (on the next timer turn)", () => {
    const scheduler = new DeadlineScheduler();
    const fired: string[] = [];
    scheduler.add(performance.now() - 5, () => fired.push("past"));
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(0);
    expect(fired).toEqual(["past"]);
  });

  it("waits out a deadline beyond setTimeout's 2^31-1 ms limit instead of firing at once", () => {
    const scheduler = new DeadlineScheduler();
    const fired: string[] = [];
    const far = 2 ** 31 + 10_000;
    scheduler.add(performance.now() + far, () => fired.push("far"));
    vi.advanceTimersByTime(2 ** 31 - 1);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(far - (2 ** 31 - 1));
    expect(fired).toEqual(["far"]);
  });

  it("keeps working after many finished calls (the queue is compacted, later deadlines still fire)", () => {
    const scheduler = new DeadlineScheduler();
    const t0 = performance.now();
    const entries = Array.from({ length: 3000 }, (_, i) => scheduler.add(t0 + 10 + i, () => {}));
    const fired: string[] = [];
    const last = scheduler.add(t0 + 5000, () => fired.push("last"));
    for (const entry of entries) scheduler.cancel(entry);
    vi.advanceTimersByTime(4999);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(["last"]);
    expect(last.onExpire).toBeUndefined();
  });

  it("does not keep the process alive for a pending deadline alone (the timer is unref'd)", () => {
    const unref = vi.fn();
    const real = globalThis.setTimeout;
    const spy = vi.spyOn(globalThis, "setTimeout").mockImplementation(((fn: () => void, ms?: number) => {
      const timer = real(fn, ms);
      const original = timer.unref?.bind(timer);
      timer.unref = () => {
        unref();
        return original ? original() : timer;
      };
      return timer;
    }) as typeof setTimeout);
    try {
      new DeadlineScheduler().add(performance.now() + 100, () => {});
      expect(unref).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});
