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
  body: Buffer;
}

/** Raised when the body grows past the cap; the client turns it into a RerankResponseError. */
export class ResponseTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`response body exceeded ${limit} bytes`);
  }
}

export interface SendOptions {
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  maxResponseBytes: number;
  signal: AbortSignal;
}

/** Sends one POST and resolves with the whole response (any status), or rejects with the transport error. */
export function send(dispatcher: Dispatcher, options: SendOptions): Promise<HttpExchange> {
  return new Promise<HttpExchange>((resolve, reject) => {
    const { signal, maxResponseBytes } = options;
    if (signal.aborted) {
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
      else finish(reason);
    };
    const finish = (error: unknown, value?: HttpExchange) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      if (error === undefined) resolve(value!);
      else reject(error);
    };
    signal.addEventListener("abort", onAbort, { once: true });

    dispatcher.dispatch(
      {
        origin: options.origin,
        path: options.path,
        method: "POST",
        headers: options.headers,
        body: options.body,
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
          finish(undefined, { status, headers, body });
        },
        onResponseError(_c, error) {
          finish(error);
        },
      },
    );
  });
}
