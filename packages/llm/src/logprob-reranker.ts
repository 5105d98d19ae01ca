import {
  type CustomProvider,
  RerankClient,
  type RerankClientOptions,
  RerankInputError,
  type Reranker,
  type RerankRequest,
  type RerankResponse,
} from "@rerankit/core";
import { logprobDialect } from "./dialect.js";
import { type LogprobTemplate, qwen3RerankerTemplate } from "./template.js";

/** Options of {@link LogprobReranker}. Every {@link RerankClientOptions} transport and policy option applies too. */
export interface LogprobRerankerOptions
  extends Omit<
    RerankClientOptions,
    "provider" | "baseURL" | "model" | "maxDocumentsPerRequest" | "maxTokensPerRequest" | "instructMode" | "allowListwiseSplit"
  > {
  /**
   * The OpenAI-compatible server, version segment included; `/chat/completions` is appended.
   * A list is a replica pool, as in `RerankClientOptions.baseURL`.
   * @example "http://127.0.0.1:8000/v1" // vLLM
   * @example "http://127.0.0.1:8080/v1" // llama.cpp server
   * @example "http://127.0.0.1:11434/v1" // Ollama
   */
  baseURL: string | string[];
  /** The chat model that judges. @example "Qwen/Qwen3-Reranker-0.6B" */
  model: string;
  /** API key, sent as `Authorization: Bearer …`. @default `RERANK_API_KEY` if set, else none (local servers need none) */
  apiKey?: string;
  /** The task instruction when a call gives none. @default the template's (Qwen3: "Given a web search query, retrieve relevant passages that answer the query") */
  instruct?: string;
  /** Another model's yes/no prompt. @default {@link qwen3RerankerTemplate} */
  template?: LogprobTemplate;
  /**
   * Requests in flight within one call (one document per request).
   * @default 4
   */
  concurrency?: number;
  /**
   * Send `chat_template_kwargs: { enable_thinking: false }` so hybrid thinking models (Qwen3)
   * answer at once, as the model card's prompt does. vLLM and llama.cpp server read it; Ollama
   * ignores it; OpenAI's API rejects unknown fields: set `false` there.
   * @default true
   */
  disableThinking?: boolean;
  /**
   * How many alternatives the server reports for the first token (`top_logprobs`): enough for both
   * answers to show up. OpenAI allows at most 20; vLLM's default `--max-logprobs` is 20.
   * @default 20
   */
  topLogprobs?: number;
}

/**
 * Pointwise reranking with a chat LLM's logprobs, Qwen3-Reranker style: for each document one
 * `POST {baseURL}/chat/completions` asking the model whether the document meets the query and
 * instruction, answered with one token (`max_tokens: 1`, `temperature: 0`, `logprobs: true`), and
 * the score P(yes) = e^ly / (e^ly + e^ln) from that token's top logprobs. Scores are probabilities
 * (`scoreKind: "probability"`).
 *
 * It is a {@link RerankClient} underneath, on a {@link CustomProvider}: deadlines, retries with
 * `Retry-After`, refused redirects, scrubbed keys, hooks, the score `cache` (keyed by model, base
 * URL, instruct, template name, `topLogprobs` and thinking switch), the `rateLimit` and `concurrency` all work
 * as they do for any rerank API. A reply that reports neither answer token is a
 * `RerankResponseError` naming the model and what came back, never a NaN or a silent 0.
 *
 * @example
 * // vllm serve Qwen/Qwen3-Reranker-0.6B
 * const reranker = new LogprobReranker({ baseURL: "http://127.0.0.1:8000/v1", model: "Qwen/Qwen3-Reranker-0.6B" });
 * const { results } = await reranker.rerank({ query, documents, topN: 5 });
 */
export class LogprobReranker implements Reranker {
  /** `logprob/<template name>`: what `RerankResponse.provider` and errors say. */
  readonly provider: string;
  readonly model: string;
  /** Each document is judged alone: its score never depends on the other documents. `startRerankServer` reads this. */
  readonly listDependent = false;
  readonly #client: RerankClient;
  readonly #instruct: string | undefined;

  constructor(options: LogprobRerankerOptions) {
    if (typeof options !== "object" || options === null) {
      throw new RerankInputError("LogprobReranker needs an options object with baseURL and model.", {
        field: "options",
        provider: "logprob",
      });
    }
    const { template = qwen3RerankerTemplate, instruct, disableThinking = true, topLogprobs = 20, extraBody, ...clientOptions } = options;
    checkTemplate(template);
    const provider = `logprob/${template.name}`;
    if (typeof options.model !== "string" || options.model.trim() === "") {
      throw new RerankInputError("LogprobReranker: model is required (the chat model that judges).", { field: "model", provider });
    }
    if (!Number.isInteger(topLogprobs) || topLogprobs < 2) {
      throw new RerankInputError("LogprobReranker: topLogprobs must be an integer ≥ 2 (both answers must be visible).", {
        field: "topLogprobs",
        provider,
      });
    }
    if (instruct !== undefined && (typeof instruct !== "string" || instruct.trim() === "")) {
      throw new RerankInputError("LogprobReranker: instruct must be a non-blank string.", { field: "instruct", provider });
    }
    const custom: CustomProvider = {
      id: provider,
      label: `LogprobReranker (${template.name})`,
      dialect: logprobDialect({ provider, model: options.model, template }),
      requiresApiKey: false,
      // One document per request: the prompt judges one document, and a server batches the
      // concurrent requests itself (vLLM's continuous batching, llama.cpp's parallel slots).
      maxDocumentsPerRequest: 1,
      scoreKind: "probability",
    };
    this.provider = provider;
    this.model = options.model;
    this.#instruct = instruct;
    // The fields that change a score besides the prompt go through extraBody: it is part of every
    // score-cache key (with the provider id, which names the template).
    const body = {
      top_logprobs: topLogprobs,
      ...(disableThinking ? { chat_template_kwargs: { enable_thinking: false } } : {}),
      ...extraBody,
    };
    this.#client = new RerankClient({ ...clientOptions, provider: custom, extraBody: body });
  }

  /** Reranks `documents` against `query`: one chat completion per distinct document. See {@link RerankRequest}. */
  rerank(request: RerankRequest): Promise<RerankResponse> {
    if (this.#instruct === undefined || (typeof request === "object" && request !== null && request.instruct !== undefined)) {
      return this.#client.rerank(request);
    }
    return this.#client.rerank({ ...request, instruct: this.#instruct });
  }

  /** Closes the connection pool; calls in flight reject (see `RerankClient.close`). */
  close(): Promise<void> {
    return this.#client.close();
  }
}

function checkTemplate(template: LogprobTemplate): void {
  const bad = (field: string, rule: string) =>
    new RerankInputError(`LogprobReranker: template.${field} ${rule}.`, { field: `template.${field}`, provider: "logprob" });
  if (typeof template !== "object" || template === null) throw bad("", "must be an object");
  if (typeof template.name !== "string" || template.name.trim() === "") throw bad("name", "must be a non-blank string");
  if (typeof template.messages !== "function") throw bad("messages", "must be a function returning chat messages");
  for (const field of ["yes", "no", "defaultInstruct"] as const) {
    if (typeof template[field] !== "string" || template[field].trim() === "") throw bad(field, "must be a non-blank string");
  }
  if (template.yes.trim().toLowerCase() === template.no.trim().toLowerCase()) throw bad("no", "must differ from template.yes");
}
