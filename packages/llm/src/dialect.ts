/**
 * The chat-completions dialect LogprobReranker runs on core's RerankClient (a `CustomProvider`):
 * one document per request, the template's messages, one answer token with its top logprobs.
 */
import { type Dialect, RerankResponseError } from "@rerankit/core";
import { z } from "zod";
import { yesProbability } from "./score.js";
import type { ChatMessage, LogprobTemplate } from "./template.js";

/** The OpenAI chat-completions request body we send (snake_case, as on the wire). */
export interface ChatCompletionsLogprobBody {
  /** Always set by LogprobReranker (its `model` is required). */
  model: string | undefined;
  messages: ChatMessage[];
  max_tokens: 1;
  temperature: 0;
  logprobs: true;
  /** Set through `extraBody` by LogprobReranker, so that it is part of every score-cache key. */
  top_logprobs?: number;
  [extra: string]: unknown;
}

// Lenient where servers differ (llama.cpp may send `null` logprobs for some entries, `bytes` is
// optional everywhere); the reader skips non-finite values itself.
const topLogprobSchema = z.object({ token: z.string(), logprob: z.number().nullish() });
const replySchema = z.object({
  id: z.string().nullish(),
  model: z.string().nullish(),
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish() }).passthrough().nullish(),
        logprobs: z
          .object({
            content: z.array(z.object({ token: z.string().nullish(), top_logprobs: z.array(topLogprobSchema).nullish() })).nullish(),
          })
          .nullish(),
      }),
    )
    .min(1),
  usage: z.object({ total_tokens: z.number().nullish() }).nullish(),
});

/** At most this many reported tokens are quoted in an error (they are model output, never document text). */
const QUOTED_TOKENS = 5;

export interface LogprobDialectSettings {
  provider: string;
  /** Named in errors when the reply does not say which model answered. */
  model: string;
  template: LogprobTemplate;
}

export function logprobDialect({ provider, model: configuredModel, template }: LogprobDialectSettings): Dialect {
  return {
    path: "/chat/completions",
    acceptsInstruct: true,
    buildBody(request) {
      // The preset sends one document per request (maxDocumentsPerRequest: 1, which
      // LogprobReranker's options cannot change): the prompt judges documents[0] alone. (No throw
      // for longer lists: core may build probe bodies to learn which fields a dialect fills.)
      // Messages are JSON strings: a document holding `<|im_end|>` or `<|im_start|>system` reaches
      // the server as characters inside one message's content. The server's chat template wraps
      // each message in the real control tokens, and its tokenizer does not read special tokens
      // out of message text (vLLM, llama.cpp and Ollama tokenize content as plain text), so a
      // document cannot end its own message or open a new one.
      const messages = template.messages({
        query: request.query,
        document: request.documents[0]!,
        instruct: request.instruct ?? template.defaultInstruct,
      });
      return {
        model: request.model,
        messages,
        max_tokens: 1,
        temperature: 0,
        logprobs: true,
        ...request.extraBody,
      } satisfies ChatCompletionsLogprobBody;
    },
    parseResponse(body) {
      const reply = replySchema.parse(body);
      const choice = reply.choices[0]!;
      const first = choice.logprobs?.content?.[0];
      const model = reply.model ?? configuredModel;
      const requestId = reply.id ?? undefined;
      const top = (first?.top_logprobs ?? []).map((t) => ({ token: t.token, logprob: t.logprob ?? Number.NaN }));
      const reading = yesProbability(top, template.yes, template.no);
      if (reading.score === undefined) {
        const answered = choice.message?.content ?? first?.token;
        const what =
          reading.problem === "empty"
            ? `no top logprobs for its first token (answer ${JSON.stringify(answered ?? "")}); does the server support logprobs and top_logprobs?`
            : `neither ${JSON.stringify(template.yes)} nor ${JSON.stringify(template.no)} among its first token's top logprobs (answer ${JSON.stringify(answered ?? "")}; top tokens ${top
                .slice(0, QUOTED_TOKENS)
                .map((t) => JSON.stringify(t.token))
                .join(", ")})`;
        throw new RerankResponseError(`${provider}: ${model} returned ${what}`, { provider, status: 200, requestId, retryable: false });
      }
      return { results: [{ index: 0, score: reading.score }], totalTokens: reply.usage?.total_tokens ?? undefined, requestId };
    },
  };
}
