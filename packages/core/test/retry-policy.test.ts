/** The retry policy as pure functions: table tests, no I/O. */
import { describe, expect, it } from "vitest";
import { backoffDelay, isRetryableStatus, parseRetryAfter, retryDelay } from "../src/policy/retry.js";

describe("isRetryableStatus", () => {
  it.each([
    [408, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [501, false],
    [400, false],
    [401, false],
    [402, false],
    [404, false],
    [413, false],
    [422, false],
    [424, false],
    [498, false],
    [599, true],
    [600, false],
    [200, false],
  ])("%i → %s", (status, expected) => expect(isRetryableStatus(status)).toBe(expected));
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-11-21T12:00:00Z");
  it.each([
    [{ "retry-after": "3" }, 3000],
    [{ "retry-after": "0" }, 0],
    [{ "retry-after": "1.5" }, 1500],
    [{ "retry-after-ms": "250" }, 250],
    [{ "retry-after-ms": "0" }, 0],
    [{ "retry-after-ms": "0", "retry-after": "9" }, 0],
    // An unusable retry-after-ms (blank, negative, not finite) falls back to Retry-After.
    [{ "retry-after-ms": "  ", "retry-after": "3" }, 3000],
    [{ "retry-after-ms": "-5", "retry-after": "3" }, 3000],
    [{ "retry-after-ms": "Infinity", "retry-after": "3" }, 3000],
    [{ "retry-after": " 3 " }, 3000],
    [{ "retry-after": "12" }, 12_000],
    [{ "retry-after": "1.25" }, 1250],
    [{ "retry-after": "3abc" }, undefined],
    // Not an HTTP date (it names no day or month): unreadable, though Date.parse would read it.
    [{ "retry-after": "2026-11-21T12:00:05Z" }, undefined],
    [{ "retry-after-ms": "250", "retry-after": "9" }, 250],
    [{ "retry-after": "Sat, 21 Nov 2026 12:00:05 GMT" }, 5000],
    [{ "retry-after": "Sat, 21 Nov 2026 11:59:00 GMT" }, 0],
    [{ "retry-after": "soon" }, undefined],
    [{ "retry-after": "-3" }, undefined],
    [{ "retry-after-ms": "abc" }, undefined],
    [{}, undefined],
  ])("%o → %s", (headers, expected) => expect(parseRetryAfter(headers, now)).toBe(expected));
});

describe("backoff", () => {
  const options = { initialDelayMs: 500, maxDelayMs: 8000 };
  it("doubles per retry, capped, with jitter in [75%, 100%]", () => {
    expect(backoffDelay(1, options, () => 0)).toBe(500);
    expect(backoffDelay(2, options, () => 0)).toBe(1000);
    expect(backoffDelay(3, options, () => 1)).toBe(1500);
    expect(backoffDelay(10, options, () => 0)).toBe(8000);
  });
  it("uses the server's wait exactly when it sent one, never less", () => {
    expect(retryDelay(1, 12_000, options, () => 0)).toBe(12_000);
    expect(retryDelay(1, undefined, options, () => 0)).toBe(500);
  });
});
