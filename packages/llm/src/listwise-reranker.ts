import {
  checkRankingRequest,
  RerankInputError,
  type Reranker,
  type RerankRequest,
  type RerankResponse,
  RerankTimeoutError,
  rankingResponse,
} from "@rerankit/core";
import type { LanguageModel } from "ai";
import { clip, RANKGPT_SYSTEM_PROMPT, rankGptPrompt } from "./listwise-prompt.js";
import { modelError } from "./model-errors.js";
import { parsePermutation, slidingWindows } from "./windows.js";

const PROVIDER = "listwise";

/** Options of {@link ListwiseReranker}. */
export interface ListwiseRerankerOptions {
  /**
   * Any AI SDK language model: `openai("gpt-4.1-mini")`, `anthropic(…)`, an Ollama provider's model, …
   * @example openai("gpt-4.1-mini")
   */
  model: LanguageModel;
  /** Passages per model call. @default 20 */
  windowSize?: number;
  /** How far each window moves up the list; `windowSize − step` passages overlap. Must be below `windowSize`. @default 10 (`windowSize − 1` for a window of 10 or fewer) */
  step?: number;
  /** Full bottom-to-top passes over the list. @default 1 */
  passes?: number;
  /** Cut each passage to this many characters in the prompt (long candidate lists fill a context window fast). @default no cut */
  maxDocumentChars?: number;
  /** A task instruction added to every prompt, when a call gives none. */
  instruct?: string;
  /** Deadline for one `rerank()` call, every model call included (`RerankRequest.timeoutMs` overrides). @default 120 000 */
  timeoutMs?: number;
  /** Retries of one model call, done by the AI SDK. @default 2 */
  maxRetries?: number;
  /** Passed to every `generateText` call (e.g. `{ openai: { reasoningEffort: "low" } }`). */
  providerOptions?: Record<string, Record<string, unknown>>;
}

type GenerateText = typeof import("ai").generateText;
let generateTextPromise: Promise<GenerateText> | undefined;

/** `ai` is an optional peer: only ListwiseReranker needs it, so it loads on the first call. */
function loadGenerateText(): Promise<GenerateText> {
  generateTextPromise ??= import("ai").then(
    (m) => m.generateText,
    (error: unknown) => {
      generateTextPromise = undefined;
      throw new RerankInputError("ListwiseReranker needs the AI SDK: npm install ai", { field: "model", provider: PROVIDER, cause: error });
    },
  );
  return generateTextPromise;
}

/**
 * Listwise reranking with any chat model, RankGPT style (Sun et al., 2023): the model sees a window
 * of passages as `[1] …`, `[2] …` and answers with their order (`[2] > [1] > [3]`). Windows slide
 * from the bottom of the list to the top, `step` at a time, so the best `windowSize − step` of
 * each window travel up with it: ⌈(n − windowSize) / step⌉ + 1 model calls per pass for n distinct
 * documents (9 for 100 documents with the defaults). The list starts in the input order (your
 * first stage's), and identical texts are ranked once.
 *
 * Scores are ranks, not probabilities (`scoreKind: "rank"`): the document in place p (0-based) of
 * the final order of n distinct texts scores 1 − p / n, so the top one scores 1, the last 1 / n,
 * and identical texts share a score. A `minScore` therefore keeps a fraction of the list: 0.5
 * keeps the top half. `usage.requests` counts model calls, `usage.totalTokens` sums the model's
 * reported tokens; the call's deadline and `signal` reach the model as the AI SDK's `abortSignal`.
 *
 * Answers are read forgivingly and never lose or duplicate a document: words around the
 * identifiers are ignored, unknown identifiers dropped, a repeated one keeps its first place, and
 * the ones never named follow in their previous order.
 *
 * @example
 * import { openai } from "@ai-sdk/openai";
 * const reranker = new ListwiseReranker({ model: openai("gpt-4.1-mini") });
 * const { results } = await reranker.rerank({ query, documents, topN: 5 });
 */
export class ListwiseReranker implements Reranker {
  /**
   * A document's score depends on the other documents of the call (its place among them): a score
   * cache must key whole lists, never single documents. `startRerankServer` reads this.
   */
  readonly listDependent = true;
  readonly #model: LanguageModel;
  readonly #windowSize: number;
  readonly #step: number;
  readonly #passes: number;
  readonly #maxChars: number | undefined;
  readonly #instruct: string | undefined;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #providerOptions: ListwiseRerankerOptions["providerOptions"];

