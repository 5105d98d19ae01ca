/** `race`: the one helper that ends a wait on work that ignores its signal (the fetch transport's reads, the limiter's store calls). */
import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { race } from "../src/internal/race.js";

const hang = () => new Promise<never>(() => {});
afterEach(() => vi.useRealTimers());

describe("race", () => {
  it.each([
    ["resolves as the work does", () => Promise.resolve(7), { value: 7 }],
    ["rejects as the work does", () => Promise.reject(new Error("store down")), { error: "store down" }],
    [
      "rejects when the work throws before returning a promise",
      () => {
        throw new Error("sync");
      },
      { error: "sync" },
    ],
  ] as const)("%s, and leaves no listener on the signal", async (_name, run, outcome) => {
    const controller = new AbortController();
    const settled = race(run as () => Promise<number>, controller.signal, { ms: 60_000, error: () => new Error("late") });
    if ("value" in outcome) await expect(settled).resolves.toBe(outcome.value);
    else await expect(settled).rejects.toThrow(outcome.error);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("rejects with the signal's reason when it aborts, though the work never settles", async () => {
    const controller = new AbortController();
    const settled = race(hang, controller.signal);
    const reason = new Error("deadline");
    controller.abort(reason);
    await expect(settled).rejects.toBe(reason);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("rejects at once, without starting the work, when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("closed"));
    const run = vi.fn(hang);
    await expect(race(run, controller.signal)).rejects.toThrow("closed");
    expect(run).not.toHaveBeenCalled();
  });

  it("rejects with the timeout's error after `ms` (fake timers), not before", async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const settled = race(hang, controller.signal, { ms: 150, error: () => new Error("did not answer within 150 ms") });
    let outcome: unknown;
    settled.catch((e: unknown) => {
      outcome = e;
    });
    await vi.advanceTimersByTimeAsync(149);
    expect(outcome).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(String(outcome)).toContain("within 150 ms");
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });
});
