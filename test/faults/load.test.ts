/**
 * 1,000 concurrent rerank() calls of 50 documents through one client, against @rerankit/server
 * behind a proxy that answers 503 to 5 % of calls: every call returns the right ranking, and the
 * memory kept after GC (heap and ArrayBuffers) does not grow from one round to the next (the first
 * round warms caches and pools, so rounds two and three are compared); a planted leak of 8 KiB a
 * call fails the same check.
 */
import { RerankClient, type RerankRequest } from "@rerankit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LoadRig, loadRound, retainedAfterGc, startLoadRig } from "./load.js";

const CALLS = 1_000;
/**
 * 4 KiB a call: measured growth between warm rounds is 0.2-1.4 MB, so this leaves room for GC noise
 * and still catches a leak that keeps a few KiB per call (a retained body or response).
 */
const HEAP_GROWTH_BOUND = 4 * 1024 * CALLS;

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
  it("1,000 concurrent calls of 50 documents all return the right ranking, three times, with a steady heap", async () => {
    const rounds = [];
    const heaps = [];
    for (let round = 0; round < 3; round++) {
      const result = await loadRound(client, CALLS, round * CALLS);
      expect(result).toMatchObject({ calls: CALLS, correct: CALLS, failed: 0, errors: [] });
      rounds.push(result);
      heaps.push(retainedAfterGc());
    }

    // One call in 20 met a 503 on its first attempt and cost exactly one retry.
    expect(rig.stats.calls).toBe(3 * CALLS);
    expect(rig.stats.injected503).toBe((3 * CALLS) / 20);
    expect(rounds.reduce((sum, r) => sum + r.requests, 0)).toBe(rig.stats.requests);
    expect(rig.stats.requests).toBe(3 * CALLS + rig.stats.injected503);
    expect(heaps[2]! - heaps[1]!).toBeLessThan(HEAP_GROWTH_BOUND);
  }, 90_000); // a bound for a busy shared machine, not a speed goal: a round takes 1-6 s here

  it("the heap check catches a planted leak of 8 KiB a call (so the check above can fail)", async () => {
    // The same client, wrapped so that each call keeps 8 KiB alive: what a retained body would do.
    const retained: Uint8Array[] = [];
    const leaking = {
      rerank(request: RerankRequest) {
        retained.push(new Uint8Array(8 * 1024).fill(1));
        return client.rerank(request);
      },
    } as RerankClient;
    const heaps = [];
    for (let round = 0; round < 3; round++) {
      const result = await loadRound(leaking, CALLS, (3 + round) * CALLS);
      expect(result).toMatchObject({ calls: CALLS, correct: CALLS, failed: 0 });
      heaps.push(retainedAfterGc());
    }
    expect(retained).toHaveLength(3 * CALLS);
    expect(heaps[2]! - heaps[1]!).toBeGreaterThanOrEqual(HEAP_GROWTH_BOUND);
  }, 90_000);
});
