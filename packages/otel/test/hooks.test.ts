/**
 * The tracing hooks, fed the events a RerankClient emits (two batches, a retried 503, a request
 * id per response), recorded by the SDK's in-memory exporter.
 */
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import {
  type RerankCallInfo,
  RerankConnectionError,
  RerankBadRequestError,
  RerankServerError,
  RerankTimeoutError,
  type RerankRequest,
  type RerankResponse,
} from "@rerankit/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openTelemetryHooks } from "../src/index.js";

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(() => {
  context.disable();
});
beforeEach(() => exporter.reset());

const request: RerankRequest = {
  query: "how to prevent a cold",
  documents: ["wash hands", "bananas", { text: "rest and fluids", id: "d3" }],
  topN: 2,
};
const call: RerankCallInfo = { id: "call-1", provider: "siliconflow", model: "BAAI/bge-reranker-v2-m3", documents: 3, topN: 2 };
const response: RerankResponse = {
  results: [
    { index: 0, relevanceScore: 0.91 },
    { index: 2, relevanceScore: 0.55 },
  ],
  model: "BAAI/bge-reranker-v2-m3",
  provider: "siliconflow",
  scoreKind: "probability",
  usage: { requests: 3, totalTokens: 42, cacheHits: 1 } as RerankResponse["usage"],
  requestIds: ["req-a", "req-b"],
};
const url = "https://api.siliconflow.cn/v1/rerank";

/** The events of a call with two batches, whose batch 1 got a 503 and was retried. */
function runCall(hooks: ReturnType<typeof openTelemetryHooks>, end: "result" | "error" = "result") {
  hooks.onCallStart({ call, request });
  hooks.onRequest({ call, attempt: 1, batch: 0, url, documents: 2 });
  hooks.onRequest({ call, attempt: 1, batch: 1, url, documents: 1 });
  hooks.onResponse({ call, attempt: 1, batch: 0, status: 200, durationMs: 12, requestId: "req-a" });
  hooks.onResponse({ call, attempt: 1, batch: 1, status: 503, durationMs: 8 });
  hooks.onRetry({
    call,
    attempt: 1,
    batch: 1,
    delayMs: 250,
    error: new RerankServerError("siliconflow answered HTTP 503", { provider: "siliconflow", status: 503 }),
  });
  hooks.onRequest({ call, attempt: 2, batch: 1, url, documents: 1 });
  if (end === "result") {
    hooks.onResponse({ call, attempt: 2, batch: 1, status: 200, durationMs: 9, requestId: "req-b" });
    hooks.onResult({ call, response, durationMs: 300 });
  } else {
    hooks.onError({
      call,
      error: new RerankTimeoutError("siliconflow: the rerank call passed its 100 ms deadline", { provider: "siliconflow" }),
      durationMs: 100,
    });
  }
}

const byName = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name);

