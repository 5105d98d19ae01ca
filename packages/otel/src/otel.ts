import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from "@opentelemetry/api";
import type { RerankDocument, RerankHooks } from "@rerankit/core";

/** The hooks {@link openTelemetryHooks} returns: every one of core's `RerankHooks`, defined. */
export type RerankTracingHooks = Required<RerankHooks>;

/** Options of {@link openTelemetryHooks}. */
export interface OpenTelemetryHooksOptions {
  /**
   * The tracer spans are made with.
   * @default `tracerProvider.getTracer("@rerankit/otel")`
   */
  tracer?: Tracer;
  /**
   * Where the tracer comes from when no `tracer` is given.
   * @default the global provider (`trace.getTracerProvider()`): a no-op until an SDK registers one
   */
  tracerProvider?: TracerProvider;
  /**
   * Record the query, the documents' texts and the result scores on the call span (OpenInference
   * `reranker.query`, `reranker.input_documents.*`, `reranker.output_documents.*`), and errors
   * with their messages (status message, exception event, stack). Off, only counts, ids and
   * sizes are recorded, and an error only as its class, HTTP status and code: texts may hold
   * personal data, and a provider's error message may quote them.
   * @default false
   */
  recordContent?: boolean;
  /** With `recordContent`, at most this many input and output documents are recorded. @default 100 */
  maxRecordedDocuments?: number;
}

interface CallState {
  span: Span;
  context: Context;
  attempts: Map<string, Span>;
  documents: readonly RerankDocument[] | undefined;
}

const TRACER_NAME = "@rerankit/otel";

/**
 * Hooks for `RerankClientOptions.hooks` that trace every rerank call with OpenTelemetry:
 *
 * - a CLIENT span `rerank {model}` per call, child of the active span, with the GenAI attributes
 *   (`gen_ai.operation.name = "rerank"`, `gen_ai.provider.name`, `gen_ai.request.model`,
 *   `gen_ai.response.model`, `gen_ai.response.id`, `gen_ai.usage.input_tokens`) and OpenInference's
 *   RERANKER ones (`openinference.span.kind = "RERANKER"`, `reranker.model_name`, `reranker.top_k`),
 *   plus `rerank.*` counts: documents, top_n, HTTP requests, results, request ids, search units;
 * - a CLIENT span `POST` per HTTP attempt (HTTP semantic conventions: method, `url.full`,
 *   `server.address`, `server.port`, `http.response.status_code`, `http.request.resend_count`);
 * - a `rerank.retry` event on the call span for every retry (attempt, batch, delay, error type);
 * - an error status on failure (its class, HTTP status and code; the message and the exception
 *   event only with `recordContent`); warnings as `rerank.warning` events.
 *
 * Texts, scores and error messages are recorded only with `recordContent: true`. API keys never reach a span:
 * they travel in headers, which are not recorded.
 *
 * @example
 * import { RerankClient } from "@rerankit/core";
 * import { openTelemetryHooks } from "@rerankit/otel";
 * const client = new RerankClient({ provider: "cohere", hooks: openTelemetryHooks() });
 */
