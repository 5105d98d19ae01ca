/**
 * Prints the figures quoted in docs/RELIABILITY.md, from the same scenarios the tests run:
 *
 *   node --conditions=@rerankit/source --import tsx test/faults/figures.ts
 *
 * Timings depend on the machine; the counts do not.
 */
import { RerankClient } from "@rerankit/core";
import { always, resetBeforeHeaders, respond, startFaultServer } from "./fault-server.js";
import { heapUsedAfterGc, loadRound, startLoadRig } from "./load.js";

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function outage(retryBudget: false | undefined | { ratio: number; minRetriesPerSecond: number }) {
  const server = await startFaultServer(always(respond(503, '{"message":"overloaded"}')));
  const client = new RerankClient({
    provider: "rerankit",
    baseURL: `${server.url}/v1`,
    maxRetries: 2,
    backoff: { initialDelayMs: 5, maxDelayMs: 20 },
    retryBudget,
  });
  const started = performance.now();
  await Promise.allSettled(Array.from({ length: 200 }, () => client.rerank({ query: "q", documents: ["a", "b"] })));
  const ms = performance.now() - started;
  await client.close();
  await server.close();
  return { requests: server.requests.length, ms };
}

async function deadline(timeoutMs: number) {
  const server = await startFaultServer(always(() => {}));
  const client = new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1`, timeoutMs });
  const started = performance.now();
  const error = await client.rerank({ query: "q", documents: ["a"] }).catch((e: Error) => e);
  const ms = performance.now() - started;
  await client.close();
  await server.waitForNoOpenSockets();
  const open = server.openSockets();
  await server.close();
  return { name: (error as Error).name, ms, open };
}

async function pool() {
  const ok = respond(200, JSON.stringify({ results: [{ index: 0, relevance_score: 0.9 }] }));
  const [a, b, c] = await Promise.all([
    startFaultServer(always(ok)),
    startFaultServer(always(resetBeforeHeaders())),
    startFaultServer(always(ok)),
  ]);
  const client = new RerankClient({ provider: "rerankit", baseURL: [a, b, c].map((s) => `${s.url}/v1`), replicaCoolDownMs: 60_000 });
  const results = await Promise.allSettled(Array.from({ length: 300 }, () => client.rerank({ query: "q", documents: ["a"] })));
  const failed = results.filter((r) => r.status === "rejected").length;
  const out = { calls: 300, failed, dead: b.requests.length, live: a.requests.length + c.requests.length };
  await client.close();
  await Promise.all([a.close(), b.close(), c.close()]);
  return out;
}

const lines: string[] = [];
const say = (line: string) => {
  lines.push(line);
  console.log(line);
};

say(`node ${process.version}, ${new Date().toISOString()}`);
for (const [label, budget] of [
  ["no budget (retryBudget: false)", false],
  ["default budget (ratio 0.2, 10/s)", undefined],
  ["ratio 0.1, 2/s", { ratio: 0.1, minRetriesPerSecond: 2 }],
] as const) {
  const r = await outage(budget);
  say(`outage, 200 calls × maxRetries 2 against an always-503 server, ${label}: ${r.requests} requests in ${r.ms.toFixed(0)} ms`);
}
for (const timeoutMs of [300, 1000]) {
  const r = await deadline(timeoutMs);
  say(
    `server that never answers, timeoutMs ${timeoutMs}: ${r.name} after ${r.ms.toFixed(0)} ms; server sockets open after close(): ${r.open}`,
  );
}
const p = await pool();
say(`replica pool, 1 of 3 resetting, 300 concurrent calls: ${p.failed} failed; dead replica saw ${p.dead} requests, live ones ${p.live}`);

const rig = await startLoadRig(20);
const client = new RerankClient({
  provider: "rerankit",
  baseURL: `${rig.url}/v1`,
  backoff: { initialDelayMs: 5, maxDelayMs: 50 },
  timeoutMs: 30_000,
});
const heap0 = heapUsedAfterGc();
for (let round = 1; round <= 3; round++) {
  const r = await loadRound(client, 1000, round * 1000);
  const heap = heapUsedAfterGc();
  for (const e of r.errors) say(`  failed call: ${e}`);
  say(
    `load round ${round}: 1000 concurrent calls × 50 docs, 503 on 5 % of first attempts: ${r.correct} correct, ${r.failed} failed, ${r.requests} requests, ${r.elapsedMs.toFixed(0)} ms; heap after GC ${mb(heap)} (start ${mb(heap0)})`,
  );
}
say(`proxy saw ${rig.stats.requests} requests for ${rig.stats.calls} calls, ${rig.stats.injected503} injected 503s`);
await client.close();
await rig.close();
