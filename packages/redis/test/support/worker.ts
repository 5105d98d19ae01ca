/**
 * One worker process of the fleet tests: a RerankClient on the shared Redis (cache and/or rate
 * limit, as told), making `calls` calls against the counting server, then reporting over IPC.
 * Run with `node --conditions=@rerankit/source --import tsx worker.ts '<json>'`.
 */
import { RerankClient } from "@rerankit/core";
import { redisRateLimitStore, redisScoreCache } from "../../src/index.js";

interface WorkerTask {
  serverURL: string;
  redisURL: string;
  cache: boolean;
  requestsPerMinute?: number;
  calls: number;
  query: string;
  documents: string[];
  timeoutMs: number;
  /** One call after another (a worker serving its requests), instead of all at once. */
  sequential?: boolean;
}

const task = JSON.parse(process.argv[2]!) as WorkerTask;
const cache = task.cache ? redisScoreCache({ url: task.redisURL }, { ttlSeconds: 600 }) : undefined;
const store = task.requestsPerMinute === undefined ? undefined : redisRateLimitStore({ url: task.redisURL }, { timeoutMs: 3_000 });
const client = new RerankClient({
  provider: "cohere",
  baseURL: `${task.serverURL}/v2`,
  apiKey: "fleet-test-key",
  model: "rerank-v3.5",
  timeoutMs: task.timeoutMs,
  cache,
  rateLimit: task.requestsPerMinute === undefined ? undefined : { requestsPerMinute: task.requestsPerMinute, store },
  hooks: { onWarning: ({ message }) => warnings.push(message), onRequest: () => dispatched.push(Date.now()) },
});
const warnings: string[] = [];
/** When each HTTP request left this process (the limiter's own view). */
const dispatched: number[] = [];
// (A generous timeout: this machine runs the four workers beside the test runner, and a slow
// answer would send a worker to its per-process fallback, which the test counts as a failure.)
// Let the Redis connections come up before the first call (a call during connect is a miss).
await new Promise((r) => setTimeout(r, 200));
const outcomes: { ok: boolean; error?: string; cacheHits?: number; requests: number; top?: number[] }[] = [];
const call = async () => {
  try {
    const response = await client.rerank({ query: task.query, documents: task.documents });
    outcomes.push({
      ok: true,
      cacheHits: response.usage.cacheHits,
      requests: response.usage.requests,
      top: response.results.map((r) => r.index),
    });
  } catch (error) {
    outcomes.push({ ok: false, error: String(error), requests: 0 });
  }
};
if (task.sequential) for (let k = 0; k < task.calls; k++) await call();
else await Promise.all(Array.from({ length: task.calls }, call));
await client.close();
await Promise.all([cache?.close(), store?.close()]);
process.send!({ outcomes, warnings, dispatched });
process.disconnect();
