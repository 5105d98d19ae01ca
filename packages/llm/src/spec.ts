/**
 * LLM rerankers by SPEC, for `rerankit eval --rerank` and `rerankit serve --llm`:
 * `logprob:<model>@<baseURL>`, e.g. `logprob:Qwen/Qwen3-Reranker-0.6B@http://127.0.0.1:8000/v1`.
 */
import { LogprobReranker } from "./logprob-reranker.js";

/** What a SPEC's reranker takes besides the SPEC. */
export interface LlmSpecOptions {
  /** API key for the server. @default `RERANKIT_LLM_API_KEY` in `env`, else none */
  apiKey?: string;
  /** Where the key is looked up. @default {} */
  env?: Record<string, string | undefined>;
  /** Deadline of one rerank call. @default the reranker's */
  timeoutMs?: number;
  /** Requests in flight within one call. @default the reranker's */
  concurrency?: number;
  /** Allow `http://` to non-loopback hosts. @default false */
  allowInsecureHttp?: boolean;
}

/** An LLM reranker made from a SPEC, named for reports. */
export interface LlmSpecReranker {
  name: string;
  provider: string;
  model: string;
  reranker: LogprobReranker;
}

/** Whether `spec` names an LLM reranker (`logprob:…`). */
export function isLlmSpec(spec: string): boolean {
  return /^\s*logprob:/i.test(spec);
}

/**
 * Parses `logprob:<model>@<baseURL>`; the model may hold `:` and `/` (`qwen3:0.6b`,
 * `Qwen/Qwen3-Reranker-0.6B`). Throws a `RangeError` saying what a SPEC looks like.
 */
export function parseLlmSpec(spec: string): { kind: "logprob"; model: string; baseURL: string } {
  const trimmed = spec.trim();
  const match = /^logprob:(.+?)@(https?:\/\/\S+)$/i.exec(trimmed);
  if (!match || match[1]!.trim() === "") {
    throw new RangeError(
      `unknown LLM reranker "${spec}": expected logprob:<model>@<baseURL>, e.g. logprob:Qwen/Qwen3-Reranker-0.6B@http://127.0.0.1:8000/v1`,
    );
  }
  return { kind: "logprob", model: match[1]!, baseURL: match[2]! };
}

/** Builds the reranker a SPEC names (see {@link parseLlmSpec}). */
export function llmRerankerFromSpec(spec: string, options: LlmSpecOptions = {}): LlmSpecReranker {
  const { model, baseURL } = parseLlmSpec(spec);
  const apiKey = options.apiKey || options.env?.RERANKIT_LLM_API_KEY || undefined;
  const reranker = new LogprobReranker({
    baseURL,
    model,
    ...(apiKey !== undefined ? { apiKey } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.allowInsecureHttp ? { allowInsecureHttp: true } : {}),
  });
  return { name: spec.trim(), provider: reranker.provider, model, reranker };
}
