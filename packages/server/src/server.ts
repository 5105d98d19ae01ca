import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  Bm25Reranker,
  checkRankingRequest,
  checkRerankResponse,
  estimateRerankTokens,
  LIST_DEPENDENT_HEADER,
  RerankError,
  RerankInputError,
  type Reranker,
  type RerankRequest,
} from "@rerankit/core";
import { type AllowedHosts, bearerToken, hostName, isAllowedHost, isJsonContentType } from "./http/guards.js";
import { JsonShapeScanner, type JsonShapeLimits } from "./http/json-shape.js";
import { cohereDialect } from "./wire/cohere.js";
import { type ParsedRerank, type RankedReply, RequestError, type ServerDialect } from "./wire/common.js";
import { dashscopeCompatibleDialect, dashscopeDialect } from "./wire/dashscope.js";
import { isTeiBody, teiDialect } from "./wire/tei.js";

/** Options of {@link startRerankServer}. All are optional. */
export interface RerankServerOptions {
  /**
   * TCP port to listen on; `0` picks a free ephemeral port (read it from the handle's `port`).
   * @default 0
   * @example 8787
   */
  port?: number;
  /**
   * Interface to listen on. Keep the loopback default unless other machines must reach it.
   * @default "127.0.0.1"
   */
  host?: string;
  /**
   * What ranks the documents: any {@link Reranker}, e.g. a `RerankClient` to proxy a hosted provider.
   * One with a `load()` method (`CrossEncoderReranker`, `Qwen3Reranker`, `BatchingReranker`) is
   * loaded before the server listens: a model that cannot load rejects `startRerankServer`.
   * @default new Bm25Reranker()
   */
  reranker?: Reranker;
  /**
   * When set, every route but `GET /health` needs `Authorization: Bearer <apiKey>`; others get a 401.
   * @default undefined (no key needed)
   * @example process.env.RERANKIT_API_KEY
   */
  apiKey?: string;
  /**
   * Largest request body accepted, in bytes; a larger one is answered with HTTP 413.
   * @default 33554432 (32 MiB)
   */
  maxBodyBytes?: number;
  /**
   * Most documents in one request; more is answered with HTTP 413 in the route's error shape. The
   * body is checked as it arrives, so an oversized list is refused before it is parsed. Also caps
   * the items of any array in the body, and (× 64) the JSON values in all.
   * @default 10000
   */
  maxDocuments?: number;
  /**
   * Deepest nesting of JSON arrays and objects in a body; deeper is answered with HTTP 400
   * (checked as the body arrives, before parsing).
   * @default 32
   */
  maxJsonDepth?: number;
  /**
   * Most request-body bytes held in memory across all requests at once. A request whose declared
   * length (or, for a chunked body, whose bytes so far) would pass it is answered with HTTP 503 and
   * `Retry-After: 1`, so half-sent uploads cannot pile up. Must be ≥ `maxBodyBytes`.
   * @default 2 × maxBodyBytes (64 MiB)
   */
  maxBufferedBytes?: number;
  /**
   * Time allowed to receive a request's headers, in ms (Node's `server.headersTimeout`); a client
   * that is slower gets Node's 408 and the connection is closed.
   * @default 10000
   */
  headersTimeoutMs?: number;
  /**
   * Time allowed to receive a whole request, headers and body, in ms (Node's
   * `server.requestTimeout`); a client that is slower gets Node's 408 and the connection is closed.
   * Must be ≥ `headersTimeoutMs`.
   * @default 60000
   */
  requestTimeoutMs?: number;
  /**
   * Longest pause allowed between two pieces of a request body, in ms; a body that stalls longer
   * is answered with HTTP 408 in the route's error shape and the connection is closed.
   * @default 10000
   */
  bodyIdleTimeoutMs?: number;
  /**
   * Extra `Host` names the server answers to, besides `localhost`, `*.localhost`, IP addresses and
   * `host`; an entry starting with `.` also allows its subdomains (`.example.com`). `"any"` turns
   * the check off (behind a proxy that checks hosts itself). A request for any other name is
   * refused with HTTP 403: that is how a DNS-rebinding page would reach a local server.
   * @default [] (loopback names, IP addresses and `host` only)
   * @example ["rerank.internal", ".corp.example"]
   */
  allowedHosts?: readonly string[] | "any";
  /**
   * The model this server runs: `GET /health` and every reply name it, and a request naming
   * another model is refused with HTTP 400 in the route's error shape (a request naming none is
   * served). Unknown (a custom reranker without a `model`): a reply names the reranker's answer.
   * @default the reranker's `model` property when it is a non-empty string (`"rerankit-bm25"` for `Bm25Reranker`)
   * @example "BAAI/bge-reranker-v2-m3"
   */
  model?: string;
  /**
   * Whether the reranker's scores depend on the whole list of documents sent (BM25's do: its idf is
   * computed over the list), said in `GET /health` (`listDependent`) and in the
   * `x-rerankit-list-dependent` header of every reply, so that a client's score cache keys whole
   * lists instead of single documents.
   * @default the reranker's `listDependent` property when it is a boolean (true for `Bm25Reranker`), else false
   */
  listDependent?: boolean;
}

