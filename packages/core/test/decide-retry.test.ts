/** decideRetry: the whole retry decision as a function of plain facts, table-tested without sockets. */
import { describe, expect, it } from "vitest";
import { RerankBadRequestError, RerankConnectionError, type RerankError, RerankRateLimitError, RerankServerError } from "../src/index.js";
import { decideRetry, type RetryFacts } from "../src/policy/retry.js";

const server = () => new RerankServerError("p answered HTTP 503", { provider: "p", status: 503, retryable: true });
const facts = (patch: Partial<RetryFacts> = {}): RetryFacts => ({
  error: server(),
  attempt: 1,
  maxRetries: 2,
  retryAfterMs: undefined,
  msLeft: 60_000,
  backoff: { initialDelayMs: 500, maxDelayMs: 8000 },
  replica: 0,
  next: undefined,
  budget: "off",
  random: () => 0, // no jitter: the backoff is exactly initial × 2^(attempt-1)
  ...patch,
});

describe("decideRetry", () => {
  it.each<[string, Partial<RetryFacts>, { kind: "fail" } | { kind: "wait"; delayMs: number; replica: number; spendBudget: boolean }]>([
    ["a retryable error, first attempt: backoff", {}, { kind: "wait", delayMs: 500, replica: 0, spendBudget: false }],
    ["second attempt doubles the backoff", { attempt: 2 }, { kind: "wait", delayMs: 1000, replica: 0, spendBudget: false }],
    [
      "the backoff is capped",
      { attempt: 2, backoff: { initialDelayMs: 500, maxDelayMs: 700 } },
      { kind: "wait", delayMs: 700, replica: 0, spendBudget: false },
    ],
    ["retries spent", { attempt: 3 }, { kind: "fail" }],
    ["maxRetries 0", { maxRetries: 0 }, { kind: "fail" }],
    ["a final error", { error: new RerankBadRequestError("400", { provider: "p", status: 400 }) }, { kind: "fail" }],
    ["Retry-After wins over the backoff", { retryAfterMs: 3000 }, { kind: "wait", delayMs: 3000, replica: 0, spendBudget: false }],
    ["a wait past the deadline", { msLeft: 400 }, { kind: "fail" }],
    ["a wait exactly at the deadline", { msLeft: 500 }, { kind: "fail" }],
    ["the budget has a token: spend it", { budget: "available" }, { kind: "wait", delayMs: 500, replica: 0, spendBudget: true }],
    ["the budget is spent", { budget: "spent" }, { kind: "fail" }],
    [
      "failover to a fresh healthy replica: no wait, no budget",
      { budget: "spent", replica: 0, next: { replica: 1, tried: false, ready: true } },
      { kind: "wait", delayMs: 0, replica: 1, spendBudget: false },
    ],
    [
      "a replica already tried is a retry, with backoff and budget",
      { budget: "available", replica: 1, next: { replica: 0, tried: true, ready: true } },
      { kind: "wait", delayMs: 500, replica: 0, spendBudget: true },
    ],
    [
      "a replica still cooling down is a retry, with backoff",
      { replica: 0, next: { replica: 1, tried: false, ready: false } },
      { kind: "wait", delayMs: 500, replica: 1, spendBudget: false },
    ],
    [
      "a 429 is not a replica failure: no failover",
      {
        error: new RerankRateLimitError("429", { provider: "p", status: 429, retryable: true }),
        next: { replica: 1, tried: false, ready: true },
      },
      { kind: "wait", delayMs: 500, replica: 1, spendBudget: false },
    ],
    [
      "an HTTP 500 is a replica failure: it fails over",
      {
        error: new RerankServerError("p answered HTTP 500", { provider: "p", status: 500, retryable: true }),
        next: { replica: 1, tried: false, ready: true },
      },
      { kind: "wait", delayMs: 0, replica: 1, spendBudget: false },
    ],
    [
      "failover to a fresh replica spends no budget token even when one is available",
      { budget: "available", replica: 0, next: { replica: 1, tried: false, ready: true } },
      { kind: "wait", delayMs: 0, replica: 1, spendBudget: false },
    ],
    [
      "a server's `retry-after-ms: 0` is honoured: retry at once",
      { retryAfterMs: 0 },
      { kind: "wait", delayMs: 0, replica: 0, spendBudget: false },
    ],
    [
      "a connection error fails over",
      { error: new RerankConnectionError("reset", { provider: "p", retryable: true }), next: { replica: 2, tried: false, ready: true } },
      { kind: "wait", delayMs: 0, replica: 2, spendBudget: false },
    ],
  ])("%s", (_name, patch, expected) => {
    const decision = decideRetry(facts(patch));
    if (expected.kind === "fail") expect(decision.kind).toBe("fail");
    else expect(decision).toEqual(expected);
  });

  it("fails with the error it had, saying why in a note when the budget refused, and leaves the error as it was (pure)", () => {
    const error = server();
    const message = error.message;
    const decision = decideRetry(facts({ error, budget: "spent" }));
    expect(decision).toEqual({ kind: "fail", error, note: expect.stringMatching(/retry budget is spent/) });
    expect(error.message).toBe(message);
  });

  it("explains a Retry-After longer than the time left, keeping the rate-limit fields", () => {
    const error = new RerankRateLimitError("p answered HTTP 429", { provider: "p", status: 429, retryable: true, requestId: "r1" });
    const decision = decideRetry(facts({ error, retryAfterMs: 5000, msLeft: 1200, attempt: 1 }));
    expect(decision.kind).toBe("fail");
    const failed = (decision as { error: RerankError }).error as RerankRateLimitError;
    expect(failed).toBeInstanceOf(RerankRateLimitError);
    expect(failed.message).toMatch(/asked to wait 5000 ms, more than the 1200 ms left/);
    expect(failed.retryAfterMs).toBe(5000);
    expect(failed.requestId).toBe("r1");
    expect(failed.attempts).toBe(1);
    expect(failed.retryable).toBe(true);
  });

  it("fails with the error it had when a wait passes the deadline and the server asked for none, or it is not a 429", () => {
    const unavailable = server();
    expect(decideRetry(facts({ error: unavailable, retryAfterMs: 5000, msLeft: 1200 }))).toEqual({ kind: "fail", error: unavailable });
    const limited = new RerankRateLimitError("p answered HTTP 429", { provider: "p", status: 429, retryable: true });
    expect(decideRetry(facts({ error: limited, msLeft: 100 }))).toEqual({ kind: "fail", error: limited });
    expect(limited.message).toBe("p answered HTTP 429");
  });

  it("jitters the backoff down by at most a quarter", () => {
    const low = decideRetry(facts({ random: () => 1 }));
    expect(low).toMatchObject({ kind: "wait", delayMs: 375 });
  });
});