export function openTelemetryHooks(options: OpenTelemetryHooksOptions = {}): RerankTracingHooks {
  const recordContent = options.recordContent ?? false;
  const maxRecorded = options.maxRecordedDocuments ?? 100;
  let tracer = options.tracer;
  // Resolved on first use, so hooks made before the SDK registers its provider still trace.
  const getTracer = () => {
    tracer ??= (options.tracerProvider ?? trace.getTracerProvider()).getTracer(TRACER_NAME);
    return tracer;
  };
  const calls = new Map<string, CallState>();
  const attemptKey = (batch: number, attempt: number) => `${batch}:${attempt}`;

  const endOpenAttempts = (state: CallState, reason: string) => {
    for (const span of state.attempts.values()) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
      span.setAttribute("error.type", reason);
      span.end();
    }
    state.attempts.clear();
  };

  return {
    onCallStart({ call, request }) {
      const attributes: Attributes = {
        "gen_ai.operation.name": "rerank",
        "gen_ai.provider.name": call.provider,
        "gen_ai.request.model": call.model,
        "openinference.span.kind": "RERANKER",
        "reranker.model_name": call.model,
        "rerank.request.documents": call.documents,
      };
      if (call.topN !== undefined) {
        attributes["rerank.request.top_n"] = call.topN;
        attributes["reranker.top_k"] = call.topN;
      }
      if (request.minScore !== undefined) attributes["rerank.request.min_score"] = request.minScore;
      if (recordContent) {
        attributes["reranker.query"] = request.query;
        const count = Math.min(request.documents.length, maxRecorded);
        for (let i = 0; i < count; i++) {
          attributes[`reranker.input_documents.${i}.document.id`] = String(i);
          attributes[`reranker.input_documents.${i}.document.content`] = textOf(request.documents[i]!);
        }
      }
      const parent = context.active();
      // The model is unknown until the reply for a server that names its own (the `rerankit` preset).
      const name = call.model === undefined ? "rerank" : `rerank ${call.model}`;
      const span = getTracer().startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
      calls.set(call.id, {
        span,
        context: trace.setSpan(parent, span),
        attempts: new Map(),
        documents: recordContent ? request.documents : undefined,
      });
    },

    onRequest({ call, attempt, batch, url, documents }) {
      const state = calls.get(call.id);
      if (!state) return;
      const attributes: Attributes = {
        "http.request.method": "POST",
        "url.full": url,
        "rerank.batch": batch,
        "rerank.attempt": attempt,
        "rerank.batch.documents": documents,
      };
      const server = serverOf(url);
      if (server) {
        attributes["server.address"] = server.address;
        attributes["server.port"] = server.port;
      }
      if (attempt > 1) attributes["http.request.resend_count"] = attempt - 1;
      const span = getTracer().startSpan("POST", { kind: SpanKind.CLIENT, attributes }, state.context);
      state.attempts.set(attemptKey(batch, attempt), span);
    },

    onResponse({ call, attempt, batch, status, durationMs, requestId }) {
      const state = calls.get(call.id);
      const key = attemptKey(batch, attempt);
      const span = state?.attempts.get(key);
      if (!state || !span) return;
      span.setAttribute("http.response.status_code", status);
      span.setAttribute("rerank.duration_ms", durationMs);
      if (requestId !== undefined) span.setAttribute("rerank.request_id", requestId);
      if (status >= 400) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.setAttribute("error.type", String(status));
      }
      span.end();
      state.attempts.delete(key);
    },

    onRetry({ call, attempt, batch, delayMs, error }) {
      const state = calls.get(call.id);
      if (!state) return;
      // A connection failure has no response: its attempt span ends here.
      const key = attemptKey(batch, attempt);
      const open = state.attempts.get(key);
      if (open) {
        recordError(open, error, recordContent);
        open.end();
        state.attempts.delete(key);
      }
      state.span.addEvent("rerank.retry", {
        "rerank.attempt": attempt,
        "rerank.batch": batch,
        "rerank.retry.delay_ms": delayMs,
        "error.type": error.name,
      });
    },

    onResult({ call, response, durationMs }) {
      const state = calls.get(call.id);
      if (!state) return;
      calls.delete(call.id);
      endOpenAttempts(state, "cancelled");
      const { span } = state;
      const { usage } = response;
      span.setAttribute("gen_ai.response.model", response.model);
      if (call.model === undefined && response.model !== "") span.updateName(`rerank ${response.model}`);
      if (response.requestIds[0] !== undefined) span.setAttribute("gen_ai.response.id", response.requestIds[0]);
      if (response.requestIds.length > 0) span.setAttribute("rerank.response.request_ids", response.requestIds);
      span.setAttribute("rerank.response.results", response.results.length);
      span.setAttribute("rerank.response.score_kind", response.scoreKind);
      span.setAttribute("rerank.usage.requests", usage.requests);
      if (usage.totalTokens !== undefined) span.setAttribute("gen_ai.usage.input_tokens", usage.totalTokens);
      if (usage.searchUnits !== undefined) span.setAttribute("rerank.usage.search_units", usage.searchUnits);
      // Counters other features add to usage (score-cache hits, …) are recorded as they come.
      for (const [key, value] of Object.entries(usage)) {
        if (key !== "requests" && key !== "totalTokens" && key !== "searchUnits" && typeof value === "number") {
          span.setAttribute(`rerank.usage.${snake(key)}`, value);
        }
      }
      span.setAttribute("rerank.duration_ms", durationMs);
      if (recordContent) {
        const count = Math.min(response.results.length, maxRecorded);
        for (let i = 0; i < count; i++) {
          const result = response.results[i]!;
          span.setAttribute(`reranker.output_documents.${i}.document.id`, String(result.index));
          span.setAttribute(`reranker.output_documents.${i}.document.score`, result.relevanceScore);
          const document = state.documents?.[result.index];
          if (document !== undefined) span.setAttribute(`reranker.output_documents.${i}.document.content`, textOf(document));
        }
      }
      span.end();
    },

    onError({ call, error, durationMs }) {
      const state = calls.get(call.id);
      if (!state) return;
      calls.delete(call.id);
      endOpenAttempts(state, "cancelled");
      const { span } = state;
      recordError(span, error, recordContent);
      span.setAttribute("rerank.duration_ms", durationMs);
      span.end();
    },

    onWarning({ call, message }) {
      const state = call ? calls.get(call.id) : undefined;
      (state?.span ?? trace.getSpan(context.active()))?.addEvent("rerank.warning", { message });
    },
  };
}

/**
 * An error on a span: always its class (`error.type`), HTTP status and code (`rerank.error.code`);
 * its message, as the status message and an exception event with the stack, only with
 * `recordContent`. A provider's message may quote the documents (a 400 naming the text that was
 * too long), and a stack carries the message.
 */
function recordError(span: Span, error: unknown, recordContent: boolean): void {
  const name = error instanceof Error ? error.name : typeof error;
  span.setAttribute("error.type", name);
  const { status, code } = (typeof error === "object" && error !== null ? error : {}) as { status?: unknown; code?: unknown };
  if (typeof status === "number") span.setAttribute("http.response.status_code", status);
  if (typeof code === "string") span.setAttribute("rerank.error.code", code);
  if (!recordContent) {
    span.setStatus({ code: SpanStatusCode.ERROR });
    return;
  }
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

function textOf(document: RerankDocument): string {
  return typeof document === "string" ? document : document.text;
}

function serverOf(url: string): { address: string; port: number } | undefined {
  try {
    const parsed = new URL(url);
    const port = parsed.port !== "" ? Number(parsed.port) : parsed.protocol === "https:" ? 443 : 80;
    return { address: parsed.hostname.replace(/^\[|\]$/g, ""), port };
  } catch {
    return undefined;
  }
}

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
