/** Real HTTP servers on 127.0.0.1 (ephemeral ports) for the tests: the rerank server, and a fault server. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Reranker } from "@rerankit/core";
import { startRerankServer } from "@rerankit/server";

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

/** The real @rerankit/server (Cohere form at POST /v1/rerank), ranking with `reranker`. */
export async function startServer(reranker: Reranker): Promise<RunningServer> {
  return startRerankServer({ reranker });
}

/** Answers every request with a 500 and counts them. */
export async function startFailingServer(): Promise<RunningServer & { hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    req.resume();
    res.writeHead(500, { "content-type": "application/json" });
    res.end(JSON.stringify({ message: "internal error" }));
  });
  const url = await listen(server);
  return { url, hits: () => hits, close: () => closeServer(server) };
}
