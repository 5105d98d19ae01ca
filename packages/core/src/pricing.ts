/**
 * Published rerank prices, per provider preset and model, each with where it was read and when.
 * Only prices found in a published page are listed; a model without an entry has no cost (set
 * `RerankClientOptions.price` to give it one). Prices change: check the source before budgeting.
 */

/** A currency code (ISO 4217). */
export type Currency = "USD" | "CNY" | (string & {});

/** What one model costs. Exactly one of `perMillionTokens` and `perSearchUnit` is set. */
export interface ModelPrice {
  currency: Currency;
  /** Price per million tokens (the provider's reported tokens, else the planner's estimate). */
  perMillionTokens?: number;
  /** Price per search unit (Cohere bills searches: a query with up to 100 documents). */
  perSearchUnit?: number;
  /** Where the price was published. */
  source?: string;
  /** When the source was read (YYYY-MM-DD). */
  checked?: string;
}

/** What a call cost. */
export interface RerankCost {
  amount: number;
  currency: Currency;
  /** True when a count behind it was estimated (the provider reported no tokens or search units). */
  estimated?: boolean;
}

const CHECKED = "2026-12-02";
const ALIYUN = "https://help.aliyun.com/zh/model-studio/text-rerank-api";
const VOYAGE = "https://usagepricing.com/blueprint/voyage-ai (quoting https://docs.voyageai.com/docs/pricing)";
const COHERE =
  "https://artificial-intelligence-wiki.com/ai-development/rag-systems/cohere-rerank-guide (Rerank 4.0: $2 per 1,000 searches)";

/** Prices by preset id, then model id. */
export const publishedPrices: Readonly<Record<string, Readonly<Record<string, ModelPrice>>>> = {
  // DashScope (Beijing, the presets' endpoint): 0.0005 元 / 千输入Token for qwen3-rerank, 0.0008 for gte-rerank-v2.
  dashscope: {
    "qwen3-rerank": { currency: "CNY", perMillionTokens: 0.5, source: ALIYUN, checked: CHECKED },
    "gte-rerank-v2": { currency: "CNY", perMillionTokens: 0.8, source: ALIYUN, checked: CHECKED },
  },
  "dashscope-compatible": {
    "qwen3-rerank": { currency: "CNY", perMillionTokens: 0.5, source: ALIYUN, checked: CHECKED },
    "gte-rerank-v2": { currency: "CNY", perMillionTokens: 0.8, source: ALIYUN, checked: CHECKED },
  },
  voyage: {
    "rerank-2.5": { currency: "USD", perMillionTokens: 0.05, source: VOYAGE, checked: CHECKED },
    "rerank-2.5-lite": { currency: "USD", perMillionTokens: 0.02, source: VOYAGE, checked: CHECKED },
  },
  cohere: {
    "rerank-v4.0-pro": { currency: "USD", perSearchUnit: 0.002, source: COHERE, checked: CHECKED },
    "rerank-v4.0-fast": { currency: "USD", perSearchUnit: 0.002, source: COHERE, checked: CHECKED },
  },
};

/** The price of `model` at `provider`: `override` first, then the published list. */
export function priceFor(provider: string, model: string, override?: ModelPrice | Record<string, ModelPrice>): ModelPrice | undefined {
  if (override !== undefined) {
    if (isModelPrice(override)) return override;
    if (Object.hasOwn(override, model)) return override[model];
  }
  const byModel = Object.hasOwn(publishedPrices, provider) ? publishedPrices[provider] : undefined;
  return byModel && Object.hasOwn(byModel, model) ? byModel[model] : undefined;
}

function isModelPrice(value: object): value is ModelPrice {
  return typeof (value as ModelPrice).currency === "string";
}

/**
 * The cost of a call's usage. Tokens: the provider's reported total, else `estimatedTokens`
 * (marked `estimated`). Search units: the reported count, else one per request (marked).
 */
export function costOf(
  price: ModelPrice,
  usage: { requests: number; totalTokens?: number | undefined; searchUnits?: number | undefined },
  estimatedTokens: number,
): RerankCost {
  if (price.perSearchUnit !== undefined) {
    const units = usage.searchUnits ?? usage.requests;
    return withEstimate(
      { amount: round(units * price.perSearchUnit), currency: price.currency },
      usage.searchUnits === undefined && units > 0,
    );
  }
  const tokens = usage.totalTokens ?? estimatedTokens;
  return withEstimate(
    { amount: round((tokens * (price.perMillionTokens ?? 0)) / 1_000_000), currency: price.currency },
    usage.totalTokens === undefined && tokens > 0,
  );
}

function withEstimate(cost: RerankCost, estimated: boolean): RerankCost {
  return estimated ? { ...cost, estimated: true } : cost;
}

/** Twelve significant digits: sums of tiny prices stay readable (0.000005, not 0.0000049999999). */
function round(amount: number): number {
  return Number(amount.toPrecision(12));
}
