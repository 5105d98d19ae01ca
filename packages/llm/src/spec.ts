/**
 * LLM rerankers by SPEC, for `rerankit eval --rerank` and `rerankit serve --llm`:
 * - `logprob:<model>@<baseURL>`: a {@link LogprobReranker}, e.g.
 *   `logprob:Qwen/Qwen3-Reranker-0.6B@http://127.0.0.1:8000/v1`;
 * - `listwise:<model>@<baseURL>`: a {@link ListwiseReranker} over the OpenAI-compatible chat API at
 *   `baseURL` (through `@ai-sdk/openai-compatible`, an optional peer), e.g.
 *   `listwise:gpt-4.1-mini@https://api.openai.com/v1` or `listwise:qwen3:8b@http://127.0.0.1:11434/v1`.
 */
import type { Reranker } from "@rerankit/core";
import { ListwiseReranker } from "./listwise-reranker.js";
import { LogprobReranker } from "./logprob-reranker.js";

/** What a SPEC's reranker takes besides the SPEC. */
export interface LlmSpecOptions {
  /** API key for the server. @default `RERANKIT_LLM_API_KEY` in `env`, else none */
  apiKey?: string;
  /** Where the key is looked up. @default {} */
  env?: Record<string, string | undefined>;
  /** Deadline of one rerank call. @default the reranker's */
  timeoutMs?: number;
  /** Requests in flight within one call (`logprob` only). @default the reranker's */
  concurrency?: number;
  /** Allow `http://` to non-loopback hosts. @default false */
  allowInsecureHttp?: boolean;
}

/** An LLM reranker made from a SPEC, named for reports. */
export interface LlmSpecReranker {
  name: string;
  /** What the SPEC names, as {@link parseLlmSpec} read it: callers need not parse the SPEC again. */
  kind: ParsedLlmSpec["kind"];
  /** The server's base URL, as {@link parseLlmSpec} read it. */
  baseURL: string;
  provider: string;
  model: string;
  reranker: Reranker & { close?(): Promise<void> };
}

/** A SPEC taken apart by {@link parseLlmSpec}. */
export interface ParsedLlmSpec {
  kind: "logprob" | "listwise";
  model: string;
  baseURL: string;
}

/** Whether `spec` names an LLM reranker (`logprob:…` or `listwise:…`). */
export function isLlmSpec(spec: string): boolean {
  return /^\s*(logprob|listwise):/i.test(spec);
}

/**
 * Parses `logprob:<model>@<baseURL>` or `listwise:<model>@<baseURL>`; the model may hold `:` and
 * `/` (`qwen3:0.6b`, `Qwen/Qwen3-Reranker-0.6B`). Throws a `RangeError` saying what a SPEC looks like.
 */
export function parseLlmSpec(spec: string): ParsedLlmSpec {
  const match = /^(logprob|listwise):(.+?)@(https?:\/\/\S+)$/i.exec(spec.trim());
  if (!match || match[2]!.trim() === "") {
    throw new RangeError(
      `unknown LLM reranker "${spec}": expected logprob:<model>@<baseURL> or listwise:<model>@<baseURL>, e.g. logprob:Qwen/Qwen3-Reranker-0.6B@http://127.0.0.1:8000/v1`,
    );
  }
  return { kind: match[1]!.toLowerCase() as ParsedLlmSpec["kind"], model: match[2]!, baseURL: match[3]! };
}

type OpenAICompatiblePackage = typeof import("@ai-sdk/openai-compatible");

/** Builds the reranker a SPEC names (see {@link parseLlmSpec}); `listwise` loads `@ai-sdk/openai-compatible` first. */
export async function llmRerankerFromSpec(spec: string, options: LlmSpecOptions = {}): Promise<LlmSpecReranker> {
  const { kind, model, baseURL } = parseLlmSpec(spec);
  const apiKey = options.apiKey || options.env?.RERANKIT_LLM_API_KEY || undefined;
  const name = spec.trim();
  if (kind === "logprob") {
    const reranker = new LogprobReranker({
      baseURL,
      model,
      ...(apiKey !== undefined ? { apiKey } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.allowInsecureHttp ? { allowInsecureHttp: true } : {}),
    });
    return { name, kind, baseURL, provider: reranker.provider, model, reranker };
  }
  // The AI SDK's transport is not core's: the rule against sending a key over plain http to
  // another machine is applied here (core's own check is internal to RerankClient).
  const url = new URL(baseURL);
  if (url.protocol === "http:" && !options.allowInsecureHttp && !/^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i.test(url.hostname)) {
    throw new RangeError(`refusing plain http to ${url.hostname} for "${name}": use https, or allow insecure http for a trusted network`);
  }
  let openaiCompatible: OpenAICompatiblePackage;
  try {
    const specifier = "@ai-sdk/openai-compatible";
    openaiCompatible = (await import(specifier)) as OpenAICompatiblePackage;
  } catch {
    throw new RangeError(`"${name}" needs the AI SDK's OpenAI-compatible provider: npm install ai @ai-sdk/openai-compatible`);
  }
  const provider = openaiCompatible.createOpenAICompatible({ name: "listwise", baseURL, ...(apiKey !== undefined ? { apiKey } : {}) });
  const reranker = new ListwiseReranker({
    model: provider.chatModel(model),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  return { name, kind, baseURL, provider: "listwise", model, reranker };
}
