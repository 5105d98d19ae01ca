/** ModelSlot: the load-once and one-pass-at-a-time rules both local rerankers share. */
import { describe, expect, it } from "vitest";
import { ModelSlot } from "../src/loader.js";

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("ModelSlot", () => {
  it("loads once for any number of callers", async () => {
    let loads = 0;
    const slot = new ModelSlot(async () => ++loads);
    expect(await Promise.all([slot.get(), slot.get(), slot.run(async (n) => n)])).toEqual([1, 1, 1]);
    expect(loads).toBe(1);
  });

  it("forgets a failed load, so the next call tries again", async () => {
    let loads = 0;
    const slot = new ModelSlot(async () => {
      if (++loads === 1) throw new Error("disk busy");
      return "model";
    });
    await expect(slot.get()).rejects.toThrow("disk busy");
    expect(await slot.get()).toBe("model");
    expect(loads).toBe(2);
  });

  it("runs one pass at a time, in order, and a failed pass does not stop the next", async () => {
    const slot = new ModelSlot(async () => "model");
    const events: string[] = [];
    const first = deferred<void>();
    const started = deferred<void>();
    const a = slot.run(async () => {
      events.push("a starts");
      started.resolve();
      await first.promise;
      events.push("a ends");
      throw new Error("a failed");
    });
    const b = slot.run(async () => {
      events.push("b starts");
      return "b";
    });
    await started.promise;
    expect(events).toEqual(["a starts"]);
    first.resolve();
    await expect(a).rejects.toThrow("a failed");
    expect(await b).toBe("b");
    expect(events).toEqual(["a starts", "a ends", "b starts"]);
  });
});
