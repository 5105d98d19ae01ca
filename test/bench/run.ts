/**
 * `pnpm bench` (from the repository root): measures the floor, Rerankit's paths and the anchors
 * side by side against the bench's own local server, in interleaved rounds, and writes the
 * results into docs/BENCHMARKS.md between its markers.
 *
 * Flags: --quick (fewer rounds), --no-write (print only), --scenarios a,b (latency, throughput,
 * biglist, memory, duplicates, bm25, bm25index, cache, llm, cross-encoder [--model DIR_OR_ID]), --paths "name,name" (subset, floor always kept),
 * --json FILE (raw figures), --baseline DIR (also measure RerankClient from another copy of
 * core's src, side by side: how a hot-path change is sized), --baseline-llamaindex DIR (also
 * measure RerankPostprocessor from another copy of the adapter's src, with a RerankClient from
 * the --baseline core if given).
 *
 * Nothing here asserts a time: goals are reported as met or not, never thrown.
 */
import { fork, execSync } from "node:child_process";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { cpus, loadavg, platform, release, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Bm25Reranker } from "@rerankit/core";
import { type Bm25IndexBench, bm25IndexBench, renderBm25IndexBench } from "./bm25-index.js";
import { cacheBench, renderCacheBench, writeCacheSection } from "./cache.js";
import { makeDocuments, makeDuplicateDocuments, QUERY } from "./corpus.js";
import type { MemoryReport } from "./memory-child.js";
import {
  paths as allPaths,
  baselineClientPath,
  baselinePostprocessorPath,
  type BenchPath,
  type OpenPath,
  type PathConfig,
} from "./paths.js";
import { expectedRanking, startBenchServerProcess, type RunningBenchServer } from "./server.js";
import { median, mib, ms, percentile, ratio, rotate } from "./stats.js";
import { writeBenchmarksSection } from "./benchmarks-md.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const quick = flag("quick");
const write = !flag("no-write");
const scenarioFilter = option("scenarios")?.split(",");
const pathFilter = option("paths")?.split(",");
const wants = (scenario: string) => !scenarioFilter || scenarioFilter.includes(scenario);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

const settings = quick
  ? {
      rounds: 3,
      latencyCalls: 60,
      warmup: 40,
      tputRounds: 2,
      tputCalls: { 1: 60, 16: 200, 64: 400 },
      bigRounds: 2,
      dupRounds: 2,
      dupCalls: 8,
      bm25Calls: 10,
      memoryTimeoutS: 20,
    }
  : {
      rounds: 9,
      latencyCalls: 120,
      warmup: 100,
      tputRounds: 7,
      tputCalls: { 1: 300, 16: 320, 64: 640 },
      bigRounds: 5,
      dupRounds: 5,
      dupCalls: 12,
      bm25Calls: 30,
      memoryTimeoutS: 30,
    };

const SINGLE = { count: 50, tokens: 200 };
const BIG = { count: 10_000, tokens: 200, limit: 1_000, serviceTimeMs: 50, concurrency: 4 };
const HUGE = { count: 100_000, tokens: 200 };
const DUPES = { count: 1_000, distinct: 50, tokens: 200 };
const BM25 = { count: 1_000, tokens: 200 };

const baseline = option("baseline");
const selected = allPaths.filter((p) => p.group === "floor" || !pathFilter || pathFilter.includes(p.name));
const baselineLlamaindex = option("baseline-llamaindex");
if (baseline && selected.some((p) => p.name === "RerankClient"))
  selected.splice(selected.findIndex((p) => p.name === "RerankClient") + 1, 0, baselineClientPath(baseline));
if (baselineLlamaindex) {
  const at = selected.findIndex((p) => p.name === "RerankPostprocessor");
  selected.splice(at >= 0 ? at + 1 : selected.length, 0, baselinePostprocessorPath(baselineLlamaindex, baseline));
}
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Opened {
  path: BenchPath;
  open: OpenPath;
}
const unavailable = new Map<string, string>();

