/**
 * `LogprobReranker` against a local OpenAI-compatible server with a fixed service time (`pnpm bench`
 * runs it as the `llm` scenario; alone: `pnpm --filter @rerankit/tests run bench:llm`): requests in
 * flight and documents per second at several `concurrency` settings, against the ideal
 * ⌈n / concurrency⌉ × service time (one document a request, so a call is that many rounds of the
 * server's time at best). The server holds each reply for the service time with a timer and counts
 * requests in flight; it runs in this process (it does no work but the timer and ~1 KB of JSON).
 *
 * Medians of rounds; nothing asserts a time.
 */
import { cpus, loadavg } from "node:os";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { LogprobReranker } from "@rerankit/llm";
import { makeDocuments, QUERY } from "./corpus.js";
import { median, ms, ratio } from "./stats.js";
import { writeBenchmarksSection } from "./benchmarks-md.js";

export interface LlmBenchSettings {
  rounds: number;
  documents: number;
  serviceMs: number;
  concurrency: number[];
}

export interface LlmBenchRow {
  concurrency: number;
  mostInFlight: number;
  p50: number;
  /** The median time the server really held a reply (the timer's `serviceMs`, plus its lateness). */
  heldP50: number;
  ideal: number;
  documentsPerSecond: number;
}

/** Every reply is the same: built once, not per request. */
const REPLY = JSON.stringify({
  id: "b",
  model: "bench",
  choices: [
    {
      index: 0,
      logprobs: {
        content: [
          {
            token: "yes",
            top_logprobs: [
              { token: "yes", logprob: -0.2 },
              { token: "no", logprob: -1.8 },
            ],
          },
        ],
      },
    },
  ],
});

async function startSlowChatServer(serviceMs: number) {
  let inFlight = 0;
  let most = 0;
  // What the timer really held each reply for: on a loaded machine a timer fires late.
  const held: number[] = [];
  const server = http.createServer((req, res) => {
    inFlight++;
    most = Math.max(most, inFlight);
    req.resume();
    req.on("end", () => {
      const arrived = performance.now();
      setTimeout(() => {
        held.push(performance.now() - arrived);
        inFlight--;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(REPLY);
      }, serviceMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    takeMost: () => {
      const m = most;
      most = 0;
      return m;
    },
    takeHeld: () => held.splice(0),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function llmBench(settings: LlmBenchSettings, log: (line: string) => void = () => {}): Promise<LlmBenchRow[]> {
  const server = await startSlowChatServer(settings.serviceMs);
  const rows: LlmBenchRow[] = [];
  try {
    for (const concurrency of settings.concurrency) {
      const reranker = new LogprobReranker({ baseURL: server.url, model: "bench", concurrency, maxRetries: 0 });
      const times: number[] = [];
      let most = 0;
      server.takeHeld();
      for (let round = 0; round < settings.rounds; round++) {
        // Distinct texts each round: identical ones would be sent once.
        const documents = makeDocuments(settings.documents, 50).map((d, i) => `${round}:${i} ${d}`);
        server.takeMost();
        const t0 = performance.now();
        await reranker.rerank({ query: QUERY, documents });
        times.push(performance.now() - t0);
        most = Math.max(most, server.takeMost());
      }
      await reranker.close();
      const p50 = median(times);
      const heldP50 = median(server.takeHeld());
      const ideal = Math.ceil(settings.documents / concurrency) * settings.serviceMs;
      rows.push({ concurrency, mostInFlight: most, p50, heldP50, ideal, documentsPerSecond: settings.documents / (p50 / 1000) });
      log(`  concurrency ${concurrency}: p50 ${ms(p50)} (ideal ${ms(ideal)}), at most ${most} in flight`);
    }
  } finally {
    await server.close();
  }
  return rows;
}

export function renderLlmBench(rows: LlmBenchRow[], settings: LlmBenchSettings, command: string): string {
  const lines = [
    "## LLM reranking: `LogprobReranker` against a server with a fixed service time",
    "",
    `_\`${command}\`: ${settings.documents} documents of ~50 tokens a call, one chat completion each, a local server that answers each after ${settings.serviceMs} ms; median of ${settings.rounds} calls per row on this machine (${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} at the end: shared and noisy, compare rows of one run)._`,
    "",
    "| concurrency | most requests in flight | p50 a call | ideal ⌈n / concurrency⌉ × service time | p50 vs ideal | service time really held (p50) | documents / s |",
    "|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| ${r.concurrency} | ${r.mostInFlight} | ${ms(r.p50)} | ${ms(r.ideal)} | ${ratio(r.p50, r.ideal)} | ${ms(r.heldP50)} | ${Math.round(r.documentsPerSecond)} |`,
    ),
    "",
    "The server never sees more requests at once than `concurrency` (the second column), and reaches it when the list is long enough (short of it only when the first replies come back before the last requests of a round have connected): `concurrency` is the number of requests in flight. A call's time is its ⌈n / concurrency⌉ rounds of the service time the server really held (the timer fires late on a loaded machine: compare with that column, not with the nominal time) plus the client's own time per request (building the prompt, JSON, reading the logprobs) and the loopback round trip; with many requests in flight on a busy machine, the client's and the server's event loops are the bottleneck. A real LLM server's service time also grows with the requests it batches, so past its best batch size more concurrency buys little: measure yours.",
  ];
  return lines.join("\n");
}

export function writeLlmSection(section: string): void {
  writeBenchmarksSection("bench-llm", section);
}

/** `--quick` runs fewer rounds; every other setting is the same. */
export const llmBenchSettings = (quick: boolean): LlmBenchSettings => ({
  rounds: quick ? 3 : 5,
  documents: 64,
  serviceMs: 20,
  concurrency: [1, 4, 16, 64],
});

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes("--quick");
  const settings = llmBenchSettings(quick);
  const rows = await llmBench(settings, (line) => console.error(line));
  const section = renderLlmBench(rows, settings, `pnpm --filter @rerankit/tests run bench:llm${quick ? " --quick" : ""}`);
  console.log(section);
  if (!process.argv.includes("--no-write")) writeLlmSection(section);
}
