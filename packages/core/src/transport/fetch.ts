/**
 * One HTTP exchange through a WHATWG `fetch` (edge runtimes, Bun, Deno, a browser, or a `fetch`
 * the user passes in), with the same guarantees as the undici transport: the call's abort and
 * deadline stop it at any point (the fetch and every body read are raced against the call's own
 * signal, so a `fetch` that ignores its signal or a body that ignores `cancel()` cannot hold the
 * call past `timeoutMs` or `close()`), the body is read as a stream and abandoned past the size cap,
 * redirects are never followed, and the body is always read to its end or cancelled so the
 * runtime can reuse the connection. It uses no Node API (no Buffer, no undici), so it loads
 * wherever `fetch` exists.
 */

import type { Dispatcher } from "undici";
import { race } from "../internal/race.js";
import { type HttpExchange, ResponseTooLargeError, type SendOptions, type Transport, undiciTransport } from "./send.js";

/** The fetch function the transport calls: `globalThis.fetch` or the user's own. */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

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

/** Sends one request (a POST unless `method` says GET) through `fetchImpl` and resolves with the whole response, or rejects. */
export async function sendWithFetch(fetchImpl: FetchFunction, options: SendOptions): Promise<HttpExchange> {
  const { signal, maxResponseBytes } = options;
  if (signal.aborted) throw signal.reason;
  // fetch takes a real AbortSignal; the call's own abort state is linked to one per exchange.
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    let response: Response;
    try {
      response = await race(
        () =>
          fetchImpl(options.origin + options.path, {
            method: options.method ?? "POST",
            headers: options.headers,
            ...(options.method === "GET" ? {} : { body: options.body }),
            redirect: "manual",
            signal: controller.signal,
          }),
        signal,
      );
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
async function readCapped(
  response: Response,
  limit: number,
  controller: AbortController,
  signal: SendOptions["signal"],
): Promise<Uint8Array> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) {
    cancel(response, controller);
    throw new ResponseTooLargeError(limit);
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await race(() => reader.read(), signal);
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        // Not awaited: a body that ignores cancel would hold the call.
        reader.cancel().catch(() => {});
        controller.abort(new ResponseTooLargeError(limit));
        throw new ResponseTooLargeError(limit);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (signal.aborted) {
      // Abandoned (deadline, abort, close()): let the runtime drop the connection, without waiting
      // on a body that may ignore it.
      reader.cancel(signal.reason).catch(() => {});
      throw signal.reason;
    }
    if (error instanceof ResponseTooLargeError) throw error;
    // The connection broke mid-body: as undici's transport reports it, a connection failure.
    throw new FetchConnectionError(error);
  } finally {
    // Throws while a read is pending (a stream that never answers): nothing left to release then.
    try {
      reader.releaseLock();
    } catch {}
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

/** Cancels a body without waiting on it (a body that ignores cancel must not hold the call). */
function cancel(response: Response, controller: AbortController): void {
  // Cancelling a body the runtime already closed is harmless.
  response.body?.cancel().catch(() => {});
  controller.abort();
}

/** What the undici side of the client needs: the module that builds the client's own Agent. */
export type UndiciAgentModule = typeof import("./agent.js");

/**
 * The client's own undici Agent (`./agent.js`, which imports undici), where undici can be loaded
 * (Node, and Deno or Bun through their npm support); undefined where it cannot (edge runtimes,
 * browsers), and the client then uses the fetch transport. Loaded once, lazily, so that importing
 * core never needs undici.
 */
let undiciProbe: Promise<UndiciAgentModule | undefined> | undefined;
export function loadUndici(): Promise<UndiciAgentModule | undefined> {
  undiciProbe ??= import("./agent.js").then(
    (module) => (typeof module.createOwnedAgent === "function" && module.undiciDispatches ? module : undefined),
    () => undefined,
  );
  return undiciProbe;
}

/** The fetch transport over `fetchImpl`. It owns nothing: the runtime's `fetch` pools connections. */
export function fetchTransport(fetchImpl: FetchFunction): Transport {
  return { send: (options) => sendWithFetch(fetchImpl, options), close: () => Promise.resolve() };
}

/** Where {@link autoTransport} looks for undici and for `fetch` (replaced in tests). */
export interface TransportEnvironment {
  load?: () => Promise<UndiciAgentModule | undefined>;
  fetch?: FetchFunction | undefined;
}

/**
 * The client's transport: the `fetch` given in the options; else undici over the given
 * `dispatcher`; else undici over an Agent of its own where undici loads (Node, Bun, Deno), and the
 * runtime's `fetch` where it does not (edge runtimes, browsers). undici is loaded when the client
 * is built (asynchronously; a request waits for it only if it comes first), not at import, so
 * that importing core needs no Node API.
 */
export function autoTransport(
  options: { fetch?: FetchFunction | undefined; dispatcher?: Dispatcher | undefined; connectionsPerOrigin: number },
  environment: TransportEnvironment = {},
): Transport {
  if (options.fetch) return fetchTransport(options.fetch);
  if (options.dispatcher) return undiciTransport(options.dispatcher, false);
  const load = environment.load ?? loadUndici;
  let chosen: Transport | undefined;
  let choosing: Promise<Transport> | undefined;
  let closed = false;
  const choose = (): Promise<Transport> => {
    choosing ??= load().then((undici) => {
      if (undici) {
        const owned = undici.createOwnedAgent(options.connectionsPerOrigin);
        return undiciTransport(owned.agent, true, owned.track);
      }
      const runtimeFetch = environment.fetch ?? (globalThis.fetch as FetchFunction | undefined);
      if (typeof runtimeFetch !== "function") throw new Error("neither undici nor fetch is available in this runtime");
      return fetchTransport(runtimeFetch);
    });
    return choosing.then((transport) => {
      chosen = transport;
      return transport;
    });
  };
  // Start choosing now (the import is asynchronous), so that a client's first request rarely waits
  // for undici to load; a failure surfaces at that request.
  choose().catch(() => undefined);
  return {
    send(sendOptions) {
      if (chosen) return chosen.send(sendOptions);
      return choose().then((transport) =>
        closed ? transport.close().then(() => Promise.reject(new Error("the client is closed"))) : transport.send(sendOptions),
      );
    },
    close() {
      closed = true;
      return chosen ? chosen.close() : (choosing?.then((t) => t.close()) ?? Promise.resolve());
    },
  };
}
