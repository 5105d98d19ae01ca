/**
 * Published input windows of rerank models, in the model's own tokens (query and document
 * together, unless the source says per document), with where each number was published. Matched
 * on the model id, whatever provider serves it: the same weights have the same window on TEI,
 * vLLM or SiliconFlow. A hosted API may cut a model shorter than its weights allow; such limits
 * are listed per provider where published.
 */

export interface ModelWindow {
  /** Matches the model ids this window belongs to. */
  readonly model: RegExp;
  /** Tokens the model reads; the rest is truncated (or refused). */
  readonly tokens: number;
  /** Only for these providers (a hosted API's own limit); any provider when unset. */
  readonly providers?: readonly string[];
  /** Where the number is published. */
  readonly source: string;
}

export const MODEL_WINDOWS: readonly ModelWindow[] = [
  {
    model: /qwen3-reranker/i,
    tokens: 32_768,
    source: "Qwen3-Reranker-0.6B/4B/8B model cards: 'Context Length: 32k'",
  },
  {
    model: /^qwen3-rerank$/i,
    tokens: 30_000,
    source: "Alibaba Cloud Model Studio, qwen3-rerank: max input length 30000",
  },
  {
    model: /^gte-rerank-v2$/i,
    tokens: 30_000,
    source: "Alibaba Cloud Model Studio, gte-rerank-v2: max input length 30000",
  },
  {
    model: /bge-reranker-v2-m3/i,
    tokens: 8_192,
    source: "BAAI/bge-reranker-v2-m3 card discussion #9 and FlagEmbedding issue #740: max length 8192 (fine-tuned at 1024)",
  },
  {
    model: /bge-reranker-(base|large)$/i,
    tokens: 512,
    source: "BAAI/bge-reranker-base and -large config.json: max_position_embeddings 514 (XLM-RoBERTa, 512 usable)",
  },
  {
    model: /bce-reranker-base/i,
    tokens: 512,
    source: "maidalun1020/bce-reranker-base_v1 config.json: max_position_embeddings 514",
  },
  {
    model: /jina-reranker-v2-base-multilingual/i,
    tokens: 1_024,
    source: "jinaai/jina-reranker-v2-base-multilingual model card: context length of up to 1024 tokens",
  },
  {
    model: /jina-reranker-v3/i,
    tokens: 131_072,
    source: "jina.ai/models/jina-reranker-v3: input token length 131K",
  },
  {
    model: /^rerank-2\.5(-lite)?$/i,
    tokens: 32_000,
    source: "docs.voyageai.com/docs/reranker: rerank-2.5 and rerank-2.5-lite context length 32,000",
  },
  {
    model: /rerank-(v3\.5|english-v3\.0|multilingual-v3\.0)$/i,
    tokens: 4_096,
    source: "Cohere changelog (Rerank 3, Rerank 3.5): context length 4096; max_tokens_per_doc defaults to 4096",
  },
  {
    model: /mxbai-rerank-(base|large)-v2/i,
    tokens: 8_192,
    source: "mixedbread-ai/mxbai-rerank-base-v2 discussion #3: fine-tuned up to 8k context",
  },
];

/**
 * The published window of `model` (as served by `provider`), or undefined when none is known.
 * @example modelWindow("BAAI/bge-reranker-v2-m3") // 8192
 */
export function modelWindow(model: string, provider?: string): number | undefined {
  let general: number | undefined;
  for (const entry of MODEL_WINDOWS) {
    if (!entry.model.test(model)) continue;
    if (entry.providers === undefined) general ??= entry.tokens;
    else if (provider !== undefined && entry.providers.includes(provider)) return entry.tokens;
  }
  return general;
}

/**
 * The longest document, in estimated tokens, to send whole to a model with a window of `window`
 * tokens next to a query of `queryTokens`: the window less the query and a margin for the
 * model's template and special tokens (1/16 of the window, at most 128).
 */
export function documentBudget(window: number, queryTokens: number): number {
  const margin = Math.min(128, Math.ceil(window / 16));
  return Math.max(8, window - queryTokens - margin);
}
