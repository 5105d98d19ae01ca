/**
 * OpenTelemetry tracing of rerank calls with `@rerankit/otel`: one `rerank {model}` span per call
 * with GenAI and OpenInference attributes, a `POST` child span per HTTP attempt, and a
 * `rerank.retry` event when an attempt is retried.
 *
 * The client is given two replicas of the local Rerankit server (BM25): the first is "warming up"
 * and answers every request with 503, the second is the real server. The call's first attempt goes
 * to the first replica, fails, and is retried on the second; the spans, collected in memory with
 * `@opentelemetry/sdk-trace-base`, are printed as a tree. In an application you would register an
 * SDK (NodeSDK, @vercel/otel) and export them to your tracing backend instead.
 *
 *   pnpm tsx --conditions=@rerankit/source examples/tracing.ts
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { RerankClient, type RerankResponse } from "@rerankit/core";
import { openTelemetryHooks } from "@rerankit/otel";
import { startRerankServer } from "@rerankit/server";
import { queries } from "./data/corpus.ts";
import { PassageIndex } from "./lib/retrieval.ts";

export const QUERY = queries.find((q) => q.id === "q07")!.text;

/** The attributes printed for each span (all of them are on the exported spans). */
const SHOWN = [
  "gen_ai.operation.name",
  "gen_ai.provider.name",
  "gen_ai.request.model",
  "gen_ai.response.model",
  "rerank.request.documents",
  "rerank.request.top_n",
  "rerank.response.results",
  "rerank.usage.requests",
  "url.full",
  "http.response.status_code",
  "http.request.resend_count",
  "rerank.attempt",
  "error.type",
];

/** A replica that is not ready yet: every request gets 503 Service Unavailable. */
async function startWarmingUpReplica(): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    req.resume();
    res.writeHead(503, { "content-type": "application/json", "retry-after": "0" });
    res.end(JSON.stringify({ message: "warming up" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** The spans as an indented tree, children under their parent, in start order. */
export function spanTree(spans: readonly ReadableSpan[]): string[] {
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  const byStart = [...spans].sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
  const lines: string[] = [];
  const walk = (span: ReadableSpan, depth: number) => {
    const pad = "  ".repeat(depth);
    const ms = span.duration[0] * 1e3 + span.duration[1] / 1e6;
    const status = span.status.code === 2 /* SpanStatusCode.ERROR */ ? " ERROR" : "";
    lines.push(`${pad}${span.name} (${ms.toFixed(1)} ms)${status}`);
    for (const key of SHOWN) {
      const value = span.attributes[key];
      if (value !== undefined) lines.push(`${pad}    ${key} = ${JSON.stringify(value)}`);
    }
    for (const event of span.events) lines.push(`${pad}    event ${event.name} ${JSON.stringify(event.attributes ?? {})}`);
    for (const child of byStart) if (child.parentSpanContext?.spanId === span.spanContext().spanId) walk(child, depth + 1);
  };
  for (const span of byStart) if (!span.parentSpanContext || !ids.has(span.parentSpanContext.spanId)) walk(span, 0);
  return lines;
}

export interface TracingRun {
  response: RerankResponse;
  spans: ReadableSpan[];
  /** The two replicas' base URLs: the warming-up one first. */
  replicas: [string, string];
  /** Requests the warming-up replica answered with 503. */
  refused: number;
}

export async function runTracing({ print = console.log }: { print?: (line: string) => void } = {}): Promise<TracingRun> {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const server = await startRerankServer();
  const warmingUp = await startWarmingUpReplica();
  const replicas: [string, string] = [`${warmingUp.url}/v1`, `${server.url}/v1`];
  const client = new RerankClient({
    provider: "rerankit",
    baseURL: replicas,
    maxRetries: 2,
    // Passing the provider keeps this example self-contained; without it the hooks use the global one.
    hooks: openTelemetryHooks({ tracerProvider }),
  });
  try {
    const documents = new PassageIndex().search(QUERY, 8).map((h) => h.passage.text);
    print(`Query: ${QUERY} (${documents.length} documents, top 3)`);
    print(`Replicas: ${replicas[0]} (answers 503), ${replicas[1]} (the local server)`);
    const response = await client.rerank({ query: QUERY, documents, topN: 3 });
    await tracerProvider.forceFlush();
    const spans = exporter.getFinishedSpans();
    print(`Ranked ${response.results.map((r) => `#${r.index}`).join(", ")} in ${response.usage.requests} HTTP request(s).`);
    print("");
    print(`Spans (${spans.length}):`);
    for (const line of spanTree(spans)) print(line);
    return { response, spans: [...spans], replicas, refused: warmingUp.hits() };
  } finally {
    await client.close();
    await Promise.all([server.close(), warmingUp.close()]);
    await tracerProvider.shutdown();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runTracing().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
