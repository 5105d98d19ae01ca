/**
 * One HTTP exchange through a WHATWG `fetch` (edge runtimes, Bun, Deno, a browser, or a `fetch`
 * the user passes in), with the same guarantees as the undici transport: the call's abort and
 * deadline stop it at any point, the body is read as a stream and abandoned past the size cap,
 * redirects are never followed, and the body is always read to its end or cancelled so the
 * runtime can reuse the connection. It uses no Node API (no Buffer, no undici), so it loads
 * wherever `fetch` exists.
 */

/** The part of `AbortSignal` the client's own abort state has (see `CallAbort`). */
export interface AbortLike {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/** What one exchange sends: the same fields as the undici transport's `send`. */
export interface FetchSendOptions {
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  maxResponseBytes: number;
  signal: AbortLike;
}

/** The whole response, any status. Header names are lower case (as undici gives them). */
export interface FetchExchange {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** The fetch function the transport calls: `globalThis.fetch` or the user's own. */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/** The body grew past the cap; the client turns it into a RerankResponseError. */
export class FetchResponseTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`response body exceeded ${limit} bytes`);
    this.name = "ResponseTooLargeError";
  }
}

/**
 * `fetch` rejected before a response (refused, reset, DNS, TLS): a retryable connection failure.
 * `code` is the runtime's error code when it gives one (Node's fetch: `cause.code`, e.g.
 * `ECONNREFUSED`).
 */
export class FetchConnectionError extends Error {
  readonly code: string | undefined;
  constructor(cause: unknown) {
    const inner = (cause as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
    const code = typeof inner?.code === "string" ? inner.code : undefined;
    const detail = typeof inner?.message === "string" && inner.message !== "" ? `: ${inner.message}` : "";
    super(`${cause instanceof Error ? cause.message : String(cause)}${detail}`, { cause });
    this.name = "FetchConnectionError";
    this.code = code;
  }
}

/**
 * Status reported for a redirect that a browser hides (`redirect: "manual"` gives an opaque
 * response with status 0 there). Node, Deno, Bun and Workers report the real 3xx.
 */
const OPAQUE_REDIRECT_STATUS = 302;

/** Sends one POST through `fetchImpl` and resolves with the whole response, or rejects. */
export async function sendWithFetch(fetchImpl: FetchFunction, options: FetchSendOptions): Promise<FetchExchange> {
  const { signal, maxResponseBytes } = options;
  if (signal.aborted) throw signal.reason;
  // fetch takes a real AbortSignal; the call's own abort state is linked to one per exchange.
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    let response: Response;
    try {
      response = await fetchImpl(options.origin + options.path, {
        method: "POST",
        headers: options.headers,
        body: options.body,
        redirect: "manual",
        signal: controller.signal,
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw new FetchConnectionError(error);
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    const status = response.type === "opaqueredirect" ? OPAQUE_REDIRECT_STATUS : response.status;
    const body = await readCapped(response, maxResponseBytes, controller, signal);
    return { status, headers, body };
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/** Reads the body as a stream, and stops (cancelling it) once it passes `limit` bytes. */
async function readCapped(response: Response, limit: number, controller: AbortController, signal: AbortLike): Promise<Uint8Array> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) {
    await cancel(response, controller);
    throw new FetchResponseTooLargeError(limit);
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        controller.abort(new FetchResponseTooLargeError(limit));
        throw new FetchResponseTooLargeError(limit);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (error instanceof FetchResponseTooLargeError) throw error;
    // The connection broke mid-body: as undici's transport reports it, a connection failure.
    throw new FetchConnectionError(error);
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0]!;
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

async function cancel(response: Response, controller: AbortController): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Cancelling a body the runtime already closed is harmless.
  }
  controller.abort();
}

/**
 * Whether undici can be loaded here (Node, and Deno or Bun through their npm support); the
 * client uses the fetch transport where it cannot (edge runtimes, browsers). Loaded once, lazily,
 * so that importing core never needs undici.
 */
let undiciProbe: Promise<typeof import("undici") | undefined> | undefined;
export function loadUndici(): Promise<typeof import("undici") | undefined> {
  undiciProbe ??= import("undici").then(
    (module) => (typeof module.Agent === "function" ? module : undefined),
    () => undefined,
  );
  return undiciProbe;
}

/** What the client sends through: a transport, chosen once per client. */
export interface FetchTransport {
  send(options: FetchSendOptions): Promise<FetchExchange>;
  /** Releases what the transport owns. Safe to call more than once. */
  close(): Promise<void>;
}

/** The fetch transport over `fetchImpl`. It owns nothing: the runtime's `fetch` pools connections. */
export function fetchTransport(fetchImpl: FetchFunction): FetchTransport {
  return { send: (options) => sendWithFetch(fetchImpl, options), close: () => Promise.resolve() };
}
