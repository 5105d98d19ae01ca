/**
 * The load scenario shared by load.test.ts and the figures script: `@rerankit/server` with a fast
 * deterministic reranker, behind a small proxy that answers 503 to the first attempt of every 20th
 * call (5 %), and one RerankClient firing many concurrent calls of 50 documents.
 *
 * The proxy fails first attempts only (it recognises a retry by its body), so the outcome is exact:
 * with independent 5 % failures instead, a call fails all 1 + maxRetries attempts with probability
 * 0.05³ (one call in 8,000), which would make "every call succeeds" a matter of luck.
 */
import { createHash } from "node:crypto";
import { createServer, request as httpRequest, Agent as HttpAgent } from "node:http";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { RerankClient, Reranker, RerankRequest, RerankResponse } from "@rerankit/core";
import { startRerankServer } from "@rerankit/server";

/** Score of a document text "c<call> d<j> w<weight>": its weight, so the expected order is known. */
export function weightOf(text: string): number {
  return Number(text.slice(text.lastIndexOf("w") + 1));
}

/** A reranker that scores by the weight written in each text: instant and deterministic. */
export const weightReranker: Reranker = {
  async rerank(request: RerankRequest): Promise<RerankResponse> {
    const results = request.documents
      .map((d, index) => ({ index, relevanceScore: weightOf(typeof d === "string" ? d : d.text) }))
      .sort((a, b) => b.relevanceScore - a.relevanceScore || a.index - b.index);
    return {
      results,
      model: request.model ?? "weights",
      provider: "weights",
      scoreKind: "unknown",
      usage: { requests: 0 },
      requestIds: [],
    };
  },
};

/** 50 documents for call `call`, with distinct weights in a call-dependent order. */
export function documentsFor(call: number, size = 50): string[] {
  return Array.from({ length: size }, (_, j) => `c${call} d${j} w${((j * 37 + call * 11) % 997) / 1000}`);
}

export function expectedOrder(documents: readonly string[]): number[] {
  return documents
    .map((d, index) => ({ index, score: weightOf(d) }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((r) => r.index);
}

export interface LoadRig {
  /** Base URL of the proxy, to give the client. */
  url: string;
  /** Requests that reached the proxy, distinct calls (bodies) among them, and how many it failed with 503. */
  stats: { requests: number; calls: number; injected503: number };
  close(): Promise<void>;
}

/** Starts the rerank server and a proxy in front of it that fails the first attempt of every `failEvery`-th call with 503. */
export async function startLoadRig(failEvery = 20): Promise<LoadRig> {
  const upstream = await startRerankServer({ reranker: weightReranker });
  const target = new URL(upstream.url);
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 256 });
  const stats = { requests: 0, calls: 0, injected503: 0 };
  const seen = new Set<string>();
  const proxy = createServer((req, res) => {
    stats.requests++;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      // A digest, not the body: the rig must not hold 2 KB per call while the test measures the heap.
      const key = createHash("sha1").update(body).digest("base64");
      if (!seen.has(key)) {
        seen.add(key);
        stats.calls++;
        if (stats.calls % failEvery === 0) {
          stats.injected503++;
          res.writeHead(503, { "content-type": "application/json" }).end('{"message":"injected overload"}');
          return;
        }
      }
      const forward = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
        (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
        },
      );
      forward.on("error", () => res.destroy());
      forward.end(body);
    });
  });
  proxy.keepAliveTimeout = 5_000;
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  const { port } = proxy.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    async close() {
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
      agent.destroy();
      await upstream.close();
    },
  };
}

export interface RoundResult {
  calls: number;
  correct: number;
  failed: number;
  /** Messages of the failed calls (empty when all succeeded). */
  errors: string[];
  requests: number;
  elapsedMs: number;
}

/** Fires `calls` concurrent rerank() calls of 50 documents and checks every ranking. */
export async function loadRound(client: RerankClient, calls: number, offset = 0): Promise<RoundResult> {
  const started = performance.now();
  const outcomes = await Promise.allSettled(
    Array.from({ length: calls }, async (_, i) => {
      const documents = documentsFor(offset + i);
      const response = await client.rerank({ query: "weights", documents });
      const got = response.results.map((r) => r.index);
      const want = expectedOrder(documents);
      return { ok: got.length === want.length && got.every((x, k) => x === want[k]), requests: response.usage.requests };
    }),
  );
  const elapsedMs = performance.now() - started;
  let correct = 0;
  let failed = 0;
  let requests = 0;
  const errors: string[] = [];
  for (const o of outcomes) {
    if (o.status === "fulfilled") {
      if (o.value.ok) correct++;
      requests += o.value.requests;
    } else {
      failed++;
      errors.push(`${(o.reason as Error).name}: ${(o.reason as Error).message}`);
    }
  }
  return { calls, correct, failed, errors, requests, elapsedMs };
}

let gcFn: (() => void) | undefined;
/** A full GC without --expose-gc on the command line. */
export function collectGarbage(): void {
  if (!gcFn) {
    setFlagsFromString("--expose-gc");
    gcFn = runInNewContext("gc") as () => void;
  }
  gcFn();
  gcFn();
}

export function heapUsedAfterGc(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/**
 * What the process keeps after a full GC: the JS heap plus memory outside it (ArrayBuffers and
 * Buffers, where a retained response body would live; heapUsed alone does not see those).
 */
export function retainedAfterGc(): number {
  collectGarbage();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}
