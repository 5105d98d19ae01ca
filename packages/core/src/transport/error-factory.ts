/**
 * Reading provider error bodies and turning a failed response into the right RerankError.
 * One reader understands every documented shape, because gateways and proxies mix them freely.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { ProviderErrorInfo } from "../providers/shared/dialect.js";
import {
  RerankAuthenticationError,
  RerankBadRequestError,
  type RerankError,
  type RerankErrorInit,
  RerankRateLimitError,
  RerankResponseError,
  RerankServerError,
  RerankTimeoutError,
} from "../errors.js";
import { isRetryableStatus } from "../policy/retry.js";
import { scrub, scrubOptional } from "./redact.js";

function str(value: unknown): string | undefined {
  if (typeof value === "string" && value.trim() !== "") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

/** FastAPI's `detail` may be a string or a list of `{ loc, msg, input }`: keep loc and msg, never the input. */
function readDetail(detail: unknown): string | undefined {
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    const parts = detail.map((d) => {
      if (typeof d === "string") return d;
      if (typeof d === "object" && d !== null) {
        const { loc, msg } = d as { loc?: unknown; msg?: unknown };
        const where = Array.isArray(loc) ? loc.join(".") : undefined;
        return [where, str(msg)].filter(Boolean).join(": ");
      }
      return "";
    });
    return parts.filter(Boolean).join("; ") || undefined;
  }
  if (typeof detail === "object" && detail !== null) return str((detail as { message?: unknown }).message);
  return undefined;
}

/** Reads any documented error body shape. Unknown shapes give an empty info. */
export function readErrorInfo(body: unknown): ProviderErrorInfo {
  if (typeof body === "string") return { message: body };
  if (typeof body !== "object" || body === null || Array.isArray(body)) return {};
  const b = body as Record<string, unknown>;
  const requestId = str(b.request_id) ?? str(b.requestId);
  // { error: { message, type, code } }  (OpenAI style: vLLM, Infinity, llama.cpp, LocalAI, Together, OpenRouter)
  if (typeof b.error === "object" && b.error !== null) {
    const e = b.error as Record<string, unknown>;
    return { message: str(e.message) ?? readDetail(e.detail), code: str(e.code) ?? str(e.type), requestId };
  }
  // { error: "…", error_type: "…" }  (TEI)
  if (typeof b.error === "string") return { message: b.error, code: str(b.error_type), requestId };
  // { detail: … }  (Voyage, Xinference, FastAPI validation)
  if (b.detail !== undefined) return { message: readDetail(b.detail), code: str(b.code), requestId };
  // { message, code?, request_id? }  (Cohere, DashScope, SiliconFlow)
  return { message: str(b.message) ?? str(b.msg), code: str(b.code), requestId };
}

/** Parses an error body's bytes: JSON if it is JSON, a short note for HTML, the text otherwise. */
export function readErrorText(text: string): { info: ProviderErrorInfo; body: unknown } {
  const trimmed = text.trim();
  if (trimmed === "") return { info: {}, body: undefined };
  if (trimmed.startsWith("<")) return { info: { message: "the server answered with an HTML page" }, body: undefined };
  try {
    const body: unknown = JSON.parse(trimmed);
    return { info: readErrorInfo(body), body };
  } catch {
    return { info: { message: trimmed }, body: undefined };
  }
}

function headerString(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The request id a response carries in its headers, if any. */
export function requestIdFromHeaders(headers: IncomingHttpHeaders): string | undefined {
  return (
    headerString(headers, "x-request-id") ??
    headerString(headers, "request-id") ??
    headerString(headers, "x-dashscope-request-id") ??
    headerString(headers, "x-amzn-requestid") ??
    headerString(headers, "cf-ray")
  );
}

export interface StatusErrorInput {
  provider: string;
  status: number;
  info: ProviderErrorInfo;
  headerRequestId?: string | undefined;
  retryAfterMs?: number | undefined;
  secrets: readonly string[];
  /** Extra advice appended to the message (a dialect's hint for its own statuses). */
  hint?: string | undefined;
}

/** The status-code factory: one place decides which class a failed response becomes. */
export function errorFromStatus(input: StatusErrorInput): RerankError {
  const { provider, status, info } = input;
  const detail = info.message ? scrub(info.message, input.secrets) : undefined;
  const init: RerankErrorInit = {
    provider,
    status,
    code: info.code ? scrub(info.code, input.secrets) : undefined,
    // A proxy may echo the Authorization header into a request id: scrub it like the message.
    requestId: scrubOptional(info.requestId ?? input.headerRequestId, input.secrets),
    retryable: isRetryableStatus(status),
  };
  const base = `${provider} answered HTTP ${status}${detail ? `: ${detail}` : ""}`;
  const message = input.hint ? `${base}. ${input.hint}` : base;
  if (status === 401 || status === 403 || status === 498) return new RerankAuthenticationError(message, init);
  if (status === 429) return new RerankRateLimitError(message, { ...init, retryAfterMs: input.retryAfterMs });
  if (status >= 300 && status < 400) {
    return new RerankResponseError(`${provider} answered a redirect (HTTP ${status}); redirects are never followed`, init);
  }
  if (status >= 500) return new RerankServerError(message, init);
  if (status === 408) return new RerankTimeoutError(message, init);
  if (status >= 400) return new RerankBadRequestError(message, init);
  return new RerankResponseError(`${provider} answered an unexpected HTTP ${status}`, init);
}
