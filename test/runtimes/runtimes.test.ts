/**
 * The client and the AI SDK provider under real Deno and real Bun (both from the npm registry:
 * `deno` and `@oven/bun-linux-x64`, devDependencies of this package), against the local rerank
 * server: RerankClient with the runtime's own fetch, the default RerankClient (whatever transport
 * it picks there), and `ai`'s rerank() through @rerankit/ai-sdk. Each must rank as Node does.
 */
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { RerankClient } from "@rerankit/core";
import { type RerankServer, startRerankServer } from "@rerankit/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCUMENTS, QUERY } from "./call-inputs.js";

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const script = fileURLToPath(new URL("./runtime-call.ts", import.meta.url));
const testRoot = fileURLToPath(new URL("..", import.meta.url));

// The binaries the npm packages ship (no download at install: deno's comes in @deno/linux-x64-glibc,
// Bun's in @oven/bun-linux-x64, whose own postinstall is not needed for its bin/bun).
const deno = join(testRoot, "node_modules", ".bin", "deno");
const bun = join(dirname(require.resolve("@oven/bun-linux-x64/package.json")), "bin", "bun");

const runtimes: [string, (baseURL: string) => [string, string[]]][] = [
  // Only the loopback network, the environment (the client reads DEBUG and keys) and the files it imports.
  [
    "deno",
    (baseURL) => [
      deno,
      ["run", "--conditions=@rerankit/source", "--allow-net=127.0.0.1", "--allow-env", "--allow-read", "--allow-sys", script, baseURL],
    ],
  ],
  ["bun", (baseURL) => [bun, ["--conditions=@rerankit/source", script, baseURL]]],
];

interface Outcome {
  runtime: string;
  fetched: number;
  fetch: { order: number[]; requests: number };
  default: { order: number[]; requests: number };
  aiSdk: { order: number[]; scores: number[] };
}

let server: RerankServer;
beforeAll(async () => {
  server = await startRerankServer();
});
afterAll(async () => {
  await server?.close();
});

/** What Node (undici) gets for the same call: the expected ranking (BM25 scores depend on the batch). */
async function onNode(options: { maxDocumentsPerRequest?: number; topN?: number }) {
  const client = new RerankClient({
    provider: "rerankit",
    baseURL: `${server.url}/v1`,
    maxDocumentsPerRequest: options.maxDocumentsPerRequest,
  });
  try {
    return await client.rerank({
      query: QUERY,
      documents: DOCUMENTS,
      topN: options.topN,
    });
  } finally {
    await client.close();
  }
}

describe.each(runtimes)("under real %s", (name, command) => {
  it("reranks through the runtime's fetch, the default transport and the AI SDK provider, as Node does", async () => {
    const [file, args] = command(`${server.url}/v1`);
    const { stdout } = await run(file, args, { cwd: testRoot, timeout: 120_000, env: { ...process.env, NO_COLOR: "1" } });
    const outcome = JSON.parse(stdout.trim().split("\n").at(-1)!) as Outcome;
    // It really ran there, not in a Node fallback.
    expect(outcome.runtime).toMatch(new RegExp(`^${name} \\d+\\.\\d+`));
    const order = (await onNode({ maxDocumentsPerRequest: 2 })).results.map((r) => r.index);
    expect(outcome.fetch).toEqual({ order, requests: 2 });
    expect(outcome.default).toEqual({ order, requests: 2 });
    const top2 = await onNode({ topN: 2 });
    expect(outcome.aiSdk).toEqual({ order: top2.results.map((r) => r.index), scores: top2.results.map((r) => r.relevanceScore) });
    // Both batches of the fetch client and the provider's one request went through the runtime's fetch.
    expect(outcome.fetched).toBe(3);
  });
});
