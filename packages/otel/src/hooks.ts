/**
 * The hook events this package consumes, as core's `RerankHooks` defines them. Declared here
 * structurally so the package type-checks against any core that has hooks; a core `RerankHooks`
 * is assignable from {@link RerankTracingHooks}.
 */
import type { RerankRequest, RerankResponse } from "@rerankit/core";

/** The call an event belongs to. */
export interface RerankCallInfo {
  /** Unique per call within the process. */
  id: string;
  provider: string;
  model: string;
  /** Documents in the request. */
  documents: number;
  topN?: number | undefined;
}

export interface RerankTracingHooks {
  onCallStart(event: { call: RerankCallInfo; request: RerankRequest }): void;
  onRequest(event: { call: RerankCallInfo; attempt: number; batch: number; url: string; documents: number }): void;
  onResponse(event: {
    call: RerankCallInfo;
    attempt: number;
    batch: number;
    status: number;
    durationMs: number;
    requestId?: string | undefined;
  }): void;
  onRetry(event: { call: RerankCallInfo; attempt: number; batch: number; delayMs: number; error: Error }): void;
  onResult(event: { call: RerankCallInfo; response: RerankResponse; durationMs: number }): void;
  onError(event: { call: RerankCallInfo; error: unknown; durationMs: number }): void;
  onWarning(event: { call?: RerankCallInfo | undefined; message: string; error?: unknown }): void;
}
