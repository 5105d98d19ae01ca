import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Bm25Reranker, checkRerankResponse, estimateTokens, RerankInputError, type Reranker } from "@rerankit/core";
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
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) throw new TypeError("maxBodyBytes must be a positive integer");
  if (options.apiKey !== undefined && (typeof options.apiKey !== "string" || options.apiKey === "")) {
    throw new TypeError("apiKey must be a non-empty string (leave it unset for an open server)");
  }
  const reranker = options.reranker ?? new Bm25Reranker();
  const keyDigest = options.apiKey === undefined ? undefined : sha256(options.apiKey);
  let closing = false;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Only reached if writing a reply itself failed: never let it take the process down.
      if (!res.headersSent) sendJson(res, 500, fallbackDialect.error(500, `internal error: ${describe(error)}`, ""));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    res.setHeader("x-request-id", requestId);
    if (closing) res.setHeader("connection", "close");
    const path = pathOf(req.url);
    const method = req.method ?? "GET";

    if (path === "/health") {
      if (method !== "GET" && method !== "HEAD") {
        res.setHeader("allow", "GET, HEAD");
        return sendJson(res, 405, fallbackDialect.error(405, `${method} is not allowed on /health; use GET`, requestId));
      }
      return sendJson(res, 200, { status: "ok" });
    }
    const route = routes.get(path);
    if (route === undefined) {
      return sendJson(res, 404, fallbackDialect.error(404, `no route for ${method} ${path}`, requestId));
    }
    const fail = (error: RequestError, dialect: ServerDialect) =>
      sendJson(res, error.status, dialect.error(error.status, error.message, requestId));
    if (method !== "POST") {
      res.setHeader("allow", "POST");
      return fail(new RequestError(405, `${method} is not allowed on ${path}; use POST`), route.errorDialect);
    }
    if (keyDigest !== undefined && !hasKey(req, keyDigest)) {
      return fail(new RequestError(401, "missing or invalid API key: send Authorization: Bearer <key>"), route.errorDialect);
    }

    let json: unknown;
    try {
      json = parseJson(await readBody(req, maxBodyBytes));
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        // Stop reading, drain what is in flight, and end the connection after the reply.
        res.setHeader("connection", "close");
        req.resume();
      }
      if (error instanceof RequestError) return fail(error, route.errorDialect);
      throw error;
    }

    const dialect = route.dialectFor(json);
    let request: ParsedRerank;
    try {
      request = dialect.parse(json);
    } catch (error) {
      if (error instanceof RequestError) return fail(error, dialect);
      throw error;
    }

    let ranked: RankedReply;
    try {
      ranked = await rank(reranker, request, requestId);
    } catch (error) {
      if (error instanceof RequestError) return fail(error, dialect);
      const isInputError = RerankInputError.isInstance(error);
      const status = isInputError ? 400 : 500;
      const message = isInputError ? describe(error) : `the reranker failed: ${describe(error)}`;
      return fail(new RequestError(status, message), dialect);
    }
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

/** Runs the reranker and checks what it returned: a custom reranker is not trusted blindly. */
async function rank(reranker: Reranker, request: ParsedRerank, requestId: string): Promise<RankedReply> {
  const { query, documents, topN, instruct, model } = request;
  let totalTokens = estimateTokens(query) * documents.length;
  for (const document of documents) totalTokens += estimateTokens(document);
  if (documents.length === 0) return { requestId, request, results: [], model: model ?? "rerankit", totalTokens: 0 };

  const response = await reranker.rerank({
    query,
    documents,
    ...(topN !== undefined ? { topN: Math.min(topN, documents.length) } : {}),
    ...(instruct !== undefined ? { instruct } : {}),
    ...(model !== undefined ? { model } : {}),
  });
  checkRerankResponse(response, documents.length);
  const results = response.results.map(({ index, relevanceScore }) => ({ index, score: relevanceScore }));
  results.sort((a, b) => b.score - a.score || a.index - b.index);
  if (topN !== undefined && results.length > topN) results.length = topN;
  return {
    requestId,
    request,
    results,
    model: model ?? response.model,
    totalTokens: response.usage.totalTokens ?? totalTokens,
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

/** Compares digests, so the time taken says nothing about the key (not even its length). */
function hasKey(req: IncomingMessage, keyDigest: Buffer): boolean {
  const match = /^\s*bearer\s+(.+?)\s*$/i.exec(req.headers.authorization ?? "");
  return match !== null && timingSafeEqual(sha256(match[1]!), keyDigest);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
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