/** A running server, as {@link startRerankServer} resolves it. */
export interface RerankServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:8787` (IPv6 hosts in brackets). */
  readonly url: string;
  /** The port actually bound (useful with `port: 0`). */
  readonly port: number;
  /** Stops listening and closes every connection, idle keep-alive sockets included. Idempotent. */
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
const DEFAULT_MAX_DOCUMENTS = 10_000;
const DEFAULT_MAX_JSON_DEPTH = 32;
const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
const DEFAULT_BODY_IDLE_TIMEOUT_MS = 10_000;
/** JSON values allowed per document on average (metadata objects beside each text). */
const VALUES_PER_DOCUMENT = 64;
/** How long in-flight requests may finish after `close()` before their sockets are cut. */
const CLOSE_GRACE_MS = 1000;

interface Route {
  /** The dialect a request on this path speaks once its body is read. */
  dialectFor(body: unknown): ServerDialect;
  /** The dialect errors are written in before the body is known (auth, size, method). */
  readonly errorDialect: ServerDialect;
}

function cohereFamily(apiVersion: "1" | "2"): Route {
  const cohere = cohereDialect(apiVersion);
  return { dialectFor: (body) => (isTeiBody(body) ? teiDialect : cohere), errorDialect: cohere };
}

function fixed(dialect: ServerDialect): Route {
  return { dialectFor: () => dialect, errorDialect: dialect };
}

const routes = new Map<string, Route>([
  ["/v1/rerank", cohereFamily("1")],
  ["/v2/rerank", cohereFamily("2")],
  ["/rerank", cohereFamily("2")],
  ["/api/v1/services/rerank/text-rerank/text-rerank", fixed(dashscopeDialect)],
  ["/compatible-api/v1/reranks", fixed(dashscopeCompatibleDialect)],
]);

/** Errors for paths we do not serve use the Cohere family's `{ message }` shape. */
const fallbackDialect = cohereDialect("2");

class BodyTooLargeError extends RequestError {
  constructor(limit: number) {
    super(413, `the request body is larger than the ${limit} bytes this server accepts`);
  }
}

/** Too many body bytes are held across requests: try again shortly. */
class ServerBusyError extends RequestError {
  readonly retryAfterSeconds = 1;
  constructor() {
    super(503, "the server is holding too many request bodies; retry shortly");
  }
}

/** A request whose body stopped arriving, or arrived out of limits: the connection ends after the reply. */
function endsConnection(error: unknown): boolean {
  return error instanceof RequestError && (error.status === 408 || error.status === 413 || error.status === 503 || error.status === 400);
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1) throw new TypeError(`${name} must be a positive integer`);
  return v;
}

/**
 * Starts a local rerank endpoint that speaks the Cohere/Jina, TEI and DashScope dialects, so any
 * rerank client (Rerankit's own, Cohere's, LangChain's, …) can talk to it.
 *
 * Routes: `POST /v1/rerank`, `/v2/rerank`, `/rerank` (Cohere/Jina form; a body with `texts` is TEI
 * form), `POST /api/v1/services/rerank/text-rerank/text-rerank` (DashScope native),
 * `POST /compatible-api/v1/reranks` (DashScope compatible) and `GET /health`.
 *
 * @example
 * const server = await startRerankServer({ port: 8787 });
 * const client = new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1` });
 * // …
 * await server.close();
 */