  constructor(options: ListwiseRerankerOptions) {
    if (typeof options !== "object" || options === null || options.model === undefined || options.model === null) {
      throw new RerankInputError("ListwiseReranker needs an options object with a model (an AI SDK LanguageModel).", {
        field: "model",
        provider: PROVIDER,
      });
    }
    const int = (value: number | undefined, fallback: number, field: string, min: number) => {
      if (value === undefined) return fallback;
      if (!Number.isInteger(value) || value < min) {
        throw new RerankInputError(`ListwiseReranker: ${field} must be an integer ≥ ${min}.`, { field, provider: PROVIDER });
      }
      return value;
    };
    this.#model = options.model;
    this.#windowSize = int(options.windowSize, 20, "windowSize", 2);
    this.#step = int(options.step, Math.min(10, this.#windowSize - 1), "step", 1);
    if (this.#step >= this.#windowSize) {
      throw new RerankInputError("ListwiseReranker: step must be below windowSize, or no document could move between windows.", {
        field: "step",
        provider: PROVIDER,
      });
    }
    this.#passes = int(options.passes, 1, "passes", 1);
    this.#maxChars = options.maxDocumentChars === undefined ? undefined : int(options.maxDocumentChars, 0, "maxDocumentChars", 1);
    this.#maxRetries = int(options.maxRetries, 2, "maxRetries", 0);
    const timeoutMs = options.timeoutMs ?? 120_000;
    if (typeof timeoutMs !== "number" || !(timeoutMs > 0)) {
      throw new RerankInputError("ListwiseReranker: timeoutMs must be a positive number.", { field: "timeoutMs", provider: PROVIDER });
    }
    this.#timeoutMs = timeoutMs;
    if (options.instruct !== undefined && (typeof options.instruct !== "string" || options.instruct.trim() === "")) {
      throw new RerankInputError("ListwiseReranker: instruct must be a non-blank string.", { field: "instruct", provider: PROVIDER });
    }
    this.#instruct = options.instruct;
    this.#providerOptions = options.providerOptions;
  }

  /** The model's id, as `RerankResponse.model` reports it. */
  get model(): string {
    return typeof this.#model === "string" ? this.#model : this.#model.modelId;
  }

  /** Reranks `documents` against `query`: see {@link RerankRequest} and the class notes. */
  async rerank(request: RerankRequest): Promise<RerankResponse> {
    const ranking = checkRankingRequest(request, PROVIDER);
    const { unique } = ranking;
    const usage: RerankResponse["usage"] = { requests: 0 };
    const order = unique.map((_, u) => u);
    const windows = slidingWindows(unique.length, this.#windowSize, this.#step);
    if (windows.length > 0) {
      const generateText = await loadGenerateText();
      const timeoutMs = request.timeoutMs ?? this.#timeoutMs;
      const deadline = new AbortController();
      const timer = setTimeout(
        () =>
          deadline.abort(
            new RerankTimeoutError(`${PROVIDER}: the rerank call passed its ${timeoutMs} ms deadline`, { provider: PROVIDER }),
          ),
        timeoutMs,
      );
      const signal = request.signal ? AbortSignal.any([request.signal, deadline.signal]) : deadline.signal;
      const instruct = ranking.instruct ?? this.#instruct;
      try {
        for (let pass = 0; pass < this.#passes; pass++) {
          for (const { start, end } of windows) {
            signal.throwIfAborted();
            const ids = order.slice(start, end);
            const prompt = rankGptPrompt(
              ranking.query,
              ids.map((u) => clip(unique[u]!, this.#maxChars)),
              instruct,
            );
            usage.requests++;
            let text: string;
            try {
              const result = await generateText({
                model: this.#model,
                system: RANKGPT_SYSTEM_PROMPT,
                prompt,
                temperature: 0,
                maxRetries: this.#maxRetries,
                abortSignal: signal,
                ...(this.#providerOptions === undefined ? {} : { providerOptions: this.#providerOptions as never }),
              });
              text = result.text;
              const tokens = result.usage.totalTokens ?? sum(result.usage.inputTokens, result.usage.outputTokens);
              if (tokens !== undefined) usage.totalTokens = (usage.totalTokens ?? 0) + tokens;
            } catch (error) {
              // An abort rejects with its reason (as fetch does): the caller's, or the deadline's RerankTimeoutError.
              if (signal.aborted) throw signal.reason;
              throw modelError(error, PROVIDER, usage.requests);
            }
            const permutation = parsePermutation(text, ids.length);
            for (let k = 0; k < ids.length; k++) order[start + k] = ids[permutation[k]!]!;
          }
        }
      } finally {
        clearTimeout(timer);
      }
    }
    const scores = new Float64Array(unique.length);
    order.forEach((u, place) => {
      scores[u] = 1 - place / unique.length;
    });
    return rankingResponse(ranking, scores, { model: this.model, provider: PROVIDER, scoreKind: "rank", usage });
  }
}

function sum(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
}
