/**
 * The cache step of a call: before batching, look the distinct texts up and keep only the misses;
 * after merging, store the fresh scores. Both halves never fail the call (see use.ts).
 */
import type { ScoreTable } from "../call/merge.js";
import { type CallPlan, planRequests } from "../call/prepare.js";
import type { ResolvedOptions } from "../internal/options.js";
import { type ScoreContext, scoreCacheKeys } from "./key.js";
import type { ScoreCache } from "./types.js";
import { type CacheWarning, readCachedScores, writeCachedScores } from "./use.js";

export interface CacheLookup {
  /** One key per distinct text (empty when hashing failed). */
  keys: string[];
  /** Cached score per distinct text, undefined for a miss. */
  cached: (number | undefined)[];
  /** Positions (in the distinct texts) to send: the misses, in order. */
  misses: number[];
  hits: number;
  warning?: CacheWarning;
}

/** Looks `texts` up; `signal` aborts at the call's deadline. Never throws. */
export async function lookupScores(
  cache: ScoreCache,
  context: ScoreContext,
  texts: readonly string[],
  signal: AbortSignal | undefined,
): Promise<CacheLookup> {
  let keys: string[];
  try {
    keys = await scoreCacheKeys(context, texts);
  } catch (error) {
    const all = Array.from(texts.keys());
    return { keys: [], cached: [], misses: all, hits: 0, warning: { message: "score cache keys could not be computed", error } };
  }
  const { scores, warning } = await readCachedScores(cache, keys, signal);
  const misses: number[] = [];
  for (let u = 0; u < texts.length; u++) if (scores[u] === undefined) misses.push(u);
  const lookup: CacheLookup = { keys, cached: scores, misses, hits: texts.length - misses.length };
  if (warning) lookup.warning = warning;
  return lookup;
}

/** Stores the scores the provider returned for the misses. Never throws. */
export function storeScores(
  cache: ScoreCache,
  lookup: CacheLookup,
  scores: Float64Array,
  scored: Uint8Array,
  signal: AbortSignal | undefined,
  ttlSeconds?: number,
): Promise<CacheWarning | undefined> {
  if (lookup.keys.length === 0) return Promise.resolve(undefined);
  const entries: [string, number][] = [];
  for (const u of lookup.misses) if (scored[u] === 1) entries.push([lookup.keys[u]!, scores[u]!]);
  return writeCachedScores(cache, entries, signal, ttlSeconds);
}

/**
 * The cache step of a call's plan (between de-duplication and batch planning): hits go into the
 * score table, `plan.pending` becomes the misses and the batches are planned over them alone.
 * Listwise models are never cached (their scores depend on the whole list). Never throws.
 */
export async function applyCache(
  cache: ScoreCache,
  o: ResolvedOptions,
  plan: CallPlan,
  table: ScoreTable,
  signal: AbortSignal | undefined,
): Promise<CacheLookup | undefined> {
  if (o.preset.listwiseModels?.test(plan.model)) return undefined;
  const endpoint = o.endpoints.map((e) => e.url).join(" ");
  const context: ScoreContext = {
    provider: o.provider,
    endpoint,
    model: plan.model,
    instruct: plan.instruct,
    query: plan.query,
    extraBody: o.extraBody,
  };
  const lookup = await lookupScores(cache, context, plan.unique, signal);
  if (lookup.hits > 0) {
    for (let u = 0; u < plan.unique.length; u++) {
      const score = lookup.cached[u];
      if (score !== undefined) table.set(u, score);
    }
    plan.pending = lookup.misses;
    plan.batches = planRequests(plan, o);
  }
  return lookup;
}
