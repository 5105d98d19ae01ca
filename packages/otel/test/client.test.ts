/**
 * The tracing hooks on a real RerankClient against the local rerank server: the spans a call
 * makes, retries included, and no API key anywhere in them.
 */
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { Bm25Reranker, RerankClient, type Reranker, type RerankRequest, type RerankResponse } from "@rerankit/core";
import { type RerankServer, startRerankServer } from "@rerankit/server";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openTelemetryHooks } from "../src/index.js";

const SECRET = "sk-otel-canary-5f3a";

/** BM25 that fails its first `failures` calls (the server answers 500). */
class Flaky implements Reranker {
  failures = 0;
  readonly #inner = new Bm25Reranker();
  rerank(request: RerankRequest): Promise<RerankResponse> {
    if (this.failures > 0) {
      this.failures--;
      return Promise.reject(new Error("backend hiccup"));
    }
    return this.#inner.rerank(request);
  }
}

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const backend = new Flaky();
let server: RerankServer;
let client: RerankClient;

beforeAll(async () => {
  server = await startRerankServer({ reranker: backend, apiKey: SECRET });
  client = new RerankClient({
    provider: "rerankit",
    baseURL: `${server.url}/v1`,
    apiKey: SECRET,
    model: "bm25",
    maxDocumentsPerRequest: 2,
    concurrency: 1,
    backoff: { initialDelayMs: 1, maxDelayMs: 2 },
    hooks: openTelemetryHooks({ tracer: provider.getTracer("test"), recordContent: true }),
  });
});
afterAll(async () => {
  await client?.close();
  await server?.close();
});
beforeEach(() => exporter.reset());

const documents = ["wash your hands to prevent a cold", "bananas are yellow", "colds spread by hands", "stock markets"];

describe("openTelemetryHooks on a RerankClient", () => {
  it("traces a call over two batches with a retried 500: one call span, three attempt spans, one retry event", async () => {
    backend.failures = 1;
    const response = await client.rerank({ query: "prevent a cold", documents, topN: 2 });
    const spans = exporter.getFinishedSpans();
    const call = spans.find((s) => s.name === "rerank bm25")!;
    const attempts = spans.filter((s) => s.name === "POST");
    expect(call.kind).toBe(SpanKind.CLIENT);
    expect(call.attributes).toMatchObject({
      "gen_ai.operation.name": "rerank",
      "gen_ai.provider.name": "rerankit",
      "gen_ai.request.model": "bm25",
      "rerank.request.documents": 4,
      "rerank.request.top_n": 2,
      "rerank.usage.requests": 3,
      "rerank.response.results": 2,
      "rerank.response.request_ids": response.requestIds,
      "reranker.output_documents.0.document.id": String(response.results[0]!.index),
    });
    expect(attempts).toHaveLength(3);
    expect(attempts.map((s) => s.attributes["http.response.status_code"]).sort()).toEqual([200, 200, 500]);
    expect(attempts.every((s) => s.parentSpanContext?.spanId === call.spanContext().spanId)).toBe(true);
    expect(attempts.find((s) => s.attributes["http.response.status_code"] === 500)!.status.code).toBe(SpanStatusCode.ERROR);
    expect(call.events.filter((e) => e.name === "rerank.retry")).toHaveLength(1);
    expect(call.events[0]!.attributes).toMatchObject({ "rerank.attempt": 1, "error.type": "RerankServerError" });
  });

  it("marks a failed call and never puts the API key on any span", async () => {
    const wrongKey = new RerankClient({
      provider: "rerankit",
      baseURL: `${server.url}/v1`,
      apiKey: `${SECRET}-wrong`,
      maxRetries: 0,
      hooks: openTelemetryHooks({ tracer: provider.getTracer("test"), recordContent: true }),
    });
    try {
      await expect(wrongKey.rerank({ query: "prevent a cold", documents })).rejects.toMatchObject({ status: 401 });
    } finally {
      await wrongKey.close();
    }
    await client.rerank({ query: "prevent a cold", documents });
    const spans = exporter.getFinishedSpans();
    const failed = spans.find((s) => /^rerank\b/.test(s.name) && s.status.code === SpanStatusCode.ERROR)!;
    expect(failed.attributes["error.type"]).toBe("RerankAuthenticationError");
    const everything = JSON.stringify(spans.map((s) => [s.name, s.attributes, s.events, s.status]));
    expect(everything).toContain("wash your hands"); // content was recorded (opt-in) …
    expect(everything).not.toContain(SECRET); // … and the key never was
    // The rerankit preset names no model: a call that failed before any reply says none.
    expect(failed.name).toBe("rerank");
  });

  it("names a call whose model the server names (the rerankit preset without model) after the reply", async () => {
    const unnamed = new RerankClient({
      provider: "rerankit",
      baseURL: `${server.url}/v1`,
      apiKey: SECRET,
      hooks: openTelemetryHooks({ tracer: provider.getTracer("test") }),
    });
    try {
      const response = await unnamed.rerank({ query: "prevent a cold", documents });
      expect(response.model).not.toBe("");
      const [call] = exporter.getFinishedSpans().filter((s) => s.name !== "POST");
      expect(call!.name).toBe(`rerank ${response.model}`);
      expect(call!.attributes["gen_ai.request.model"]).toBeUndefined();
      expect(call!.attributes["gen_ai.response.model"]).toBe(response.model);
    } finally {
      await unnamed.close();
    }
  });

  it("without recordContent, a provider's error quoting a document reaches no span (class, status, code only)", async () => {
    // A provider answering 400 with a message that quotes the document, as real ones do.
    const quoting = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString();
      });
      req.on("end", () => {
        const { documents: sent } = JSON.parse(body) as { documents: string[] };
        res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: `document "${sent[0]}" exceeds the model's context` }));
      });
    });
    await new Promise<void>((resolve) => quoting.listen(0, "127.0.0.1", resolve));
    const quiet = new RerankClient({
      provider: "cohere",
      baseURL: `http://127.0.0.1:${(quoting.address() as AddressInfo).port}/v2`,
      apiKey: SECRET,
      maxRetries: 0,
      hooks: openTelemetryHooks({ tracer: provider.getTracer("test") }),
    });
    try {
      const error = await quiet.rerank({ query: "q", documents: ["Jane Doe, born 1970, chart 4411"] }).catch((e: unknown) => e);
      expect(String(error)).toContain("Jane Doe"); // the caller's error keeps the provider's message …
    } finally {
      await quiet.close();
      await new Promise((resolve) => quoting.close(resolve));
    }
    const spans = exporter.getFinishedSpans();
    const failed = spans.find((s) => s.name.startsWith("rerank "))!;
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(failed.attributes).toMatchObject({ "error.type": "RerankBadRequestError", "http.response.status_code": 400 });
    const everything = JSON.stringify(spans.map((s) => [s.name, s.attributes, s.events, s.status]));
    expect(everything).not.toContain("Jane Doe"); // … no span does
    expect(everything).not.toContain(SECRET);
  });
});
