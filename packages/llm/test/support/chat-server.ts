/**
 * A small OpenAI-compatible `/v1/chat/completions` server on 127.0.0.1 for the tests: it records
 * each request and answers with the logprobs a test scripts (by default from the document's text).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ChatRequest {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: {
    model: string;
    messages: { role: string; content: string }[];
    [key: string]: unknown;
  };
}

export type ChatReply = (req: ChatRequest, res: http.ServerResponse, n: number) => void | Promise<void>;

export interface ChatServer {
  url: string;
  requests: ChatRequest[];
  close(): Promise<void>;
}

export async function startChatServer(reply: ChatReply): Promise<ChatServer> {
  const requests: ChatRequest[] = [];
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const recorded: ChatRequest = { url: req.url ?? "", headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) };
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
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}

/** The document text of a Qwen3-template request (what follows `<Document>: `). */
export function documentOf(req: ChatRequest): string {
  const user = req.body.messages.find((m) => m.role === "user")!.content;
  return user.slice(user.indexOf("<Document>: ") + "<Document>: ".length);
}

/** A chat completion whose first token's top logprobs are `top`; the answer is the likeliest token. */
export function completion(top: { token: string; logprob: number | null }[], model = "judge-model", id = "chatcmpl-1") {
  const best = [...top].sort((a, b) => (b.logprob ?? -Infinity) - (a.logprob ?? -Infinity))[0];
  return {
    id,
    object: "chat.completion",
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: best?.token ?? "" },
        logprobs: { content: [{ token: best?.token ?? "", logprob: best?.logprob ?? 0, top_logprobs: top }] },
        finish_reason: "length",
      },
    ],
    usage: { prompt_tokens: 40, completion_tokens: 1, total_tokens: 41 },
  };
}

/** Answers every request with logprobs ly (yes) and ln (no) given by the document's text, plus filler tokens. */
export function yesNoReply(logprobs: (document: string) => { yes: number; no: number }): ChatReply {
  return (req, res) => {
    const { yes, no } = logprobs(documentOf(req));
    sendJson(
      res,
      200,
      completion(
        [
          { token: "yes", logprob: yes },
          { token: "no", logprob: no },
          { token: "maybe", logprob: -30 },
        ],
        req.body.model,
      ),
    );
  };
}