async function openAll(url: string, config?: PathConfig, which: readonly BenchPath[] = selected): Promise<Opened[]> {
  const opened: Opened[] = [];
  for (const path of which) {
    try {
      const open = await path.open(url, config);
      if (typeof open === "string") unavailable.set(path.name, open);
      else opened.push({ path, open });
    } catch (error) {
      unavailable.set(path.name, `could not be set up: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return opened;
}

async function closeAll(opened: Opened[]): Promise<void> {
  await Promise.all(opened.map((o) => o.open.close()));
}

/** Checks each path's ranking once before timing it; a path that answers wrongly is not measured. */
async function verified(opened: Opened[], docs: string[]): Promise<Opened[]> {
  const expected = expectedRanking(docs).join(",");
  const ok: Opened[] = [];
  for (const o of opened) {
    const input = o.open.prepare(docs);
    try {
      const got = o.open.ranking(input, await o.open.call(input, QUERY)).join(",");
      if (got === expected) ok.push(o);
      else unavailable.set(o.path.name, "returned a different ranking from the expected one: not measured");
    } catch (error) {
      unavailable.set(o.path.name, `failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return ok;
}

// ── scenarios ───────────────────────────────────────────────────────────────────────────────

interface LatencyRow {
  name: string;
  p50: number;
  p99: number;
  cpuUs: number;
  samples: number;
}

async function latencyScenario(url: string): Promise<LatencyRow[]> {
  const docs = makeDocuments(SINGLE.count, SINGLE.tokens);
  const opened = await verified(await openAll(url), docs);
  const inputs = opened.map((o) => o.open.prepare(docs));
  const times = opened.map(() => [] as number[]);
  const cpu = opened.map(() => [] as number[]);
  for (let i = 0; i < opened.length; i++) for (let w = 0; w < settings.warmup; w++) await opened[i]!.open.call(inputs[i], QUERY);
  for (let round = 0; round < settings.rounds; round++) {
    for (const i of rotate(Array.from(opened.keys()), round)) {
      const { open } = opened[i]!;
      gc();
      const c0 = process.cpuUsage();
      for (let n = 0; n < settings.latencyCalls; n++) {
        const t0 = performance.now();
        await open.call(inputs[i], QUERY);
        times[i]!.push(performance.now() - t0);
      }
      const c = process.cpuUsage(c0);
      cpu[i]!.push((c.user + c.system) / settings.latencyCalls);
    }
    log(`  latency round ${round + 1}/${settings.rounds}`);
  }
  await closeAll(opened);
  return opened.map((o, i) => ({
    name: o.path.name,
    p50: median(times[i]!),
    p99: percentile(times[i]!, 99),
    cpuUs: median(cpu[i]!),
    samples: times[i]!.length,
  }));
}

interface ThroughputRow {
  name: string;
  /** calls per second by concurrency */
  rate: Record<number, number>;
  cpuUs: Record<number, number>;
}

async function throughputScenario(url: string): Promise<ThroughputRow[]> {
  const docs = makeDocuments(SINGLE.count, SINGLE.tokens);
  const opened = await verified(await openAll(url), docs);
  const inputs = opened.map((o) => o.open.prepare(docs));
  const rows: ThroughputRow[] = opened.map((o) => ({ name: o.path.name, rate: {}, cpuUs: {} }));
  for (const concurrency of [1, 16, 64] as const) {
    const calls = settings.tputCalls[concurrency];
    const rates = opened.map(() => [] as number[]);
    const cpu = opened.map(() => [] as number[]);
    for (let i = 0; i < opened.length; i++) await runConcurrent(opened[i]!.open, inputs[i], concurrency, Math.min(calls, 100));
    for (let round = 0; round < settings.tputRounds; round++) {
      for (const i of rotate(Array.from(opened.keys()), round)) {
        gc();
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await runConcurrent(opened[i]!.open, inputs[i], concurrency, calls);
        const wall = performance.now() - t0;
        const c = process.cpuUsage(c0);
        rates[i]!.push((calls / wall) * 1000);
        cpu[i]!.push((c.user + c.system) / calls);
      }
    }
    opened.forEach((_, i) => {
      rows[i]!.rate[concurrency] = median(rates[i]!);
      rows[i]!.cpuUs[concurrency] = median(cpu[i]!);
    });
    log(`  throughput at concurrency ${concurrency} done`);
  }
  await closeAll(opened);
  return rows;
}

async function runConcurrent(open: OpenPath, input: unknown, concurrency: number, calls: number): Promise<void> {
  let left = calls;
  const worker = async () => {
    while (left > 0) {
      left--;
      await open.call(input, QUERY);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

interface BigRow {
  name: string;
  wall: number;
  ideal: number;
  note?: string;
}

async function bigListScenario(): Promise<BigRow[]> {
  const server = await startBenchServerProcess({ maxDocuments: BIG.limit, serviceTimeMs: BIG.serviceTimeMs });
  const docs = makeDocuments(BIG.count, BIG.tokens, 3);
  const batches = Math.ceil(BIG.count / BIG.limit);
  const ideal = Math.ceil(batches / BIG.concurrency) * BIG.serviceTimeMs;
  const config = { maxDocumentsPerRequest: BIG.limit, concurrency: BIG.concurrency };
  const rows: BigRow[] = [];
  try {
    // The anchors send one request and have no per-request limit option: show what happens, once.
    const anchorsOpened = await openAll(
      server.url,
      config,
      selected.filter((p) => p.group === "anchor"),
    );
    for (const o of anchorsOpened) {
      const input = o.open.prepare(docs);
      const t0 = performance.now();
      try {
        await o.open.call(input, QUERY);
        rows.push({ name: o.path.name, wall: performance.now() - t0, ideal, note: "sent the whole list in one request" });
      } catch (error) {
        const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
        rows.push({
          name: o.path.name,
          wall: NaN,
          ideal,
          note: `fails: no client-side batching, the server refuses ${BIG.count} documents (${message.slice(0, 90)})`,
        });
      }
    }
    await closeAll(anchorsOpened);

    const opened = await verified(
      await openAll(
        server.url,
        config,
        selected.filter((p) => p.group !== "anchor"),
      ),
      docs,
    );
    const inputs = opened.map((o) => o.open.prepare(docs));
    const walls = opened.map(() => [] as number[]);
    for (let round = 0; round < settings.bigRounds; round++) {
      for (const i of rotate(Array.from(opened.keys()), round)) {
        gc();
        const t0 = performance.now();
        await opened[i]!.open.call(inputs[i], QUERY);
        walls[i]!.push(performance.now() - t0);
      }
    }
    await closeAll(opened);
    rows.unshift(...opened.map((o, i) => ({ name: o.path.name, wall: median(walls[i]!), ideal })));
  } finally {
    await server.close();
  }
  log("  big list done");
  return rows;
}

async function memoryScenario(url: string): Promise<MemoryReport[]> {
  const reports: MemoryReport[] = [];
  for (const path of selected) {
    const child = fork(
      join(here, "memory-child.ts"),
      [path.name, url, String(HUGE.count), String(HUGE.tokens), ...(baseline ? [baseline] : [])],
      {
        execArgv: ["--conditions=@rerankit/source", "--import", "tsx", "--expose-gc"],
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      },
    );
    const report = await new Promise<MemoryReport>((resolve) => {
      const timer = setTimeout(() => {
        resolve({ path: path.name, error: `did not finish within ${settings.memoryTimeoutS} s (stopped)` } as MemoryReport);
        child.kill();
      }, settings.memoryTimeoutS * 1000);
      child.once("message", (m) => {
        clearTimeout(timer);
        resolve(m as MemoryReport);
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        resolve({ path: path.name, error: `exited with code ${code}` } as MemoryReport);
      });
    });
    if (child.exitCode === null) await new Promise((resolve) => child.once("exit", resolve));
    reports.push(report);
    log(`  memory: ${path.name} done`);
  }
  return reports;
}

interface DupRow {
  name: string;
  p50: number;
}

async function duplicatesScenario(url: string): Promise<DupRow[]> {
  const docs = makeDuplicateDocuments(DUPES.count, DUPES.distinct, DUPES.tokens);
  const opened = await verified(await openAll(url), docs);
  const inputs = opened.map((o) => o.open.prepare(docs));
  const times = opened.map(() => [] as number[]);
  for (let round = 0; round < settings.dupRounds; round++) {
    for (const i of rotate(Array.from(opened.keys()), round)) {
      gc();
      for (let n = 0; n < settings.dupCalls; n++) {
        const t0 = performance.now();
        await opened[i]!.open.call(inputs[i], QUERY);
        times[i]!.push(performance.now() - t0);
      }
    }
  }
  await closeAll(opened);
  log("  duplicates done");
  return opened.map((o, i) => ({ name: o.path.name, p50: median(times[i]!) }));
}

interface Bm25Row {
  p50: number;
  p99: number;
  cpuUs: number;
}

async function bm25Scenario(): Promise<Bm25Row> {
  const docs = makeDocuments(BM25.count, BM25.tokens, 5);
  const reranker = new Bm25Reranker();
  for (let i = 0; i < 5; i++) await reranker.rerank({ query: QUERY, documents: docs });
  const times: number[] = [];
  gc();
  const c0 = process.cpuUsage();
  for (let n = 0; n < settings.bm25Calls; n++) {
    const t0 = performance.now();
    await reranker.rerank({ query: QUERY, documents: docs });
    times.push(performance.now() - t0);
  }
  const c = process.cpuUsage(c0);
  log("  bm25 done");
  return { p50: median(times), p99: percentile(times, 99), cpuUs: (c.user + c.system) / settings.bm25Calls };
}

// ── report ──────────────────────────────────────────────────────────────────────────────────

function packageVersion(name: string): string {
  for (const base of [join(root, "test", "node_modules"), join(root, "node_modules"), join(root, "packages", "core", "node_modules")]) {
    const file = join(base, name, "package.json");
    if (existsSync(file)) return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  }
  return "?";
}

function gitCommit(): string {
  try {
    const head = execSync("git rev-parse --short HEAD", { cwd: root, encoding: "utf8" }).trim();
    const dirty = execSync("git status --porcelain -- packages test/bench", { cwd: root, encoding: "utf8" }).trim() !== "";
    return dirty ? `${head} (+ uncommitted changes)` : head;
  } catch {
    return "?";
  }
}

const yes = (met: boolean | undefined) => (met === undefined ? "n/a" : met ? "✅ met" : "❌ not met");
const FLOOR = allPaths[0]!.name;
const CLIENT = allPaths[1]!.name;

interface Results {
  latency?: LatencyRow[];
  throughput?: ThroughputRow[];
  big?: BigRow[];
  memory?: MemoryReport[];
  dupes?: DupRow[];
  bm25?: Bm25Row;
  bm25Index?: Bm25IndexBench;
}

function render(r: Results, meta: { started: Date; seconds: number; loadBefore: number[]; loadAfter: number[] }): string {
  const out: string[] = [];
  const cpu = cpus();
  out.push(
    `_Generated by \`pnpm bench${quick ? " --quick" : ""}\` on ${meta.started.toISOString().replace("T", " ").slice(0, 16)} UTC in ${meta.seconds.toFixed(0)} s (${quick ? "quick mode: fewer rounds" : "full run"})._`,
  );
  out.push("");
  out.push(
    `- Command: \`pnpm bench${quick ? " --quick" : ""}\` from the repository root (runs \`node --conditions=@rerankit/source --import tsx --expose-gc test/bench/run.ts\`)`,
  );
  out.push(
    `- Machine: ${cpu[0]?.model ?? "?"}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${platform()} ${release()}; load average ${meta.loadBefore.map((l) => l.toFixed(2)).join(" ")} before, ${meta.loadAfter.map((l) => l.toFixed(2)).join(" ")} after (the machine is shared)`,
  );
  out.push(`- Node ${process.version}; commit ${gitCommit()}`);
  out.push(
    `- Packages: undici ${packageVersion("undici")}, zod ${packageVersion("zod")}, cohere-ai ${packageVersion("cohere-ai")}, @langchain/cohere ${packageVersion("@langchain/cohere")}, @langchain/core ${packageVersion("@langchain/core")}, ai ${packageVersion("ai")}, @ai-sdk/cohere ${packageVersion("@ai-sdk/cohere")}, @llamaindex/cohere ${packageVersion("@llamaindex/cohere")} (cohere-ai 7.14.0 inside), @llamaindex/core ${packageVersion("@llamaindex/core")}`,
  );
  out.push(
    "- Noise: the machine is shared with other engineers' test runs, so single times mean little; compare the ratios within one table (all paths of a table ran in the same interleaved rounds), not figures across runs.",
  );
  out.push(
    `- Rounds: ${settings.rounds} interleaved latency rounds × ${settings.latencyCalls} calls per path (after ${settings.warmup} warm-up calls); ${settings.tputRounds} throughput rounds; ${settings.bigRounds} big-list rounds. The order of paths rotates every round.`,
  );
  out.push("");

  const lat = r.latency;
  const floorLat = lat?.find((x) => x.name === FLOOR);
  const clientLat = lat?.find((x) => x.name === CLIENT);
  const tp = r.throughput;
  const floorTp = tp?.find((x) => x.name === FLOOR);
  const clientTp = tp?.find((x) => x.name === CLIENT);
  const clientBig = r.big?.find((x) => x.name === CLIENT);
  const clientMem = r.memory?.find((x) => x.path === CLIENT && !x.error);
  const anchorsLat = lat?.filter((x) => allPaths.find((p) => p.name === x.name)?.group === "anchor") ?? [];
  const anchorsTp = tp?.filter((x) => allPaths.find((p) => p.name === x.name)?.group === "anchor") ?? [];
  const memTotal = (m: MemoryReport) => m.peakAfterCall - m.baselineRss;

  out.push("### Goals");
  out.push("");
  out.push("| goal | measured | |");
  out.push("|---|---|---|");
  if (floorLat && clientLat)
    out.push(
      `| RerankClient p50 within 1.05× the floor's (50 docs) | ${ratio(clientLat.p50, floorLat.p50)} | ${yes(clientLat.p50 <= 1.05 * floorLat.p50)} |`,
    );
  if (floorTp && clientTp) {
    const worst = Math.min(...[1, 16, 64].map((c) => clientTp.rate[c]! / floorTp.rate[c]!));
    out.push(
      `| RerankClient throughput ≥ 0.95× the floor's (worst of concurrency 1, 16, 64) | ${worst.toFixed(2)}× | ${yes(worst >= 0.95)} |`,
    );
  }
  const floorBig = r.big?.find((x) => x.name === FLOOR);
  if (clientBig) {
    out.push(
      `| 10,000 docs within 1.1× the ideal pipelined time | ${ratio(clientBig.wall, clientBig.ideal)} (${ms(clientBig.wall)} vs ${ms(clientBig.ideal)}; the hand-batched floor: ${floorBig ? ratio(floorBig.wall, floorBig.ideal) : "–"}) | ${yes(clientBig.wall <= 1.1 * clientBig.ideal)} |`,
    );
  }
  if (clientMem) {
    const own = clientMem.peakAfterCall - clientMem.withDocumentsRss;
    out.push(
      `| 100,000 docs: peak memory of the call under 2× the payload | ${(own / clientMem.payloadBytes).toFixed(2)}× (${mib(own)} for ${mib(clientMem.payloadBytes)} of text; ${(memTotal(clientMem) / clientMem.payloadBytes).toFixed(2)}× counting the documents themselves) | ${yes(own < 2 * clientMem.payloadBytes)} |`,
    );
  }
  if (clientLat && anchorsLat.length > 0) {
    const slowest = Math.min(...anchorsLat.map((a) => a.p50 / clientLat.p50));
    out.push(
      `| faster than every anchor that runs (p50, 50 docs) | fastest anchor is ${slowest.toFixed(2)}× RerankClient's p50 | ${yes(slowest > 1)} |`,
    );
  }
  if (clientTp && anchorsTp.length > 0) {
    const best = Math.min(...anchorsTp.flatMap((a) => [1, 16, 64].map((c) => clientTp.rate[c]! / a.rate[c]!)));
    out.push(
      `| faster than every anchor that runs (throughput, every concurrency) | RerankClient ≥ ${best.toFixed(2)}× the best anchor | ${yes(best > 1)} |`,
    );
  }
  out.push("");

  if (lat) {
    out.push(`### One call: ${SINGLE.count} documents of ~${SINGLE.tokens} tokens, instant server`);
    out.push("");
    out.push(
      "Latency per call, sequential calls; CPU is this process's user+system time per call (`process.cpuUsage`; the server runs in another process).",
    );
    out.push("");
    out.push("| path | p50 | p99 | p50 vs floor | CPU per call | CPU vs floor |");
    out.push("|---|---:|---:|---:|---:|---:|");
    for (const row of lat)
      out.push(
        `| ${row.name} | ${ms(row.p50)} | ${ms(row.p99)} | ${ratio(row.p50, floorLat!.p50)} | ${row.cpuUs.toFixed(0)} µs | ${ratio(row.cpuUs, floorLat!.cpuUs)} |`,
      );
    out.push("");
  }
  if (tp) {
    out.push(`### Throughput: ${SINGLE.count} × ~${SINGLE.tokens}-token documents per call, instant server`);
    out.push("");
    out.push(
      "Calls per second with N calls in flight (median of rounds), ratio to the floor at the same concurrency, and client CPU per call. One server process answers everything, so at high concurrency the server's core can be the limit: the CPU column then tells the clients apart.",
    );
    out.push("");
    out.push("| path | c=1 | c=16 | c=64 | c=1 vs floor | c=16 vs floor | c=64 vs floor | CPU/call c=1 · 16 · 64 |");
    out.push("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (const row of tp) {
      const f = floorTp!;
      out.push(
        `| ${row.name} | ${row.rate[1]!.toFixed(0)}/s | ${row.rate[16]!.toFixed(0)}/s | ${row.rate[64]!.toFixed(0)}/s | ${ratio(row.rate[1]!, f.rate[1]!)} | ${ratio(row.rate[16]!, f.rate[16]!)} | ${ratio(row.rate[64]!, f.rate[64]!)} | ${[1, 16, 64].map((c) => row.cpuUs[c]!.toFixed(0)).join(" · ")} µs |`,
      );
    }
    out.push("");
  }
  if (r.big) {
    const batches = Math.ceil(BIG.count / BIG.limit);
    out.push(
      `### Big list: ${BIG.count.toLocaleString("en")} documents, server limit ${BIG.limit} per request, ${BIG.serviceTimeMs} ms service time`,
    );
    out.push("");
    out.push(
      `${batches} requests at concurrency ${BIG.concurrency} (the client's default): the ideal pipelined time is ⌈${batches}/${BIG.concurrency}⌉ × ${BIG.serviceTimeMs} ms = ${Math.ceil(batches / BIG.concurrency) * BIG.serviceTimeMs} ms. Wall time is the median of ${settings.bigRounds} rounds.`,
    );
    out.push("");
    out.push("| path | wall time | vs ideal | vs floor | note |");
    out.push("|---|---:|---:|---:|---|");
    for (const row of r.big)
      out.push(
        `| ${row.name} | ${ms(row.wall)} | ${ratio(row.wall, row.ideal)} | ${floorBig ? ratio(row.wall, floorBig.wall) : "–"} | ${row.note ?? ""} |`,
      );
    out.push("");
  }
  if (r.memory) {
    out.push(`### Memory: ${HUGE.count.toLocaleString("en")} documents of ~${HUGE.tokens} tokens, one call, a fresh process per path`);
    out.push("");
    out.push(
      "Payload = UTF-8 bytes of the document texts. *Peak over baseline* = getrusage max RSS at the end of the call minus the RSS of the warmed-up process before the documents existed (so it counts the documents themselves, 1× for plain strings, plus the framework's objects for the adapters). *Call's own* = peak minus the RSS once the documents existed. RerankClient splits at the `rerankit` preset's 10,000 documents per request; the floor and the anchors send one request.",
    );
    out.push("");
    out.push("| path | payload | peak over baseline | × payload | call's own | × payload | wall time |");
    out.push("|---|---:|---:|---:|---:|---:|---:|");
    for (const m of r.memory) {
      if (m.error) {
        out.push(`| ${m.path} | | | | | | failed: ${m.error.slice(0, 100)} |`);
        continue;
      }
      const own = m.peakAfterCall - m.withDocumentsRss;
      const note = m.peakAfterCall <= m.peakBeforeCall ? " (peak set before the call)" : "";
      out.push(
        `| ${m.path} | ${mib(m.payloadBytes)} | ${mib(memTotal(m))}${note} | ${(memTotal(m) / m.payloadBytes).toFixed(2)}× | ${mib(own)} | ${(own / m.payloadBytes).toFixed(2)}× | ${ms(m.wallMs)} |`,
      );
    }
    out.push("");
  }
  if (r.dupes) {
    const floorDup = r.dupes.find((x) => x.name === FLOOR);
    out.push(`### A list full of duplicates: ${DUPES.count} documents, ${DUPES.distinct} distinct texts, instant server`);
    out.push("");
    out.push(
      `Rerankit's paths send each distinct text once (${DUPES.distinct} documents on the wire) and expand the scores back; the floor and the anchors send all ${DUPES.count}.`,
    );
    out.push("");
    out.push("| path | p50 | vs floor |");
    out.push("|---|---:|---:|");
    for (const row of r.dupes) out.push(`| ${row.name} | ${ms(row.p50)} | ${ratio(row.p50, floorDup!.p50)} |`);
    out.push("");
  }
  if (r.bm25) {
    out.push(`### \`Bm25Reranker\`: ${BM25.count.toLocaleString("en")} documents of ~${BM25.tokens} tokens, in process`);
    out.push("");
    out.push("| p50 | p99 | CPU per call | documents per second (at p50) |");
    out.push("|---:|---:|---:|---:|");
    out.push(
      `| ${ms(r.bm25.p50)} | ${ms(r.bm25.p99)} | ${(r.bm25.cpuUs / 1000).toFixed(2)} ms | ${((BM25.count / r.bm25.p50) * 1000).toFixed(0)} |`,
    );
    out.push("");
  }
  if (r.bm25Index) out.push(renderBm25IndexBench(r.bm25Index));
  if (unavailable.size > 0) {
    out.push("### Paths that did not run");
    out.push("");
    for (const [name, why] of unavailable) out.push(`- ${name}: ${why}`);
    out.push("");
  }
  return out.join("\n");
}

function writeResults(section: string): void {
  const file = writeBenchmarksSection("bench:results", section);
  log(`wrote ${file}`);
}

async function main(): Promise<void> {
  const started = new Date();
  const loadBefore = loadavg();
  const command = `pnpm bench${quick ? " --quick" : ""}`;
  // docs/BENCHMARKS.md is written only by a run of every path without a baseline (the results section also needs every scenario).
  const writeSections = write && !pathFilter && !baseline && !baselineLlamaindex;
  const t0 = performance.now();
  const results: Results = {};
  let server: RunningBenchServer | undefined;
  try {
    server = await startBenchServerProcess();
    if (wants("latency")) {
      log("latency…");
      results.latency = await latencyScenario(server.url);
    }
    if (wants("throughput")) {
      log("throughput…");
      results.throughput = await throughputScenario(server.url);
    }
    if (wants("duplicates")) {
      log("duplicates…");
      results.dupes = await duplicatesScenario(server.url);
    }
    if (wants("biglist")) {
      log("big list…");
      results.big = await bigListScenario();
    }
    if (wants("memory")) {
      log("memory…");
      results.memory = await memoryScenario(server.url);
    }
    if (wants("bm25")) {
      log("bm25…");
      results.bm25 = await bm25Scenario();
    }
    if (wants("bm25index")) {
      log("bm25 index (SciFact, against minisearch and wink-bm25-text-search)…");
      results.bm25Index = await bm25IndexBench({ rounds: quick ? 2 : 5, log });
    }
    if (wants("cross-encoder")) {
      log("cross-encoder…");
      // Loaded only here: the other scenarios need no ONNX Runtime. It writes its own section.
      const ce = await import("./cross-encoder.js");
      const ceSection = ce.renderCrossEncoder(await ce.crossEncoderBench({ model: option("model"), quick, log }), command);
      process.stdout.write(`${ceSection}\n`);
      if (write && !option("model")) ce.writeCrossEncoderSection(ceSection);
    }
    if (wants("cache")) {
      // Its own section of docs/BENCHMARKS.md (between the bench-cache markers), see cache.ts.
      log("cache…");
      const section = renderCacheBench(await cacheBench(quick ? { rounds: 3, calls: 50 } : { rounds: 7, calls: 200 }, log), command);
      process.stdout.write(`${section}\n`);
      if (writeSections) writeCacheSection(section);
    }
    if (wants("llm")) {
      // Its own section of docs/BENCHMARKS.md (between the bench-llm markers), see llm.ts.
      log("llm (LogprobReranker)…");
      const { llmBench, llmBenchSettings, renderLlmBench, writeLlmSection } = await import("./llm.js");
      const llmSettings = llmBenchSettings(quick);
      const llmSection = renderLlmBench(await llmBench(llmSettings, log), llmSettings, command);
      process.stdout.write(`${llmSection}\n`);
      if (writeSections) writeLlmSection(llmSection);
    }
  } finally {
    await server?.close();
  }
  const section = render(results, { started, seconds: (performance.now() - t0) / 1000, loadBefore, loadAfter: loadavg() });
  process.stdout.write(`${section}\n`);
  const jsonFile = option("json");
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ settings, results, unavailable: Object.fromEntries(unavailable) }, null, 2));
  if (writeSections && !scenarioFilter) writeResults(section);
  else if (write) log("not writing docs/BENCHMARKS.md for a partial or baseline run (--scenarios/--paths/--baseline)");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
