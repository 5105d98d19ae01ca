import type { IncomingHttpHeaders } from "node:http";
import { json, startTestServer } from "../helpers/http.js";

/** One canned reply: status, JSON (or raw string) body and extra headers. */
export interface Reply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/**
 * A node:http server on 127.0.0.1 that records every request and answers with the next reply
 * (the last one repeats). `reply` may also be a function of the parsed request body.
 */
export async function startReplayServer(replies: Reply[] | ((body: unknown) => Reply)) {
  const requests: Recorded[] = [];
  let next = 0;
  // Core's recording loopback server (../helpers/http.ts), its requests kept in this file's form.
  const server = await startTestServer((req, res) => {
    const body: unknown = req.body === "" ? undefined : JSON.parse(req.body);
    requests.push({ method: req.method, path: req.url, headers: req.headers, body });
    const reply = typeof replies === "function" ? replies(body) : replies[Math.min(next++, replies.length - 1)]!;
    json(res, reply.status ?? 200, reply.body, reply.headers);
  });
  return { url: server.url, requests, close: () => server.close() };
}
