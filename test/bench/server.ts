/**
 * The benchmark's own rerank server: node:http, Cohere-form replies (`id`, `results`, `meta`, so
 * the official Cohere clients accept them), a score that is a pure function of the document text
 * (so batching, de-duplication and client choice cannot change the ranking), an optional service
 * time (a timer from the request's arrival, so concurrent requests overlap like a GPU server's)
 * and an optional
 * documents-per-request limit (HTTP 400 above it, like Cohere's own).
 *
 * `startBenchServerProcess` runs it in a child process: the machine has two cores, and a server
 * on the client's event loop would charge its JSON parsing and scoring to every client measured
 * and interleave with the client's callbacks. In its own process the client's timings and
 * `process.cpuUsage()` are the client's alone.
 */
import { fork, type ChildProcess } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

export interface BenchServerOptions {
  /** Milliseconds between reading a request and answering it. @default 0 */
  serviceTimeMs?: number;
  /** Documents per request; more is an HTTP 400. @default unlimited */
  maxDocuments?: number;
  /**
   * Record when each request arrived, its body ended, its JSON was parsed and its reply was
   * written (absolute `performance.timeOrigin + now()` ms, comparable across processes), served
   * (and cleared) by `GET /__trace`; `GET /__clock` answers the server's clock, to align the two processes'. For `biglist-trace.ts`. @default false
   */
  trace?: boolean;
}

/** One request's timeline on the server (absolute milliseconds). */
export interface ServerTrace {
  documents: number;
  bodyBytes: number;
  arrived: number;
  bodyEnd: number;
  parsed: number;
  replied: number;
}

const now = () => performance.timeOrigin + performance.now();

export interface RunningBenchServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  close(): Promise<void>;
}

/**
 * Score in [0, 1) from the text: FNV-1a over the length, the first 64 and the last 64 characters.
 * Cheap (the server should cost little) and, for the benchmark's documents, distinct per text.
 */
export function scoreText(text: string): number {
  let h = 0x811c9dc5 ^ text.length;
  const head = Math.min(64, text.length);
  for (let i = 0; i < head; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  for (let i = Math.max(head, text.length - 64); i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 4294967296;
}

/** The ranking the server gives `docs`: input indices, best first, ties by index. */
export function expectedRanking(docs: readonly string[]): number[] {
  const scores = docs.map(scoreText);
  return docs.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function createBenchServer(options: BenchServerOptions = {}): Server {
  const serviceTimeMs = options.serviceTimeMs ?? 0;
  const maxDocuments = options.maxDocuments ?? Infinity;
  let served = 0;
  const traces: ServerTrace[] = [];

  const answer = (req: IncomingMessage, res: ServerResponse, raw: Buffer, arrived: number) => {
    if (options.trace && req.method === "GET" && req.url === "/__trace") return reply(res, 200, traces.splice(0));
    if (options.trace && req.method === "GET" && req.url === "/__clock") return reply(res, 200, now());
    if (req.method !== "POST" || !req.url?.endsWith("/rerank")) return reply(res, 404, { message: "not found" });
    const bodyEnd = options.trace ? now() : 0;
    let body: { documents?: unknown[]; top_n?: number };
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      return reply(res, 400, { message: "invalid JSON" });
    }
    const documents = body.documents;
    if (!Array.isArray(documents)) return reply(res, 400, { message: "documents must be an array" });
    if (documents.length > maxDocuments) {
      return reply(res, 400, { message: `too many documents: ${documents.length} > ${maxDocuments} per request` });
    }
    const results = documents.map((d, index) => ({
      index,
      relevance_score: scoreText(typeof d === "string" ? d : String((d as { text?: unknown })?.text ?? "")),
    }));
    results.sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index);
    const topN = typeof body.top_n === "number" && body.top_n > 0 ? body.top_n : results.length;
    if (topN < results.length) results.length = topN;
    const payload = {
      id: `bench-${++served}`,
      results,
      meta: { api_version: { version: "2" }, billed_units: { search_units: 1 } },
    };
    // Service time counts from the request's arrival, as a model server's does: reading and
    // scoring the body is part of it, so this server's own JSON work does not add to it.
    const trace = options.trace
      ? {
          documents: documents.length,
          bodyBytes: raw.length,
          arrived: performance.timeOrigin + arrived,
          bodyEnd,
          parsed: now(),
          replied: 0,
        }
      : undefined;
    const send = () => {
      reply(res, 200, payload);
      if (trace) {
        trace.replied = now();
        traces.push(trace);
      }
    };
    const wait = serviceTimeMs - (performance.now() - arrived);
    if (wait > 0) setTimeout(send, wait);
    else send();
  };

  const server = createServer((req, res) => {
    const arrived = performance.now();
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => answer(req, res, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), arrived));
  });
  // Long keep-alive so no client meets a server-side close in the middle of a run.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 130_000;
  server.requestTimeout = 0;
  return server;
}

/** Starts a bench server in this process (tests use it; the benchmark uses the child process). */
export async function startBenchServer(options: BenchServerOptions = {}): Promise<RunningBenchServer> {
  const server = createBenchServer(options);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Starts a bench server in a child process of its own. */
export async function startBenchServerProcess(options: BenchServerOptions = {}): Promise<RunningBenchServer> {
  const child: ChildProcess = fork(fileURLToPath(new URL("./server-child.ts", import.meta.url)), [JSON.stringify(options)], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (message) => resolve((message as { port: number }).port));
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`bench server exited early (code ${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill();
      }),
  };
}
