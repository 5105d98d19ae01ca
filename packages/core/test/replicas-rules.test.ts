/** ReplicaPool's choices where several rules meet, on an injected clock (replicas.test.ts has the basics). */
import { describe, expect, it } from "vitest";
import { ReplicaPool } from "../src/policy/replicas.js";
import { poolOnClock, replicaEndpoints } from "./helpers/replica-pool.js";

const setup = (n = 4, coolDownMs = 1000) => poolOnClock(n, coolDownMs);

describe("ReplicaPool rules", () => {
  it("keeps time on performance.now() by default", () => {
    const pool = new ReplicaPool(replicaEndpoints(2), 60_000);
    pool.fail(0);
    expect(pool.ready(0)).toBe(false);
    expect(pool.pick()).toBe(1);
  });

  it("goes back to the first tried replica in round-robin order even when its old cool-down is over but not cleared", () => {
    const { c, pool } = setup(2, 1000);
    pool.fail(0); // cools until 1,000; never answered since
    c.t = 2000;
    // Both healthy and both tried: the first in round-robin order (0), not the one with the earliest cool-down end (1).
    expect(pool.peek([0, 1])).toBe(0);
  });

  it("picking a replica that is still cooling down (every one is) leaves the round-robin position alone", () => {
    const { c, pool } = setup(3, 1000);
    pool.fail(0);
    c.t = 10;
    pool.fail(1);
    pool.fail(2);
    expect(pool.pick()).toBe(0); // the soonest to cool down
    for (const i of [0, 1, 2]) pool.succeed(i);
    expect(pool.pick()).toBe(0); // the position did not move past 0
  });

  it("refuses an empty pool", () => {
    expect(() => new ReplicaPool([], 1000)).toThrow(RangeError);
    expect(() => new ReplicaPool([], 1000)).toThrow(/at least one endpoint/);
  });

  it("with every healthy replica tried, goes back to the first of them in round-robin order", () => {
    const { pool } = setup();
    pool.fail(3);
    // 3 is cooling down; of the healthy ones, 1 is the only one this call has not tried.
    expect(pool.peek([0, 2])).toBe(1);
    // Every healthy one tried: the first in round-robin order from the position (0), not the last.
    expect(pool.peek([0, 1, 2])).toBe(0);
    pool.pick(); // position moves past 0
    expect(pool.peek([0, 1, 2])).toBe(1);
  });

  it("a tried replica picked again does not move the round-robin position", () => {
    const { pool } = setup();
    expect(pool.pick([0, 1, 2, 3])).toBe(0);
    expect(pool.pick()).toBe(0);
    expect(pool.pick()).toBe(1);
  });

  it("a replica cooling down picked as the only choice does not move the round-robin position", () => {
    const { c, pool } = setup(2);
    pool.fail(0);
    pool.fail(1);
    c.t = 10;
    expect(pool.pick()).toBe(0); // both cooling, same end: the first
    pool.succeed(1);
    expect(pool.pick()).toBe(1);
    expect(pool.pick()).toBe(1); // 0 still cooling
    pool.succeed(0);
    expect(pool.pick()).toBe(0);
  });

  it("when every replica cools down, probes the one whose cool-down ends first, ties to the lowest", () => {
    const { c, pool } = setup();
    pool.fail(0, 5000);
    c.t = 100;
    pool.fail(1, 3000);
    pool.fail(2, 3000);
    c.t = 200;
    pool.fail(3, 4000);
    expect(pool.peek()).toBe(1); // 1 and 2 both end at 3,100: the lower index
    c.t = 3100;
    expect(pool.peek()).toBe(1); // ready again exactly at its end
    expect(pool.ready(1)).toBe(true);
    expect(pool.ready(3)).toBe(false);
  });

  it("a one-replica pool always answers 0, cooling down or not, and never moves", () => {
    const { pool } = setup(1);
    pool.fail(0);
    expect(pool.peek([0])).toBe(0);
    expect(pool.pick([0])).toBe(0);
    expect(pool.ready(0)).toBe(false);
  });

  it("a Retry-After longer than the cool-down keeps the replica out for that long", () => {
    const { c, pool } = setup(2, 1000);
    pool.fail(0, 2500);
    c.t = 2499;
    expect(pool.ready(0)).toBe(false);
    c.t = 2500;
    expect(pool.ready(0)).toBe(true);
    pool.fail(1, 10);
    c.t = 3499;
    expect(pool.ready(1)).toBe(false); // a short Retry-After does not shorten the cool-down
  });
});
