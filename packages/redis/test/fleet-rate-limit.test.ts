/**
 * Four worker PROCESSES share one 60-requests-per-minute limit through Redis, against a local
 * server that records when each request arrives. The limit is the real one (60 s window, nothing
 * scaled or faked): 80 calls need more than a minute, so the test takes about 62 s. It checks the
 * provider's view — in any 60-second window of arrivals, never more than 60 — and that every call
 * completes (those beyond the first minute wait for room within their deadline). Each worker makes
 * its calls one after another, as a worker serving requests does; the limiter's own guarantee is
 * checked on the dispatch times (hooks.onRequest), where no network or scheduling delay blurs it,
 * and on the arrivals less the largest dispatch-to-arrival delay measured.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { busiestWindow, type CountingServer, startCountingServer } from "./support/counting-server.js";
import { runWorker } from "./support/fleet.js";
import { type RedisServer, startRedisServer } from "./support/redis-server.js";

let redis: RedisServer;
let server: CountingServer;
beforeAll(async () => {
  [redis, server] = await Promise.all([startRedisServer(), startCountingServer()]);
});
afterAll(async () => {
  await Promise.all([redis?.stop(), server?.close()]);
});

it("4 processes, 60 requests per minute between them: never more than 60 in any 60 s window, every call completes", async () => {
  const task = (worker: number) => ({
    serverURL: server.url,
    redisURL: redis.url,
    cache: false,
    requestsPerMinute: 60,
    calls: 20,
    query: `worker ${worker}`,
    documents: [`a document for worker ${worker}`, "another document"],
    timeoutMs: 100_000,
    sequential: true,
  });
  const started = Date.now();
  const reports = await Promise.all([0, 1, 2, 3].map((w) => runWorker(task(w))));
  const outcomes = reports.flatMap((r) => r.outcomes);
  expect(outcomes).toHaveLength(80);
  expect(outcomes.filter((o) => !o.ok)).toEqual([]);
  expect(reports.flatMap((r) => r.warnings)).toEqual([]); // Redis answered throughout: no per-process fallback
  expect(server.requests).toHaveLength(80);
  const dispatched = reports.flatMap((r) => r.dispatched);
  expect(dispatched).toHaveLength(80);
  expect(busiestWindow(dispatched, 60_000)).toBeLessThanOrEqual(60);
  const arrivals = server.requests.map((r) => r.at);
  // The provider's view. The limiter governs when requests leave; each then takes some time D to
  // arrive (on a loaded machine, seconds: four busy processes, one server). A request arriving in
  // [a, a + 60 s − D] left in [a − D, a + 60 s − D], a 60 s span, so no arrival window of
  // 60 s − D may hold more than 60. D is measured per request: each worker's calls are sequential,
  // so its k-th dispatch is its k-th arrival (its documents name the worker).
  let delay = 0;
  reports.forEach((report, worker) => {
    const mine = server.requests.filter((r) => r.documents.includes(`a document for worker ${worker}`)).map((r) => r.at);
    expect(mine).toHaveLength(report.dispatched.length);
    mine.forEach((at, k) => {
      delay = Math.max(delay, at - report.dispatched[k]!);
    });
  });
  expect(delay).toBeGreaterThanOrEqual(0);
  expect(busiestWindow(arrivals, 60_000 - delay)).toBeLessThanOrEqual(60);
  // The limiter admitted 60 at once and made the other 20 wait for the window: they arrived a minute later.
  expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeGreaterThanOrEqual(59_000);
  expect(Date.now() - started).toBeLessThan(100_000);
}, 110_000);
