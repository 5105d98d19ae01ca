/**
 * A small OpenAI-compatible `/v1/chat/completions` server on 127.0.0.1 for the tests: it records
 * each request and answers with the logprobs a test scripts (by default from the document's text).
 */
import type http from "node:http";
import { json, startTestServer } from "../../../core/test/helpers/http.js";

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

/** Core's recording loopback server (../../../core/test/helpers/http.ts), its requests seen as chat completions. */
export async function startChatServer(reply: ChatReply): Promise<ChatServer> {
  const requests: ChatRequest[] = [];
  const server = await startTestServer((req, res, n) => {
    const recorded: ChatRequest = { url: req.url, headers: req.headers, body: req.json as ChatRequest["body"] };
    requests.push(recorded);
    return reply(recorded, res, n);
  });
  return { url: server.url, requests, close: () => server.close() };
}

/** Core's JSON reply writer, under the name these tests use. */
export { json as sendJson };

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
    json(
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
