/**
 * One HTTP exchange over an undici Dispatcher, at the handler level: it costs no more than the
 * raw client, buffers the body with a size cap, never follows redirects, and always consumes or
 * aborts the body so the socket goes back to the pool.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Dispatcher } from "undici";

export interface HttpExchange {
  status: number;
  headers: IncomingHttpHeaders;
  /** A Buffer from undici, a plain Uint8Array from fetch: read it with {@link utf8}. */
  body: Uint8Array;
}

const decoder = new TextDecoder();
/** Node's Buffer where the runtime has one (not in edge runtimes). */
const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;

/** The body as text: Buffer's own decoder for a Buffer (undici's), TextDecoder for any other bytes (fetch's). */
export function utf8(body: Uint8Array): string {
  return NodeBuffer?.isBuffer(body) ? body.toString("utf8") : decoder.decode(body);
}

/** Raised when the body grows past the cap; the client turns it into a RerankResponseError. */
export class ResponseTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`response body exceeded ${limit} bytes`);
  }
}

/** The part of `AbortSignal` the client and transport use; an `AbortSignal` is one, and so is {@link CallAbort}. */
export interface AbortLike {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/**
 * A call's own abort state, with AbortController's semantics for the listeners the client adds
 * (each runs once; none added after the abort runs). An AbortController with its EventTarget,
 * listener records and Event objects cost about 8 µs and a good share of the garbage of a call.
 * `signal` is the object itself, so it reads like an AbortController.
 */
export class CallAbort implements AbortLike {
  aborted = false;
  reason: unknown = undefined;
  #listeners: (() => void)[] = [];

  get signal(): CallAbort {
    return this;
  }

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason ?? new DOMException("This operation was aborted", "AbortError");
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) {
      try {
        listener();
      } catch (error) {
        // As an EventTarget does: a throwing listener is reported, and the others still run.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  addEventListener(_type: "abort", listener: () => void): void {
    if (!this.aborted) this.#listeners.push(listener);
  }

  removeEventListener(_type: "abort", listener: () => void): void {
    const at = this.#listeners.indexOf(listener);
    if (at >= 0) this.#listeners.splice(at, 1);
  }
}

export interface SendOptions {
  origin: string;
  path: string;
  /** @default "POST" (a GET, e.g. `rerankit serve`'s /health, sends no body) */
  method?: "POST" | "GET";
  headers: Record<string, string>;
  body: string;
  maxResponseBytes: number;
  signal: AbortLike;
  /**
   * `performance.now()` time after which no one waits for this request (the call's deadline).
   * A transport may bound its connection attempt by it; optional, as a transport may ignore it.
   */
  deadline?: number | undefined;
}

/** Sends one request (a POST unless `method` says GET) and resolves with the whole response (any status), or rejects with the transport error. */
export function send(dispatcher: Dispatcher, options: SendOptions, release?: () => void): Promise<HttpExchange> {
  return new Promise<HttpExchange>((resolve, reject) => {
    const { signal, maxResponseBytes } = options;
    if (signal.aborted) {
      release?.();
      reject(signal.reason);
      return;
    }
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    let size = 0;

    const onAbort = () => {
      const reason = signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
      if (controller && !controller.aborted) controller.abort(reason);
      else fail(reason);
    };
    // Success and failure are separate paths: a dispatcher may fail with `undefined` or `null`,
    // which is still a failure (never a resolved exchange).
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      release?.();
      return true;
    };
    const fail = (error: unknown) => {
      if (settle()) reject(error);
    };
    const succeed = (value: HttpExchange) => {
      if (settle()) resolve(value);
    };
    signal.addEventListener("abort", onAbort, { once: true });

    try {
      dispatcher.dispatch(
        {
          origin: options.origin,
          path: options.path,
          method: options.method ?? "POST",
          headers: options.headers,
          body: options.method === "GET" ? null : options.body,
        },
        {
          onRequestStart(c) {
            controller = c;
            if (signal.aborted) c.abort(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
          },
          onResponseStart(_c, statusCode, responseHeaders) {
            status = statusCode;
            headers = responseHeaders;
          },
          onResponseData(c, chunk) {
            size += chunk.length;
            if (size > maxResponseBytes) {
              c.abort(new ResponseTooLargeError(maxResponseBytes));
              return;
            }
            chunks.push(chunk);
          },
          onResponseEnd() {
            const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
            succeed({ status, headers, body });
          },
          onResponseError(_c, error) {
            fail(error);
          },
        },
      );
    } catch (error) {
      // A dispatcher that throws instead of calling onResponseError still settles the send.
      fail(error);
    }
  });
}

/**
 * How a client sends one request: resolved once in the constructor, so the call stages never know
 * which HTTP stack is underneath: undici's `dispatch` (below) or `fetch` (fetch.ts), picked by
 * `autoTransport` (fetch.ts).
 */
export interface Transport {
  /** Sends one POST and resolves with the whole response (any status), or rejects with the transport error. */
  send(options: SendOptions): Promise<HttpExchange>;
  /** Releases what the transport owns (not a dispatcher the caller passed in). Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * The undici transport over `dispatcher`; `owned` dispatchers are closed by `close()`. With
 * `track` (the client's own Agent, see agent.ts), each send is counted as waiting on its origin
 * until it settles, so connection attempts nobody waits for are dropped.
 */
export function undiciTransport(
  dispatcher: Dispatcher,
  owned: boolean,
  track?: (origin: string, deadline: number | undefined) => () => void,
): Transport {
  let closing: Promise<void> | undefined;
  return {
    send: track ? (options) => send(dispatcher, options, track(options.origin, options.deadline)) : (options) => send(dispatcher, options),
    close() {
      if (!owned) return Promise.resolve();
      closing ??= dispatcher.close();
      return closing;
    },
  };
}