describe("openTelemetryHooks", () => {
  it("makes a CLIENT span `rerank {model}` with the GenAI and OpenInference attributes, usage and request ids", () => {
    runCall(openTelemetryHooks({ tracer: provider.getTracer("test") }));
    const [span] = byName(exporter.getFinishedSpans(), "rerank BAAI/bge-reranker-v2-m3");
    expect(span).toBeDefined();
    expect(span!.kind).toBe(SpanKind.CLIENT);
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    expect(span!.attributes).toMatchObject({
      "gen_ai.operation.name": "rerank",
      "gen_ai.provider.name": "siliconflow",
      "gen_ai.request.model": "BAAI/bge-reranker-v2-m3",
      "gen_ai.response.model": "BAAI/bge-reranker-v2-m3",
      "gen_ai.response.id": "req-a",
      "gen_ai.usage.input_tokens": 42,
      "openinference.span.kind": "RERANKER",
      "reranker.model_name": "BAAI/bge-reranker-v2-m3",
      "reranker.top_k": 2,
      "rerank.request.documents": 3,
      "rerank.request.top_n": 2,
      "rerank.response.results": 2,
      "rerank.response.request_ids": ["req-a", "req-b"],
      "rerank.response.score_kind": "probability",
      "rerank.usage.requests": 3,
      "rerank.usage.cache_hits": 1,
    });
  });

  it("makes a child POST span per HTTP attempt, and a retry event on the call span", () => {
    runCall(openTelemetryHooks({ tracer: provider.getTracer("test") }));
    const spans = exporter.getFinishedSpans();
    const [parent] = byName(spans, "rerank BAAI/bge-reranker-v2-m3");
    const attempts = byName(spans, "POST");
    expect(attempts).toHaveLength(3);
    for (const attempt of attempts) {
      expect(attempt.parentSpanContext?.spanId).toBe(parent!.spanContext().spanId);
      expect(attempt.spanContext().traceId).toBe(parent!.spanContext().traceId);
      expect(attempt.kind).toBe(SpanKind.CLIENT);
      expect(attempt.attributes).toMatchObject({
        "http.request.method": "POST",
        "url.full": url,
        "server.address": "api.siliconflow.cn",
        "server.port": 443,
      });
    }
    const summary = attempts.map((s) => [
      s.attributes["rerank.batch"],
      s.attributes["rerank.attempt"],
      s.attributes["http.response.status_code"],
      s.status.code,
    ]);
    expect(summary).toEqual([
      [0, 1, 200, SpanStatusCode.UNSET],
      [1, 1, 503, SpanStatusCode.ERROR],
      [1, 2, 200, SpanStatusCode.UNSET],
    ]);
    expect(attempts[0]!.attributes["rerank.request_id"]).toBe("req-a");
    expect(attempts[2]!.attributes["http.request.resend_count"]).toBe(1);
    expect(parent!.events.map((e) => [e.name, e.attributes])).toEqual([
      ["rerank.retry", { "rerank.attempt": 1, "rerank.batch": 1, "rerank.retry.delay_ms": 250, "error.type": "RerankServerError" }],
    ]);
  });

  it("is a child of the span active when the call starts", () => {
    const tracer = provider.getTracer("test");
    const hooks = openTelemetryHooks({ tracer });
    tracer.startActiveSpan("retrieve-and-rerank", (outer) => {
      runCall(hooks);
      outer.end();
    });
    const spans = exporter.getFinishedSpans();
    const [outer] = byName(spans, "retrieve-and-rerank");
    const [call] = byName(spans, "rerank BAAI/bge-reranker-v2-m3");
    expect(call!.parentSpanContext?.spanId).toBe(outer!.spanContext().spanId);
  });

  it("records texts and scores only on opt-in", () => {
    runCall(openTelemetryHooks({ tracer: provider.getTracer("test") }));
    const quiet = byName(exporter.getFinishedSpans(), "rerank BAAI/bge-reranker-v2-m3")[0]!;
    const keys = Object.keys(quiet.attributes);
    expect(
      keys.filter((k) => k.startsWith("reranker.input_documents") || k.startsWith("reranker.output_documents") || k === "reranker.query"),
    ).toEqual([]);
    expect(JSON.stringify(quiet.attributes)).not.toContain("wash hands");
    expect(JSON.stringify(quiet.attributes)).not.toContain("0.91");

    exporter.reset();
    runCall(openTelemetryHooks({ tracer: provider.getTracer("test"), recordContent: true }));
    const loud = byName(exporter.getFinishedSpans(), "rerank BAAI/bge-reranker-v2-m3")[0]!;
    expect(loud.attributes).toMatchObject({
      "reranker.query": "how to prevent a cold",
      "reranker.input_documents.0.document.content": "wash hands",
      "reranker.input_documents.2.document.content": "rest and fluids",
      "reranker.output_documents.0.document.id": "0",
      "reranker.output_documents.0.document.score": 0.91,
      "reranker.output_documents.0.document.content": "wash hands",
      "reranker.output_documents.1.document.id": "2",
      "reranker.output_documents.1.document.score": 0.55,
    });
  });

  it("marks a failed call as an error with its exception (recordContent), and ends attempts still in flight", () => {
    runCall(openTelemetryHooks({ tracer: provider.getTracer("test"), recordContent: true }), "error");
    const spans = exporter.getFinishedSpans();
    const [call] = byName(spans, "rerank BAAI/bge-reranker-v2-m3");
    expect(call!.status.code).toBe(SpanStatusCode.ERROR);
    expect(call!.attributes["error.type"]).toBe("RerankTimeoutError");
    expect(call!.events.map((e) => e.name)).toContain("exception");
    const attempts = byName(spans, "POST");
    expect(attempts).toHaveLength(3); // the retry in flight was ended, not leaked
    expect(attempts[2]!.attributes["error.type"]).toBe("cancelled");
  });

  it("ends a connection failure's attempt span at the retry, with the exception (recordContent)", () => {
    const hooks = openTelemetryHooks({ tracer: provider.getTracer("test"), recordContent: true });
    hooks.onCallStart({ call, request });
    hooks.onRequest({ call, attempt: 1, batch: 0, url, documents: 3 });
    const reset = new RerankConnectionError("siliconflow: connection failed: socket hang up", { provider: "siliconflow", retryable: true });
    hooks.onRetry({ call, attempt: 1, batch: 0, delayMs: 100, error: reset });
    const [attempt] = byName(exporter.getFinishedSpans(), "POST");
    expect(attempt!.status.code).toBe(SpanStatusCode.ERROR);
    expect(attempt!.attributes["error.type"]).toBe("RerankConnectionError");
    expect(attempt!.events[0]!.name).toBe("exception");
    hooks.onResult({ call, response, durationMs: 1 });
  });

  it("uses the global tracer provider by default: a no-op until one is registered", () => {
    const hooks = openTelemetryHooks();
    runCall(hooks);
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    trace.setGlobalTracerProvider(provider);
    try {
      runCall(openTelemetryHooks());
      expect(byName(exporter.getFinishedSpans(), "rerank BAAI/bge-reranker-v2-m3")).toHaveLength(1);
    } finally {
      trace.disable();
    }
  });

  it("adds warnings as events", () => {
    const hooks = openTelemetryHooks({ tracer: provider.getTracer("test") });
    hooks.onCallStart({ call, request });
    hooks.onWarning({ call, message: "instruct was prepended to the query" });
    hooks.onResult({ call, response, durationMs: 1 });
    const [span] = byName(exporter.getFinishedSpans(), "rerank BAAI/bge-reranker-v2-m3");
    expect(span!.events).toEqual([
      expect.objectContaining({ name: "rerank.warning", attributes: { message: "instruct was prepended to the query" } }),
    ]);
  });

  it("without recordContent, an error is recorded as its class, status and code only: no message, no exception event, no stack", () => {
    const hooks = openTelemetryHooks({ tracer: provider.getTracer("test") });
    const quoted = "the patient's chart says Jane Doe";
    hooks.onCallStart({ call, request });
    hooks.onRequest({ call, attempt: 1, batch: 0, url, documents: 3 });
    const reset = new RerankConnectionError(`siliconflow: connection failed while sending "${quoted}"`, {
      provider: "siliconflow",
      retryable: true,
    });
    hooks.onRetry({ call, attempt: 1, batch: 0, delayMs: 100, error: reset });
    hooks.onRequest({ call, attempt: 2, batch: 0, url, documents: 3 });
    const refused = new RerankBadRequestError(`siliconflow: 400: document "${quoted}" is too long`, {
      provider: "siliconflow",
      status: 400,
      code: "invalid_request",
    });
    hooks.onError({ call, error: refused, durationMs: 5 });
    const spans = exporter.getFinishedSpans();
    const [failed] = byName(spans, "rerank BAAI/bge-reranker-v2-m3");
    expect(failed!.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(failed!.attributes).toMatchObject({
      "error.type": "RerankBadRequestError",
      "http.response.status_code": 400,
      "rerank.error.code": "invalid_request",
    });
    const [attempt] = byName(spans, "POST");
    expect(attempt!.attributes["error.type"]).toBe("RerankConnectionError");
    const everything = JSON.stringify(spans.map((s) => [s.name, s.attributes, s.events, s.status]));
    expect(everything).not.toContain("Jane Doe");
    expect(everything).not.toContain("exception");
  });
});
