/** A small scriptable HTTP server on 127.0.0.1 that records what it receives. */
import http from "node:http";
import { afterEach } from "vitest";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: unknown;
}

export type Reply = (req: RecordedRequest, res: http.ServerResponse, n: number) => void | Promise<void>;

export interface TestServer {
  url: string;
  requests: RecordedRequest[];
  /** Sockets currently open on the server side. */
  openSockets(): number;
  close(): Promise<void>;
}

export async function startTestServer(reply: Reply): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const recorded = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body, json };
      requests.push(recorded);
      void reply(recorded, res, requests.length);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    openSockets: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(text);
}

/** Scores each document of a Cohere-form request by a function of its text. */
export function cohereReply(score: (text: string, index: number) => number): Reply {
  return (req, res) => {
    const body = req.json as { documents: string[]; top_n?: number };
    let results = body.documents.map((text, index) => ({ index, relevance_score: score(text, index) }));
    results.sort((a, b) => b.relevance_score - a.relevance_score);
    if (body.top_n) results = results.slice(0, body.top_n);
    json(res, 200, { results, usage: { total_tokens: body.documents.length } });
  };
}

/**
 * Servers and clients a test file opens, closed after each test: push them onto the returned
 * lists. Clients close first, so their sockets end before the servers stop.
 */
export function closeAfterEach(): { servers: TestServer[]; clients: { close(): Promise<void> }[] } {
  const servers: TestServer[] = [];
  const clients: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return { servers, clients };
}
