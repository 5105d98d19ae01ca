/** Estimated cost from usage and a price table users can override. */
import { quote } from "./quote.js";

/** A provider's price, in US dollars. Any of the parts that apply are added. */
export interface Price {
  /** Per million tokens the provider reports. */
  perMillionTokens?: number;
  /** Per search unit (Cohere bills one per query with up to 100 documents). */
  perSearchUnit?: number;
  /** Per HTTP request. */
  perRequest?: number;
}

/**
 * Built-in list prices (USD), for estimates only: check the provider's page before relying on one,
 * and override them (`--prices FILE`, or the `prices` option) with your own contract's. Keys are
 * `provider` or `provider:model` (the latter wins). Providers not listed have no estimate.
 * Local and self-hosted rerankers cost nothing here.
 */
export const DEFAULT_PRICES: Readonly<Record<string, Price>> = {
  bm25: {},
  rerankit: {},
  tei: {},
  vllm: {},
  infinity: {},
  llamacpp: {},
  localai: {},
  xinference: {},
  // Cohere: $2.00 per 1,000 searches (rerank-v3.5).
  cohere: { perSearchUnit: 0.002 },
  // Voyage: rerank-2.5 $0.05 and rerank-2.5-lite $0.02 per million tokens.
  voyage: { perMillionTokens: 0.05 },
  "voyage:rerank-2.5-lite": { perMillionTokens: 0.02 },
};

/** Usage summed over a system's calls. */
export interface UsageTotals {
  requests: number;
  totalTokens?: number;
  searchUnits?: number;
}

/** The estimated cost in USD, or undefined when no price applies (unknown provider, or a price on a quantity not reported). */
export function estimateCost(
  usage: UsageTotals,
  provider: string,
  model: string | undefined,
  prices: Readonly<Record<string, Price>> = DEFAULT_PRICES,
): number | undefined {
  const price = (model !== undefined ? prices[`${provider}:${model}`] : undefined) ?? prices[provider];
  if (!price) return undefined;
  let cost = 0;
  if (price.perMillionTokens !== undefined) {
    if (usage.totalTokens === undefined) return undefined;
    cost += (usage.totalTokens / 1e6) * price.perMillionTokens;
  }
  if (price.perSearchUnit !== undefined) {
    if (usage.searchUnits === undefined) return undefined;
    cost += usage.searchUnits * price.perSearchUnit;
  }
  if (price.perRequest !== undefined) cost += usage.requests * price.perRequest;
  return cost;
}

/** Checks a user price table (e.g. parsed from JSON): an object of provider → { perMillionTokens?, perSearchUnit?, perRequest? }. */
export function parsePrices(value: unknown, source: string): Record<string, Price> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new RangeError(`${source}: expected a JSON object of provider → price`);
  // Collected in a Map, then own properties: `out["__proto__"] = price` would set the prototype.
  const out = new Map<string, Price>();
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new RangeError(`${source}: ${quote(key)} must be an object`);
    const price: Price = {};
    for (const [field, v] of Object.entries(raw as Record<string, unknown>)) {
      if (field !== "perMillionTokens" && field !== "perSearchUnit" && field !== "perRequest") {
        throw new RangeError(`${source}: ${quote(`${key}.${field}`)} is not a price field (perMillionTokens, perSearchUnit, perRequest)`);
      }
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0)
        throw new RangeError(`${source}: ${quote(`${key}.${field}`)} must be a number ≥ 0`);
      price[field] = v;
    }
    out.set(key, price);
  }
  return Object.fromEntries(out);
}
