import { describe, expect, it } from "vitest";
import { count } from "../examples/lib/format.js";

describe("the demo's counts", () => {
  it.each([
    [0, "0 queries"],
    [1, "1 query"],
    [2, "2 queries"],
  ])("%i", (n, expected) => {
    expect(count(n, "query", "queries")).toBe(expected);
  });
});
