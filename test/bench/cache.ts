/**
 * The score cache, measured side by side against the uncached call (`pnpm bench` runs it as the
 * `cache` scenario; alone: `pnpm --filter @rerankit/tests run bench:cache`):
 *
 * - a repeated query (50 documents of ~200 tokens) with a warm cache — in memory
 *   (`memoryScoreCache`) and in a local `redis-server` (`redisScoreCache`) — against the same
 *   call uncached, on an instant server and on one that takes 50 ms per request (a hosted API is
 *   slower still);
 * - a call whose documents are half cached (100 documents, 50 known): documents and requests sent
 *   and time, against the uncached call.
 *
 * Medians of interleaved rounds; nothing asserts a time.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { memoryScoreCache, RerankClient, type ScoreCache } from "@rerankit/core";
import { redisScoreCache } from "@rerankit/redis";
import { makeDocuments, QUERY } from "./corpus.js";
import { type RunningBenchServer, startBenchServerProcess } from "./server.js";
import { median, ms, ratio } from "./stats.js";
import { writeBenchmarksSection } from "./benchmarks-md.js";

export interface CacheBenchSettings {
  rounds: number;
  calls: number;
}

interface Row {
  name: string;
  p50: number[];
}

export interface CacheBenchResult {
  repeated: { serviceMs: number; rows: { name: string; p50: number }[] }[];
  halfHit: { name: string; p50: number; requests: number; documents: number }[];
  redis: boolean;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** A throwaway redis-server (no persistence, a temp dir), or undefined when none is installed. */
async function startRedis(): Promise<{ url: string; stop(): void } | undefined> {
  const dir = mkdtempSync(join(tmpdir(), "rerankit-bench-redis-"));
  const port = await freePort();
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    {
      stdio: ["ignore", "pipe", "ignore"],
    },
  );
  const ready = await new Promise<boolean>((resolve) => {
    let out = "";
    child.once("error", () => resolve(false));
    child.once("exit", () => resolve(false));
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("Ready to accept connections")) resolve(true);
    });
  });
  const stop = () => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  if (!ready) {
    stop();
    return undefined;
  }
  return { url: `redis://127.0.0.1:${port}`, stop };
}

async function timeCalls(client: RerankClient, documents: string[], query: string, calls: number, into: number[]): Promise<void> {
  for (let n = 0; n < calls; n++) {
    const t0 = performance.now();
    await client.rerank({ query, documents });
    into.push(performance.now() - t0);
  }
}

