/** Published prices (with their source and date), per-client overrides, and the cost of a call's usage. */
import { describe, expect, it } from "vitest";
import { costOf, priceFor, publishedPrices } from "../src/pricing.js";
import { presets } from "../src/presets.js";

describe("prices", () => {
  it("every published price names a preset, a currency, exactly one unit, a source URL and a date", () => {
    for (const [provider, models] of Object.entries(publishedPrices)) {
      expect(Object.keys(presets)).toContain(provider);
      for (const [model, price] of Object.entries(models)) {
        expect(model).not.toBe("");
        expect(price.currency).toMatch(/^[A-Z]{3}$/);
        expect((price.perMillionTokens === undefined) !== (price.perSearchUnit === undefined)).toBe(true);
        expect(price.source).toMatch(/^https:\/\//);
        expect(price.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
    }
  });

  it.each([
    ["dashscope", "qwen3-rerank", { currency: "CNY", perMillionTokens: 0.5 }],
    ["voyage", "rerank-2.5", { currency: "USD", perMillionTokens: 0.05 }],
    ["voyage", "rerank-2.5-lite", { currency: "USD", perMillionTokens: 0.02 }],
  ])("%s %s", (provider, model, expected) => {
    expect(priceFor(provider, model)).toMatchObject(expected);
  });

  it("an unknown model or provider has no price", () => {
    expect(priceFor("voyage", "rerank-9")).toBeUndefined();
    expect(priceFor("vllm", "anything")).toBeUndefined();
    expect(priceFor("__proto__", "constructor")).toBeUndefined();
  });

  it("a per-client override wins, as one price or per model", () => {
    const mine = { currency: "EUR", perMillionTokens: 1 };
    expect(priceFor("voyage", "rerank-2.5", mine)).toBe(mine);
    expect(priceFor("vllm", "bge", { bge: mine })).toBe(mine);
    expect(priceFor("voyage", "rerank-2.5", { other: mine })).toMatchObject({ perMillionTokens: 0.05 });
  });

  it("cost: reported tokens, else the estimate (marked); search units, else one per request (marked)", () => {
    const tokenPrice = { currency: "USD", perMillionTokens: 0.05 };
    expect(costOf(tokenPrice, { requests: 2, totalTokens: 2_000_000 }, 5)).toEqual({ amount: 0.1, currency: "USD" });
    expect(costOf(tokenPrice, { requests: 1 }, 1_000)).toEqual({ amount: 0.00005, currency: "USD", estimated: true });
    const searchPrice = { currency: "USD", perSearchUnit: 0.002 };
    expect(costOf(searchPrice, { requests: 3, searchUnits: 5 }, 0)).toEqual({ amount: 0.01, currency: "USD" });
    expect(costOf(searchPrice, { requests: 3 }, 0)).toEqual({ amount: 0.006, currency: "USD", estimated: true });
    expect(costOf(tokenPrice, { requests: 0 }, 0)).toEqual({ amount: 0, currency: "USD" });
  });
});
