/**
 * `--rerank logprob:<model>@<baseURL>` or `listwise:<model>@<baseURL>`: an LLM reranker from @rerankit/llm. That package is an
 * optional peer, so it is imported on the first rerank() call (rerankerFromSpec stays synchronous);
 * a missing package or a malformed SPEC fails that first call with a message that says what to do.
 */
import type { Reranker, RerankRequest, RerankResponse } from "@rerankit/core";
import type { NamedReranker, RerankerSpecOptions } from "./rerankers.js";

/** Whether a SPEC names an LLM reranker. */
export function isLlmRerankerSpec(spec: string): boolean {
  return /^(logprob|listwise):/i.test(spec.trim());
}

/** The part of @rerankit/llm used here (typed here: the package is loaded on demand). */
interface LlmPackage {
  llmRerankerFromSpec(spec: string, options: RerankerSpecOptions): Promise<{ provider: string; reranker: Reranker }>;
}

async function loadLlm(): Promise<LlmPackage> {
  // A variable specifier: bundlers and tsc leave the optional peer alone.
  const specifier = "@rerankit/llm";
  try {
    return (await import(specifier)) as LlmPackage;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new Error("--rerank logprob:… and listwise:… need the @rerankit/llm package: npm install @rerankit/llm");
    }
    throw error;
  }
}

/**
 * The named reranker for an LLM SPEC; the model is what sits between `logprob:` (or `listwise:`) and `@URL`.
 * That name is read here, synchronously, only to label the system before @rerankit/llm is loaded
 * (an optional peer cannot be imported synchronously); the SPEC itself is parsed and checked by
 * @rerankit/llm's `parseLlmSpec` on the first call, whose message a malformed SPEC gets.
 */
export function llmRerankerFromSpec(spec: string, options: RerankerSpecOptions): NamedReranker {
  const trimmed = spec.trim();
  const at = trimmed.search(/@https?:\/\//i);
  const kind = trimmed.slice(0, trimmed.indexOf(":")).toLowerCase();
  const model = trimmed.slice(kind.length + 1, at >= 0 ? at : undefined) || undefined;
  let made: Promise<Reranker> | undefined;
  const reranker: Reranker = {
    rerank(request: RerankRequest): Promise<RerankResponse> {
      made ??= loadLlm()
        .then((llm) => llm.llmRerankerFromSpec(trimmed, options))
        .then((r) => r.reranker);
      return made.then((r) => r.rerank(request));
    },
  };
  return { name: trimmed, provider: kind, model, reranker };
}
