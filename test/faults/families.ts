/**
 * Response families: the distinct success-body shapes the presets read. Each family knows how to
 * build a body from result items; a provider belongs to every family whose body its dialect reads.
 * The matrix iterates over whatever families the current presets cover, so a new dialect shape
 * shows up as a failing coverage test until a family is added here.
 */
import { getPreset, providerIds, type ProviderId } from "@rerankit/core";

/** One result item as sent on the wire: values are left loose so tests can send garbage. */
export interface Item {
  index: unknown;
  score: unknown;
}

export interface Family {
  name: string;
  /** The body (as JSON text) for these items; `RAW(...)` markers become raw JSON tokens. */
  body(items: readonly Item[]): string;
}

/** Marks a value to be written raw into the JSON text (e.g. `1e999`, `NaN`). */
export function raw(token: string): string {
  return `\u0000RAW(${token})\u0000`;
}

function stringify(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0000RAW\((.*?)\)\\u0000"/g, "$1");
}

export const candidateFamilies: Family[] = [
  {
    name: "dashscope-native output.results",
    body: (items) =>
      stringify({
        request_id: "req-ds-1",
        output: { results: items.map((i) => ({ index: i.index, relevance_score: i.score })) },
        usage: { total_tokens: 12 },
      }),
  },
  { name: "tei bare array", body: (items) => stringify(items.map((i) => ({ index: i.index, score: i.score }))) },
  {
    name: "nim rankings",
    body: (items) => stringify({ rankings: items.map((i) => ({ index: i.index, logit: i.score })), usage: { total_tokens: 12 } }),
  },
  {
    name: "data relevance_score (voyage)",
    body: (items) =>
      stringify({
        object: "list",
        data: items.map((i) => ({ index: i.index, relevance_score: i.score })),
        model: "m",
        usage: { total_tokens: 12 },
      }),
  },
  {
    name: "data score (mixedbread, pinecone)",
    body: (items) =>
      stringify({ object: "list", data: items.map((i) => ({ index: i.index, score: i.score })), model: "m", usage: { total_tokens: 12 } }),
  },
  {
    name: "results (cohere family)",
    body: (items) =>
      stringify({
        id: "req-r-1",
        results: items.map((i) => ({ index: i.index, relevance_score: i.score })),
        meta: { billed_units: { search_units: 1 } },
      }),
  },
];

export function validItems(scores: readonly number[]): Item[] {
  return scores.map((score, index) => ({ index, score }));
}

/** Whether `provider`'s dialect reads `family`'s valid body into exactly these results. */
export function reads(provider: ProviderId, family: Family, scores: readonly number[] = [0.2, 0.9, 0.5]): boolean {
  const preset = getPreset(provider)!;
  try {
    const batch = preset.dialect.parseResponse(JSON.parse(family.body(validItems(scores))), {});
    return batch.results.length === scores.length && batch.results.every((r, i) => r.index === i && r.score === scores[i]);
  } catch {
    return false;
  }
}

/** Each family the presets cover, with one provider that speaks it (the first in preset order). */
export function coveredFamilies(): { family: Family; provider: ProviderId }[] {
  const out: { family: Family; provider: ProviderId }[] = [];
  for (const family of candidateFamilies) {
    const provider = providerIds.find((p) => reads(p, family));
    if (provider) out.push({ family, provider });
  }
  return out;
}

/** Providers no family's body can satisfy (should be none). */
export function uncoveredProviders(): ProviderId[] {
  return providerIds.filter((p) => !candidateFamilies.some((f) => reads(p, f)));
}
