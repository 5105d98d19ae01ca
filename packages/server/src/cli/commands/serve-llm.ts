/** `rerankit serve --llm SPEC`: an LLM reranker from @rerankit/llm (an optional peer) behind the server. */
import type { Reranker } from "@rerankit/core";
import { UsageError } from "../flags.js";
import { importOptionalPeer } from "../optional-peer.js";

/** The part of @rerankit/llm that serve uses (an optional peer: typed here, loaded on demand). */
interface LlmPackage {
  llmRerankerFromSpec(
    spec: string,
    options: { env?: Record<string, string | undefined> },
  ): Promise<{
    name: string;
    kind: "logprob" | "listwise";
    baseURL: string;
    provider: string;
    model: string;
    reranker: Reranker & { close?(): Promise<void>; listDependent?: boolean };
  }>;
}

/** @rerankit/llm is imported only for --llm. */
function loadLlm(): Promise<LlmPackage> {
  return importOptionalPeer("@rerankit/llm", () => new UsageError("--llm needs the @rerankit/llm package: npm install @rerankit/llm"));
}

/**
 * The reranker `--llm SPEC` names: `logprob:<model>@<baseURL>` scores each document by the model's
 * P(yes) over the server's `/chat/completions`; `listwise:<model>@<baseURL>` orders them RankGPT
 * style through the AI SDK (the key, if the server needs one, from RERANKIT_LLM_API_KEY).
 */
export async function chooseLlmReranker(
  spec: string,
  env: Record<string, string | undefined>,
): Promise<{ reranker: Reranker; label: string; model: string; close: () => Promise<void> }> {
  const llm = await loadLlm();
  let made: Awaited<ReturnType<LlmPackage["llmRerankerFromSpec"]>>;
  try {
    made = await llm.llmRerankerFromSpec(spec, { env });
  } catch (error) {
    throw new UsageError(`--llm: ${(error as Error).message}`);
  }
  return {
    reranker: made.reranker,
    label:
      made.kind === "listwise"
        ? `LLM ${made.model} at ${made.baseURL} (listwise, RankGPT sliding windows; scores are ranks)`
        : `LLM ${made.model} at ${made.baseURL} (P(yes) from logprobs, one chat completion per document)`,
    model: made.model,
    close: async () => {
      await made.reranker.close?.();
    },
  };
}
