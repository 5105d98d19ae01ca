import { describe, expect, it } from "vitest";
import { poolOnClock } from "./helpers/replica-pool.js";

const setup = (n = 3, coolDownMs = 1000) => poolOnClock(n, coolDownMs);

describe("ReplicaPool", () => {
  it("goes round-robin over healthy replicas", () => {
    const { pool } = setup();
    expect(Array.from({ length: 7 }, () => pool.pick())).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });

  it("skips a replica during its cool-down and takes it back after", () => {
    const { c, pool } = setup();
    pool.fail(1);
    expect(Array.from({ length: 4 }, () => pool.pick())).toEqual([0, 2, 0, 2]);
    c.t = 999;
    expect(pool.ready(1)).toBe(false);
    c.t = 1000;
    expect(pool.ready(1)).toBe(true);
    expect(Array.from({ length: 3 }, () => pool.pick())).toEqual([0, 1, 2]);
  });

  it("sends a retry to a replica the call has not tried yet", () => {
    const { pool } = setup();
    expect(pool.pick([0])).toBe(1);
    expect(pool.pick([2])).toBe(0);
    expect(pool.pick([1, 2])).toBe(0);
    expect(pool.pick([0, 1])).toBe(2);
  });

  it("goes back to a tried replica only when it is the only one not cooling down", () => {
    const { pool } = setup();
    pool.fail(1);
    pool.fail(2);
    expect(pool.pick([0])).toBe(0);
  });

  it("probes the replica whose cool-down ends first when every one is cooling down", () => {
    const { c, pool } = setup();
    pool.fail(2);
    c.t = 10;
    pool.fail(0);
    c.t = 20;
    pool.fail(1);
    expect(pool.pick()).toBe(2);
    expect(pool.pick([2])).toBe(2);
  });

  it("returns the failed replica when it is the only healthy one", () => {
    const { pool } = setup(2);
    pool.fail(1);
    expect(pool.pick([0])).toBe(0);
  });

  it("forgets a cool-down when the replica answers again", () => {
    const { pool } = setup();
    pool.fail(0);
    pool.succeed(0);
    expect(pool.ready(0)).toBe(true);
  });

  it("always picks the only replica of a one-URL pool", () => {
    const { pool } = setup(1);
    pool.fail(0);
    expect([pool.pick(), pool.pick([0])]).toEqual([0, 0]);
  });
});