export async function startRerankServer(options: RerankServerOptions = {}): Promise<RerankServer> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new TypeError("port must be an integer from 0 to 65535");
  const host = options.host ?? "127.0.0.1";
  const maxBodyBytes = positiveInteger(options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES, "maxBodyBytes");
  const maxDocuments = positiveInteger(options.maxDocuments, DEFAULT_MAX_DOCUMENTS, "maxDocuments");
  const maxBufferedBytes = positiveInteger(options.maxBufferedBytes, 2 * maxBodyBytes, "maxBufferedBytes");
  const headersTimeoutMs = positiveInteger(options.headersTimeoutMs, DEFAULT_HEADERS_TIMEOUT_MS, "headersTimeoutMs");
  const requestTimeoutMs = positiveInteger(options.requestTimeoutMs, DEFAULT_REQUEST_TIMEOUT_MS, "requestTimeoutMs");
  const bodyIdleTimeoutMs = positiveInteger(options.bodyIdleTimeoutMs, DEFAULT_BODY_IDLE_TIMEOUT_MS, "bodyIdleTimeoutMs");
  if (requestTimeoutMs < headersTimeoutMs) throw new TypeError("requestTimeoutMs must be ≥ headersTimeoutMs");
  if (maxBufferedBytes < maxBodyBytes) throw new TypeError("maxBufferedBytes must be ≥ maxBodyBytes (one body must fit)");
  const shapeLimits: JsonShapeLimits = {
    maxDepth: positiveInteger(options.maxJsonDepth, DEFAULT_MAX_JSON_DEPTH, "maxJsonDepth"),
    maxArrayItems: maxDocuments,
    maxValues: maxDocuments * VALUES_PER_DOCUMENT,
  };
  const allowedHosts: AllowedHosts = options.allowedHosts ?? [];
  if (allowedHosts !== "any" && (!Array.isArray(allowedHosts) || !allowedHosts.every((h) => typeof h === "string" && h !== ""))) {
    throw new TypeError('allowedHosts must be an array of host names or "any"');
  }
  if (options.model !== undefined && (typeof options.model !== "string" || options.model === "")) {
    throw new TypeError("model must be a non-empty string");
  }
  if (options.apiKey !== undefined && (typeof options.apiKey !== "string" || options.apiKey === "")) {
    throw new TypeError("apiKey must be a non-empty string (leave it unset for an open server)");
  }
  if (options.listDependent !== undefined && typeof options.listDependent !== "boolean") {
    throw new TypeError("listDependent must be a boolean");
  }
  const reranker = options.reranker ?? new Bm25Reranker();
  // A reranker that loads a model first (a local cross-encoder's `load()`) loads it now, so a model
  // that cannot load fails the start, as `rerankit serve --model` does, not every request after it.
  const load = (reranker as { load?: unknown }).load;
  if (typeof load === "function") await load.call(reranker);
  const keyDigest = options.apiKey === undefined ? undefined : sha256(options.apiKey);
  const served = servedFacts(reranker, options);
  const health = {
    status: "ok",
    ...(served.model === undefined ? {} : { model: served.model }),
    listDependent: served.listDependent,
  };
  let closing = false;
  /** Body bytes held (or reserved by a declared Content-Length) across all requests in flight. */
  let bufferedBytes = 0;
  const budget = {
    take(bytes: number): boolean {
      if (bufferedBytes + bytes > maxBufferedBytes) return false;
      bufferedBytes += bytes;
      return true;
    },
    give(bytes: number): void {
      bufferedBytes -= bytes;
    },
  };

  const server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      // Node checks both timeouts on this interval (30 s by default), so a short timeout needs a short interval.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeoutMs / 4))),
    },
    (req, res) => {
      handle(req, res).catch((error: unknown) => {
        // Only reached if writing a reply itself failed: never let it take the process down.
        if (!res.headersSent) sendJson(res, 500, fallbackDialect.error(500, `internal error: ${describe(error)}`, ""));
        else res.destroy();
      });
    },
  );

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    res.setHeader("x-request-id", requestId);
    if (closing) res.setHeader("connection", "close");
    const path = pathOf(req.url);
    const method = req.method ?? "GET";

    const route = routes.get(path);
    const fail = (error: RequestError, dialect: ServerDialect) =>
      sendJson(res, error.status, dialect.error(error.status, error.message, requestId));
    if (!isAllowedHost(req.headers.host, host, allowedHosts)) {
      // A name other than the server's own: how a DNS-rebinding page reaches a local server.
      res.setHeader("connection", "close");
      return fail(
        new RequestError(
          403,
          `the Host ${JSON.stringify(req.headers.host)} is not allowed; to accept it, start the server with ` +
            `--allowed-host ${hostName(req.headers.host ?? "") ?? "NAME"} (rerankit serve) or allowedHosts (startRerankServer)`,
        ),
        route?.errorDialect ?? fallbackDialect,
      );
    }
    if (path === "/health") {
      if (method !== "GET" && method !== "HEAD") {
        res.setHeader("allow", "GET, HEAD");
        return sendJson(res, 405, fallbackDialect.error(405, `${method} is not allowed on /health; use GET`, requestId));
      }
      return sendJson(res, 200, health);
    }
    if (route === undefined) {
      return sendJson(res, 404, fallbackDialect.error(404, `no route for ${method} ${path}`, requestId));
    }
    if (method !== "POST") {
      res.setHeader("allow", "POST");
      return fail(new RequestError(405, `${method} is not allowed on ${path}; use POST`), route.errorDialect);
    }
    if (keyDigest !== undefined && !hasKey(req, keyDigest)) {
      return fail(new RequestError(401, "missing or invalid API key: send Authorization: Bearer <key>"), route.errorDialect);
    }
    if (!isJsonContentType(req.headers["content-type"])) {
      res.setHeader("connection", "close");
      return fail(
        new RequestError(
          415,
          `send the body as JSON with Content-Type: application/json (got ${JSON.stringify(req.headers["content-type"] ?? "none")})`,
        ),
        route.errorDialect,
      );
    }

    let body: { body: Buffer; held: number };
    try {
      body = await readBody(req, { maxBodyBytes, bodyIdleTimeoutMs, shapeLimits, budget });
    } catch (error) {
      if (endsConnection(error)) {
        // Stop reading, drain what is in flight, and end the connection after the reply.
        res.setHeader("connection", "close");
        req.resume();
      }
      if (error instanceof ServerBusyError) res.setHeader("retry-after", String(error.retryAfterSeconds));
      if (error instanceof RequestError) return fail(error, route.errorDialect);
      throw error;
    }
    try {
      await answer(res, route, body.body, requestId, fail);
    } finally {
      budget.give(body.held);
    }
  }

  /** Parses, ranks and replies to a rerank request whose body has been read. */
  async function answer(
    res: ServerResponse,
    route: Route,
    bytes: Buffer,
    requestId: string,
    fail: (error: RequestError, dialect: ServerDialect) => void,
  ): Promise<void> {
    let json: unknown;
    try {
      json = parseJson(bytes);
    } catch (error) {
      if (error instanceof RequestError) return fail(error, route.errorDialect);
      throw error;
    }

    const dialect = route.dialectFor(json);
    let request: ParsedRerank;
    try {
      request = dialect.parse(json);
      if (served.model !== undefined && request.model !== undefined && request.model !== served.model) {
        throw new RequestError(
          400,
          `this server runs the model ${JSON.stringify(served.model)}; the request named ${JSON.stringify(request.model)} (name ${JSON.stringify(served.model)} or no model)`,
        );
      }
      if (request.documents.length > maxDocuments) {
        throw new RequestError(
          413,
          `the request has ${request.documents.length} documents; this server accepts at most ${maxDocuments} per request`,
        );
      }
    } catch (error) {
      if (error instanceof RequestError) return fail(error, dialect);
      throw error;
    }

    // A client that hangs up abandons the work: the reranker gets a signal that aborts then, so a
    // local model stops between batches and a batching queue drops the job (issue 20, item 6).
    const abandoned = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) abandoned.abort(new RequestError(499, "the client closed the connection before the reply"));
    };
    res.once("close", onClose);
    let ranked: RankedReply;
    try {
      ranked = await rank(reranker, request, requestId, served.model, abandoned.signal);
    } catch (error) {
      if (abandoned.signal.aborted) return; // nobody is left to answer
      res.off("close", onClose);
      if (error instanceof RequestError) return fail(error, dialect);
      if (RerankInputError.isInstance(error)) return fail(new RequestError(400, describe(error)), dialect);
      const status = RerankError.isInstance(error) ? passedOnStatus(error.status) : 500;
      const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
      if (typeof retryAfterMs === "number" && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) {
        res.setHeader("retry-after", String(Math.ceil(retryAfterMs / 1000)));
      }
      return fail(new RequestError(status, `the reranker failed: ${describe(error)}`), dialect);
    }
    res.off("close", onClose);
    if (abandoned.signal.aborted) return; // a reranker that ignored the signal: nobody to answer
    res.setHeader(LIST_DEPENDENT_HEADER, String(served.listDependent));
    sendJson(res, 200, dialect.reply(ranked));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });

  const address = server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" || address.address.includes(":") ? `[${address.address}]` : address.address;
  let closed: Promise<void> | undefined;

  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        closing = true;
        const cutoff = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        cutoff.unref();
        server.close((error) => {
          clearTimeout(cutoff);
          if (error) reject(error);
          else resolve();
        });
        server.closeIdleConnections();
      });
      return closed;
    },
  };
}

