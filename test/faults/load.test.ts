/**
 * 1,000 concurrent rerank() calls of 50 documents through one client, against @rerankit/server
 * behind a proxy that injects 503 on 5 % of requests: every call returns the right ranking, and the
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
  client = new RerankClient({ provider: "rerankit", baseURL: `${rig.url}/v1`, backoff: { initialDelayMs: 5, maxDelayMs: 50 }, timeoutMs: 30_000 });
});
afterAll(async () => {
  await client?.close();
  await rig?.close();
});

describe("load with 5 % injected 503s", () => {
  it("1,000 concurrent calls of 50 documents all return the right ranking, twice, with a steady heap", async () => {
    const first = await loadRound(client, CALLS, 0);
    expect(first).toMatchObject({ calls: CALLS, correct: CALLS, failed: 0 });
    const heapAfterFirst = heapUsedAfterGc();

    const second = await loadRound(client, CALLS, CALLS);
    expect(second).toMatchObject({ calls: CALLS, correct: CALLS, failed: 0 });
    const heapAfterSecond = heapUsedAfterGc();

    // Every injected 503 cost exactly one retry: requests = calls + 503s.
    expect(first.requests + second.requests).toBe(rig.stats.requests);
    expect(rig.stats.injected503).toBe(Math.floor(rig.stats.requests / 20));
    expect(first.requests + second.requests).toBe(2 * CALLS + rig.stats.injected503);
    expect(heapAfterSecond - heapAfterFirst).toBeLessThan(HEAP_GROWTH_BOUND);
  });
});
