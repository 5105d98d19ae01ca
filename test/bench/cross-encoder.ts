/**
 * The cross-encoder benchmark (`pnpm bench --scenarios cross-encoder [--model DIR_OR_ID]`, or this
 * file alone: `node --conditions=@rerankit/source --import tsx test/bench/cross-encoder.ts
 * [--model DIR_OR_ID] [--quick] [--no-write]`).
 *
 * 1. Pairs per second for 100 candidates of about 200 tokens (measured with the model's own
 *    tokenizer) at batch sizes 1, 8 and 32, rounds interleaved across batch sizes.
 * 2. A real rerank server under 16 concurrent clients (each request: a query and 10 of those
 *    candidates), the CrossEncoderReranker behind it directly vs. through a BatchingReranker.
 * 3. Where Debian's python3-torch is installed and the model is a tiny fixture: the same model and
 *    the same token ids in PyTorch, as a ratio (ONNX Runtime / PyTorch) per batch size, after
 *    checking both give the same scores.
 *
 * Nothing here asserts a time. On the default tiny fixture (2 layers, 32 wide) the figures show
 * per-pass overhead rather than model compute; pass --model for a real one.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type RerankServer, startRerankServer } from "@rerankit/server";
import { BatchingReranker, CrossEncoderReranker, type EncodedPair } from "@rerankit/transformers";
import { makeDocuments } from "./corpus.js";
import { median } from "./stats.js";
import { writeBenchmarksSection } from "./benchmarks-md.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const FIXTURE = join(root, "packages", "transformers", "test", "fixtures", "tiny-cross-encoder");
const TORCH_BENCH = join(root, "packages", "transformers", "scripts", "bench-torch.py");
const PYTHON = "/usr/bin/python3";
const QUERY = "which passage answers the question about river history and the harbour economy";
const CANDIDATES = 100;
const TARGET_TOKENS = 200;
const BATCH_SIZES = [1, 8, 32];
const CLIENTS = 16;
const DOCS_PER_REQUEST = 10;

export interface CrossEncoderBenchOptions {
  model?: string;
  quick?: boolean;
  log?: (line: string) => void;
}

export interface CrossEncoderBenchResult {
  model: string;
  meanTokens: number;
  pairsPerSecond: Record<number, number>;
  server: { direct: ServerRun; batching: ServerRun };
  torch?: { version: string; threads: number; pairsPerSecond: Record<number, number>; maxScoreDifference: number } | string;
}

interface ServerRun {
  requestsPerSecond: number;
  pairsPerSecond: number;
  p50Ms: number;
}

/** Candidates of about TARGET_TOKENS tokens each under this model's tokenizer. */
async function candidates(reranker: CrossEncoderReranker): Promise<string[]> {
  const long = makeDocuments(CANDIDATES, TARGET_TOKENS * 2, 14);
  const special = (await reranker.encode("", [""]))[0]!.inputIds.length;
  const out: string[] = [];
  for (const doc of long) {
    const words = doc.split(" ");
    let lo = 1;
    let hi = words.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      const [pair] = await reranker.encode("", [words.slice(0, mid).join(" ")]);
      // With an empty query, all but the special tokens are the document's.
      if (pair!.inputIds.length - special <= TARGET_TOKENS) lo = mid;
      else hi = mid - 1;
    }
    out.push(words.slice(0, lo).join(" "));
  }
  return out;
}

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function serverRun(server: RerankServer, docs: string[], requestsPerClient: number): Promise<ServerRun> {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let n = 0; n < requestsPerClient; n++) {
        const first = ((client * requestsPerClient + n) * DOCS_PER_REQUEST) % (docs.length - DOCS_PER_REQUEST);
        const body = JSON.stringify({ query: QUERY, documents: docs.slice(first, first + DOCS_PER_REQUEST) });
        const t = performance.now();
        const res = await fetch(`${server.url}/v1/rerank`, { method: "POST", headers: { "content-type": "application/json" }, body });
        if (res.status !== 200) throw new Error(`server answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const requests = CLIENTS * requestsPerClient;
  return { requestsPerSecond: requests / seconds, pairsPerSecond: (requests * DOCS_PER_REQUEST) / seconds, p50Ms: median(latencies) };
}

type TorchSide = NonNullable<CrossEncoderBenchResult["torch"]>;

function torchSideBySide(model: string, pairs: EncodedPair[], ourScores: Float64Array, rounds: number): TorchSide {
  if (!existsSync(join(model, "expected.json")))
    return "not measured: PyTorch runs only the tiny fixtures (no Hugging Face transformers for Python here)";
  try {
    execFileSync(PYTHON, ["-c", "import torch"], { stdio: "ignore" });
  } catch {
    return "not measured: python3-torch is not installed (apt-get install python3-torch)";
  }
  const dir = mkdtempSync(join(tmpdir(), "rerankit-torch-bench-"));
  try {
    const file = join(dir, "pairs.json");
    writeFileSync(file, JSON.stringify({ pairs, batchSizes: BATCH_SIZES, rounds }));
    const out = JSON.parse(execFileSync(PYTHON, [TORCH_BENCH, model, file], { encoding: "utf8", maxBuffer: 64 << 20 })) as {
      seconds: Record<string, number>;
      threads: number;
      torch: string;
      logits: number[][];
    };
    const probability = (l: number[]) => (l.length === 1 ? 1 / (1 + Math.exp(-l[0]!)) : 1 / (1 + Math.exp(l[0]! - l[1]!)));
    const maxScoreDifference = Math.max(...out.logits.map((l, i) => Math.abs(probability(l) - ourScores[i]!)));
    const pairsPerSecond = Object.fromEntries(BATCH_SIZES.map((b) => [b, pairs.length / out.seconds[String(b)]!]));
    return { version: out.torch, threads: out.threads, pairsPerSecond, maxScoreDifference };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function crossEncoderBench(options: CrossEncoderBenchOptions = {}): Promise<CrossEncoderBenchResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const model = options.model ?? FIXTURE;
  const rounds = options.quick ? 3 : 5;
  const requestsPerClient = options.quick ? 4 : 8;
  const rerankers = new Map(BATCH_SIZES.map((b) => [b, new CrossEncoderReranker({ model, batchSize: b })]));
  const first = rerankers.get(32)!;
  await Promise.all([...rerankers.values()].map((r) => r.load()));
  const docs = await candidates(first);
  const pairs = await first.encode(QUERY, docs);
  const meanTokens = pairs.reduce((s, p) => s + p.inputIds.length, 0) / pairs.length;
  log(`  cross-encoder: ${model}, ${docs.length} candidates, ${meanTokens.toFixed(0)} tokens a pair on average`);

  // 1. pairs per second, rounds interleaved across batch sizes (a warm-up call each first).
  for (const r of rerankers.values()) await r.rerank({ query: QUERY, documents: docs });
  const times = new Map<number, number[]>(BATCH_SIZES.map((b) => [b, []]));
  for (let round = 0; round < rounds; round++) {
    for (const b of round % 2 === 0 ? BATCH_SIZES : [...BATCH_SIZES].reverse()) {
      times.get(b)!.push(await timeIt(() => rerankers.get(b)!.rerank({ query: QUERY, documents: docs })));
    }
  }
  const pairsPerSecond = Object.fromEntries(BATCH_SIZES.map((b) => [b, (docs.length / median(times.get(b)!)) * 1000]));
  log(`  pairs/s by batch size: ${JSON.stringify(Object.fromEntries(Object.entries(pairsPerSecond).map(([k, v]) => [k, Math.round(v)])))}`);

  // 2. the server under 16 concurrent clients, without and with dynamic batching (interleaved).
  const direct = await startRerankServer({ reranker: first });
  const batching = await startRerankServer({ reranker: new BatchingReranker({ reranker: first }) });
  const runs: { direct: ServerRun[]; batching: ServerRun[] } = { direct: [], batching: [] };
  try {
    await serverRun(direct, docs, 1);
    await serverRun(batching, docs, 1);
    for (let round = 0; round < Math.max(2, rounds - 2); round++) {
      runs.direct.push(await serverRun(direct, docs, requestsPerClient));
      runs.batching.push(await serverRun(batching, docs, requestsPerClient));
    }
  } finally {
    await direct.close();
    await batching.close();
  }
  const summarise = (list: ServerRun[]): ServerRun => ({
    requestsPerSecond: median(list.map((r) => r.requestsPerSecond)),
    pairsPerSecond: median(list.map((r) => r.pairsPerSecond)),
    p50Ms: median(list.map((r) => r.p50Ms)),
  });
  const server = { direct: summarise(runs.direct), batching: summarise(runs.batching) };
  log(
    `  server, ${CLIENTS} clients: direct ${server.direct.pairsPerSecond.toFixed(0)} pairs/s, batching ${server.batching.pairsPerSecond.toFixed(0)} pairs/s`,
  );

  // 3. PyTorch, same model and token ids.
  const scores = new Float64Array(pairs.length);
  const ranked = await first.rerank({ query: QUERY, documents: docs });
  for (const r of ranked.results) scores[r.index] = r.relevanceScore;
  const torch = torchSideBySide(model, pairs, scores, rounds);
  if (typeof torch === "string") log(`  PyTorch: ${torch}`);
  else
    log(
      `  PyTorch ${torch.version}: ${JSON.stringify(torch.pairsPerSecond)} pairs/s, scores within ${torch.maxScoreDifference.toExponential(1)}`,
    );
  return { model: options.model ?? "tiny-cross-encoder (test fixture)", meanTokens, pairsPerSecond, server, torch };
}

export function renderCrossEncoder(r: CrossEncoderBenchResult, command: string): string {
  const f = (n: number) => n.toFixed(0);
  const lines = [
    `Model: ${r.model}; ${CANDIDATES} candidates of about ${TARGET_TOKENS} tokens (${r.meanTokens.toFixed(0)} tokens a pair with the query); \`${command}\`, ${new Date().toISOString().slice(0, 16)}Z.`,
    "",
    "| batch size | pairs/s (ONNX Runtime, transformers.js) |" +
      (typeof r.torch === "object" ? " pairs/s (PyTorch) | ONNX / PyTorch |" : ""),
    `|---:|---:|${typeof r.torch === "object" ? "---:|---:|" : ""}`,
    ...BATCH_SIZES.map((b) => {
      const ours = r.pairsPerSecond[b]!;
      const theirs = typeof r.torch === "object" ? r.torch.pairsPerSecond[b]! : undefined;
      return `| ${b} | ${f(ours)} |${theirs === undefined ? "" : ` ${f(theirs)} | ${(ours / theirs).toFixed(2)}× |`}`;
    }),
    "",
    typeof r.torch === "object"
      ? `PyTorch ${r.torch.version} (${r.torch.threads} threads), same weights and token ids; its scores agree with ONNX Runtime's within ${r.torch.maxScoreDifference.toExponential(1)}.`
      : `PyTorch: ${r.torch ?? "not measured"}.`,
    "",
    `A rerank server (\`startRerankServer\`), ${CLIENTS} concurrent clients, ${DOCS_PER_REQUEST} candidates a request:`,
    "",
    "| reranker behind the server | requests/s | pairs/s | p50 latency |",
    "|---|---:|---:|---:|",
    `| CrossEncoderReranker (no dynamic batching) | ${f(r.server.direct.requestsPerSecond)} | ${f(r.server.direct.pairsPerSecond)} | ${r.server.direct.p50Ms.toFixed(1)} ms |`,
    `| BatchingReranker (maxBatchTokens 16384) | ${f(r.server.batching.requestsPerSecond)} | ${f(r.server.batching.pairsPerSecond)} | ${r.server.batching.p50Ms.toFixed(1)} ms |`,
    "",
    `Dynamic batching: ${(r.server.batching.pairsPerSecond / r.server.direct.pairsPerSecond).toFixed(2)}× the pairs/s.`,
  ];
  return lines.join("\n");
}

export function writeCrossEncoderSection(section: string): void {
  writeBenchmarksSection("bench:cross-encoder", section);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const at = args.indexOf("--model");
  const model = at >= 0 ? args[at + 1] : undefined;
  const result = await crossEncoderBench({ model, quick: args.includes("--quick") });
  const section = renderCrossEncoder(
    result,
    `pnpm bench --scenarios cross-encoder${model ? " --model …" : ""}${args.includes("--quick") ? " --quick" : ""}`,
  );
  process.stdout.write(`${section}\n`);
  if (!args.includes("--no-write") && model === undefined) writeCrossEncoderSection(section);
}
