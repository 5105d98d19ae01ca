/**
 * A fault-injecting HTTP server for tests: real sockets on 127.0.0.1, one scripted action per
 * request ("fail the first N, then succeed"), a record of every request (headers and body), and a
 * count of the sockets still open, so a test can check that a client left nothing behind.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach } from "vitest";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the server does with one request. `n` counts requests from 1. */
export type Action = (res: ServerResponse, req: IncomingMessage, recorded: RecordedRequest) => void;
export type Script = (n: number, recorded: RecordedRequest) => Action;

export interface FaultServer {
  url: string;
  port: number;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Sockets the server holds open right now. */
  openSockets(): number;
  /** Connections accepted since start. */
  connections(): number;
  /** Replaces the script. */
  setScript(script: Script): void;
  /** Resolves once `n` requests have arrived (an event to wait on instead of a sleep). */
  waitForRequests(n: number): Promise<void>;
  /** Resolves when the connection that carried request `n` (from 1) closes, whoever closed it. */
  requestClosed(n: number): Promise<void>;
  /** Resolves once no socket is open (or rejects after `withinMs`). */
  waitForNoOpenSockets(withinMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultServer(script: Script): Promise<FaultServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const requests: RecordedRequest[] = [];
  let current = script;
  let arrivals: (() => void)[] = [];
  const closed: Promise<void>[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(recorded);
      closed.push(new Promise<void>((resolve) => (res.socket?.destroyed ? resolve() : res.socket?.once("close", () => resolve()))));
      const waiting = arrivals;
      arrivals = [];
      for (const wake of waiting) wake();
      current(requests.length, recorded)(res, req, recorded);
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on("connection", (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    openSockets: () => sockets.size,
    connections: () => connections,
    setScript(next) {
      current = next;
    },
    async waitForRequests(n) {
      while (requests.length < n) await new Promise<void>((resolve) => arrivals.push(resolve));
    },
    async requestClosed(n) {
      while (requests.length < n) await new Promise<void>((resolve) => arrivals.push(resolve));
      await closed[n - 1];
    },
    async waitForNoOpenSockets(withinMs = 3_000) {
      const until = Date.now() + withinMs;
      while (sockets.size > 0) {
        if (Date.now() > until) throw new Error(`${sockets.size} socket(s) still open on the server`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---- actions ----------------------------------------------------------------------------------

export function respond(status: number, body: string | Buffer = "", headers: Record<string, string> = {}): Action {
  return (res) => {
    const contentType =
      headers["content-type"] ?? (typeof body === "string" && body.trimStart().startsWith("<") ? "text/html" : "application/json");
    res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body), ...headers });
    res.end(body);
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Action {
  return respond(status, JSON.stringify(body), headers);
}

/** Closes the connection (TCP reset) before any byte of the response. */
export function resetBeforeHeaders(): Action {
  return (res) => res.socket?.resetAndDestroy();
}

/** Sends the status line, headers and part of the body, then resets the connection. */
export function resetMidBody(partial = '{"results":[{"index":0,'): Action {
  return (res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": "100000" });
    res.write(partial, () => setTimeout(() => res.socket?.resetAndDestroy(), 5));
  };
}

/** Never answers: the client's deadline must end it. */
export function hangBeforeHeaders(): Action {
  return () => {};
}

/** Sends headers and half a body, then stalls forever. */
export function stallMidBody(partial = '{"results":[{"index":0,"relevance_score":0.5},'): Action {
  return (res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": "100000" });
    res.write(partial);
  };
}

/** A body of `bytes` bytes (valid JSON), streamed in 1 MiB chunks; stops writing once the client hangs up. */
export function hugeBody(bytes: number): Action {
  return (res) => {
    res.writeHead(200, { "content-type": "application/json" });
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    res.write('{"results":[],"pad":"');
    const pump = () => {
      while (sent < bytes && !res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) {
          res.once("drain", pump);
          return;
        }
      }
      if (!res.destroyed) res.end('"}');
    };
    res.on("close", () => res.removeAllListeners("drain"));
    pump();
  };
}

export function redirect(status: number, location: string): Action {
  return (res) => {
    res.writeHead(status, { location, "content-length": "0" });
    res.end();
  };
}

// ---- scripts ----------------------------------------------------------------------------------

export function always(action: Action): Script {
  return () => action;
}

/** `fault` for the first `n` requests, then `then`. */
export function failFirst(n: number, fault: Action, then: Action): Script {
  return (i) => (i <= n ? fault : then);
}

/**
 * Servers and clients a test file opens, closed after each test: push them onto the returned
 * lists. Clients close first, so their sockets end before the servers stop.
 */
export function closeAfterEach(): { servers: FaultServer[]; clients: { close(): Promise<void> }[] } {
  const servers: FaultServer[] = [];
  const clients: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return { servers, clients };
}
