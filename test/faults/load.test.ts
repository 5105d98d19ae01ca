/**
 * 1,000 concurrent rerank() calls of 50 documents through one client, against @rerankit/server
 * behind a proxy that answers 503 to 5 % of calls: every call returns the right ranking, and the
 * heap after GC does not grow from one round to the next.
 */
import { RerankClient } from "@rerankit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heapUsedAfterGc, type LoadRig, loadRound, startLoadRig } from "./load.js";

const CALLS = 1_000;
/** Generous: a leak of even 1 KiB per call would show as ~1 MB a round; this only has to catch real leaks. */
const HEAP_GROWTH_BOUND = 24 * 1024 * 1024;

let rig: LoadRig;
let client: RerankClient;
beforeAll(async () => {
  rig = await startLoadRig(20);
  client = new RerankClient({
    provider: "rerankit",
    baseURL: `${rig.url}/v1`,
    backoff: { initialDelayMs: 5, maxDelayMs: 50 },
    timeoutMs: 30_000,
  });
});
afterAll(async () => {
  await client?.close();
  await rig?.close();
});

describe("load with 5 % injected 503s", () => {
  it("1,000 concurrent calls of 50 documents all return the right ranking, twice, with a steady heap", async () => {
    const first = await loadRound(client, CALLS, 0);
    expect(first).toMatchObject({ calls: CALLS, correct: CALLS, failed: 0, errors: [] });
    const heapAfterFirst = heapUsedAfterGc();

    const second = await loadRound(client, CALLS, CALLS);
    expect(second).toMatchObject({ calls: CALLS, correct: CALLS, failed: 0, errors: [] });
    const heapAfterSecond = heapUsedAfterGc();

    // One call in 20 met a 503 on its first attempt and cost exactly one retry.
    expect(rig.stats.calls).toBe(2 * CALLS);
    expect(rig.stats.injected503).toBe((2 * CALLS) / 20);
    expect(first.requests + second.requests).toBe(rig.stats.requests);
    expect(rig.stats.requests).toBe(2 * CALLS + rig.stats.injected503);
    expect(heapAfterSecond - heapAfterFirst).toBeLessThan(HEAP_GROWTH_BOUND);
  }, 90_000); // a bound for a busy shared machine, not a speed goal: a round takes 1-6 s here
});