/**
 * The model the server runs and whether its scores depend on the whole list: the options, else
 * what the reranker says of itself (`model`, `listDependent`; `Bm25Reranker` says both, and
 * wrappers such as `calibrated()` and `cachedReranker` pass them on).
 */
function servedFacts(reranker: Reranker, options: RerankServerOptions): { model: string | undefined; listDependent: boolean } {
  const own = reranker as { model?: unknown; listDependent?: unknown };
  const model = options.model ?? (typeof own.model === "string" && own.model !== "" ? own.model : undefined);
  // A reranker that says nothing is taken as pointwise (as a client takes a server that says nothing).
  const listDependent = options.listDependent ?? own.listDependent === true;
  return { model, listDependent };
}

/**
 * Runs the reranker and checks what it returned: a custom reranker is not trusted blindly. The
 * request goes through the ranking kit's one check first (a bad field is a 400 naming it, as an
 * in-process reranker would throw), `topN` is clamped there once, and a response the checker
 * accepted is already sorted and cut: it is passed on as it is. An empty list goes to the reranker
 * too (empty in, empty out: no work). `servedModel`: the model the server runs (the reply names
 * it; the reranker runs its own). `signal` aborts when the client hangs up: the reranker stops, a
 * batching queue drops the job.
 */
async function rank(
  reranker: Reranker,
  parsed: ParsedRerank,
  requestId: string,
  servedModel: string | undefined,
  signal: AbortSignal,
): Promise<RankedReply> {
  const { query, documents, topN, instruct } = parsed;
  // Once the server knows its model, the request's (the same, or none) is not passed on.
  const model = servedModel === undefined ? parsed.model : undefined;
  const request: RerankRequest = { query, documents, signal };
  if (topN !== undefined) request.topN = topN;
  if (instruct !== undefined) request.instruct = instruct;
  if (model !== undefined) request.model = model;
  const ranking = checkRankingRequest(request, "rerankit-serve");
  if (ranking.topN !== undefined) request.topN = ranking.topN;

  const response = await reranker.rerank(request);
  checkRerankResponse(response, { documents: documents.length, topN: ranking.topN });
  return {
    requestId,
    request: parsed,
    results: response.results.map(({ index, relevanceScore }) => ({ index, score: relevanceScore })),
    model: servedModel ?? response.model,
    totalTokens: response.usage.totalTokens ?? estimateRerankTokens(query, documents),
  };
}