export async function cacheBench(settings: CacheBenchSettings, log: (line: string) => void = () => {}): Promise<CacheBenchResult> {
  const redis = await startRedis();
  const caches: { name: string; cache: ScoreCache; close(): Promise<void> }[] = [
    { name: "warm memoryScoreCache", cache: memoryScoreCache(), close: async () => {} },
  ];
  if (redis) {
    const cache = redisScoreCache({ url: redis.url }, { ttlSeconds: 3_600 });
    caches.push({ name: "warm redisScoreCache (local redis-server)", cache, close: () => cache.close() });
    await new Promise((r) => setTimeout(r, 200));
  }
  const result: CacheBenchResult = { repeated: [], halfHit: [], redis: redis !== undefined };
  try {
    for (const serviceMs of [0, 50]) {
      const server: RunningBenchServer = await startBenchServerProcess({ serviceTimeMs: serviceMs });
      const base = { provider: "cohere" as const, baseURL: `${server.url}/v2`, apiKey: "bench", model: "rerank-v3.5" };
      const clients = [
        { name: "uncached", client: new RerankClient(base) },
        ...caches.map((c) => ({ name: c.name, client: new RerankClient({ ...base, cache: c.cache }) })),
      ];
      const docs = makeDocuments(50, 200);
      const rows: Row[] = clients.map((c) => ({ name: c.name, p50: [] }));
      for (const c of clients) await timeCalls(c.client, docs, QUERY, 5, []); // warm-up (fills the caches)
      const calls = serviceMs > 0 ? Math.max(5, Math.floor(settings.calls / 10)) : settings.calls;
      for (let round = 0; round < settings.rounds; round++) {
        for (let i = 0; i < clients.length; i++) {
          const k = (i + round) % clients.length;
          const samples: number[] = [];
          await timeCalls(clients[k]!.client, docs, QUERY, calls, samples);
          rows[k]!.p50.push(median(samples));
        }
        log(`  cache: repeated query, ${serviceMs} ms server, round ${round + 1}/${settings.rounds}`);
      }
      result.repeated.push({ serviceMs, rows: rows.map((r) => ({ name: r.name, p50: median(r.p50) })) });

      if (serviceMs === 50) {
        // Half the documents known: a fresh query per call, its first 50 documents warmed first.
        const half = makeDocuments(100, 200, 7);
        const variants = [
          { name: "uncached", client: clients[0]!.client, cache: undefined as ScoreCache | undefined },
          ...caches.map((c, i) => ({ name: c.name.replace("warm ", "50 % hits, "), client: clients[i + 1]!.client, cache: c.cache })),
        ];
        for (const v of variants) {
          const times: number[] = [];
          let requests = 0;
          let documents = 0;
          for (let n = 0; n < Math.max(5, settings.rounds * 3); n++) {
            const query = `${QUERY} (variant ${n})`;
            // Every path makes the same call first (for the cached ones it warms the first 50), so
            // each measured call follows the same traffic.
            await v.client.rerank({ query, documents: half.slice(0, 50) });
            const t0 = performance.now();
            const response = await v.client.rerank({ query, documents: half });
            times.push(performance.now() - t0);
            requests += response.usage.requests;
            documents += response.usage.cacheMisses ?? half.length;
          }
          const count = times.length;
          result.halfHit.push({ name: v.name, p50: median(times), requests: requests / count, documents: documents / count });
        }
        log("  cache: 50 % hits");
      }
      await Promise.all(clients.map((c) => c.client.close()));
      await server.close();
    }
  } finally {
    await Promise.all(caches.map((c) => c.close()));
    redis?.stop();
  }
  return result;
}

export function renderCacheBench(r: CacheBenchResult, command: string): string {
  const lines = [
    "## Score cache",
    "",
    `_\`${command}\`: medians of interleaved rounds on this machine (shared, noisy: compare rows, not runs)._`,
    "",
    "### A repeated query: 50 documents of ~200 tokens",
    "",
    "| server | path | p50 | vs uncached |",
    "|---|---|---:|---:|",
  ];
  for (const { serviceMs, rows } of r.repeated) {
    const base = rows[0]!.p50;
    for (const row of rows)
      lines.push(
        `| ${serviceMs === 0 ? "instant" : `${serviceMs} ms a request`} | ${row.name} | ${ms(row.p50)} | ${row.name === "uncached" ? "1.00×" : ratio(row.p50, base)} |`,
      );
  }
  lines.push(
    "",
    "### Half the documents cached: 100 documents of ~200 tokens, 50 known, server 50 ms a request",
    "",
    "| path | documents sent | requests | p50 | time vs uncached |",
    "|---|---:|---:|---:|---:|",
  );
  const base = r.halfHit[0]?.p50 ?? 1;
  for (const row of r.halfHit)
    lines.push(`| ${row.name} | ${row.documents.toFixed(0)} | ${row.requests.toFixed(0)} | ${ms(row.p50)} | ${ratio(row.p50, base)} |`);
  if (!r.redis) lines.push("", "_redis-server was not found: the Redis rows are missing (`apt-get install redis-server`)._");
  lines.push(
    "",
    "A warm call does no HTTP at all: its cost is hashing the query and documents (SHA-256) and one cache read (`MGET` on Redis). Half-cached calls send only the misses: half the documents, and so half the provider's tokens (what it bills). Their time stays one round trip here because the bench server answers any request in a fixed time; a provider whose time grows with the documents saves time too.",
  );
  return lines.join("\n");
}

/** Writes the section between its markers in docs/BENCHMARKS.md (appending the markers the first time). */
export function writeCacheSection(section: string): void {
  writeBenchmarksSection("bench-cache", section);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes("--quick");
  const settings = quick ? { rounds: 3, calls: 50 } : { rounds: 7, calls: 200 };
  const result = await cacheBench(settings, (line) => console.error(line));
  const section = renderCacheBench(result, `pnpm --filter @rerankit/tests run bench:cache${quick ? " --quick" : ""}`);
  console.log(section);
  if (!process.argv.includes("--no-write")) writeCacheSection(section);
}