function pathOf(url: string | undefined): string {
  const raw = url ?? "/";
  const end = raw.search(/[?#]/);
  const path = end === -1 ? raw : raw.slice(0, end);
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/**
 * Compares digests, so the time taken says nothing about the key (not even its length). The header
 * is parsed in linear time (see {@link bearerToken}).
 */
function hasKey(req: IncomingMessage, keyDigest: Buffer): boolean {
  const token = bearerToken(req.headers.authorization);
  return token !== undefined && timingSafeEqual(sha256(token), keyDigest);
}

/**
 * The status to answer when the reranker failed with a `RerankError` carrying `status`: overload
 * and server statuses (429, 5xx: a local model's full queue, say) and request statuses (400, 413,
 * 422) pass through, so the caller's client retries or reports them as such; anything else (an
 * upstream 401 or 404 is this server's own configuration problem, not the caller's) is a 502.
 */
function passedOnStatus(status: number | undefined): number {
  if (status === undefined) return 500;
  if (status === 429 || (status >= 500 && status <= 599) || status === 400 || status === 413 || status === 422) return status;
  return 502;
}

interface BodyLimits {
  maxBodyBytes: number;
  bodyIdleTimeoutMs: number;
  shapeLimits: JsonShapeLimits;
  budget: { take(bytes: number): boolean; give(bytes: number): void };
}

/**
 * Reads a body within the limits: its size, the shape of its JSON (checked as it arrives), the
 * bytes held across all requests (a declared `Content-Length` is reserved up front), and the
 * longest pause between two pieces. On failure the bytes it held are given back at once; on success
 * the caller gives back `held` when the request is done.
 */
function readBody(req: IncomingMessage, limits: BodyLimits): Promise<{ body: Buffer; held: number }> {
  const { maxBodyBytes: limit, bodyIdleTimeoutMs, shapeLimits, budget } = limits;
  const declared = Number(req.headers["content-length"]);
  const hasDeclared = req.headers["content-length"] !== undefined && Number.isSafeInteger(declared) && declared >= 0;
  if (hasDeclared && declared > limit) return Promise.reject(new BodyTooLargeError(limit));
  let reserved = hasDeclared ? declared : 0;
  if (!budget.take(reserved)) return Promise.reject(new ServerBusyError());
  const scanner = new JsonShapeScanner(shapeLimits);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let idle: NodeJS.Timeout | undefined;
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(
        () => fail(new RequestError(408, `the request body stalled: no data for ${bodyIdleTimeoutMs} ms`)),
        bodyIdleTimeoutMs,
      );
    };
    const fail = (error: unknown) => {
      cleanup();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      armIdle();
      size += chunk.length;
      if (size > limit) return fail(new BodyTooLargeError(limit));
      if (size > reserved) {
        // A chunked body (or one longer than declared) takes from the budget as it grows.
        if (!budget.take(size - reserved)) return fail(new ServerBusyError());
        reserved = size;
      }
      try {
        scanner.write(chunk);
      } catch (error) {
        return fail(error);
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      detach();
      resolve({ body: Buffer.concat(chunks, size), held: reserved });
    };
    const detach = () => {
      clearTimeout(idle);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", fail);
      req.off("close", onClose);
    };
    const cleanup = () => {
      detach();
      budget.give(reserved);
      reserved = 0;
      chunks.length = 0;
    };
    const onClose = () => {
      if (!req.complete) fail(new RequestError(400, "the client closed the connection before sending the whole body"));
    };
    armIdle();
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", fail);
    req.on("close", onClose);
  });
}

function parseJson(body: Buffer): unknown {
  const text = body.toString("utf8");
  if (text.trim() === "") throw new RequestError(400, "the request body is empty: send a JSON object");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RequestError(400, `the request body is not valid JSON (${describe(error)})`);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(res.req.method === "HEAD" ? undefined : text);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
