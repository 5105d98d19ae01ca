/**
 * The cache step of a call: a prepare step before batches are planned (look the distinct texts
 * up, fill the score table with hits, leave only the misses pending), and, once the batches
 * answered, the store of the fresh scores. Both halves never fail the call (see use.ts).
 */
import type { ScoreTable } from "../call/merge.js";
import type { CallPlan, ServerFacts } from "../call/prepare.js";
import type { ResolvedOptions } from "../internal/options.js";
import { type ScoreContext, scoreCacheKeys, withListHash } from "./key.js";
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

/** A client call's lookup: `wholeList` when its keys hold the whole list (a list-dependent server). */
export interface CallLookup extends CacheLookup {
  wholeList: boolean;
  /** Hits were found but not served: the server did not confirm the model (see served-model.ts). */
  unconfirmed?: boolean;
}

/** Why a call does not use its client's cache (a warning, or "" for no warning), or undefined when it does. */
export function cacheBypass(o: ResolvedOptions, plan: CallPlan): string | undefined {
  if (plan.model === undefined) {
    return `score cache not used: no model is named, so a key could not say which backend scored (${o.preset.label} answers with its own model); pass model to cache`;
  }
  // Listwise models: every score depends on the whole list, and the list is rarely the same.
  if (o.preset.listwiseModels?.test(plan.model)) return "";
  return undefined;
}

/**
 * Whether no reply of this client vouched for the model the call names: a `serverNamesModel`
 * server (`rerankit serve`) runs one model whatever a request names (and refuses another name
 * with a 400), so its reply's model is the truth; scores it did not vouch for are not stored
 * under the name. (Before hits are served, served-model.ts asks the server itself.)
 */
function unvouched(o: ResolvedOptions, plan: CallPlan, facts: ServerFacts): boolean {
  return o.preset.serverNamesModel === true && facts.servedModel !== plan.model;
}

/**
 * What a score depends on besides the document: everything the call sends and where (provider,
 * endpoint, model, instruct, query, the merged extraBody: a request's own fields change what is
 * scored as much as the client's); against a list-dependent server also the whole list.
 */
async function callContext(o: ResolvedOptions, plan: CallPlan, wholeList: boolean): Promise<ScoreContext> {
  return {
    provider: o.provider,
    endpoint: o.endpoints.map((e) => e.url).join(" "),
    model: plan.model!,
    instruct: plan.instruct,
    query: plan.query,
    extraBody: wholeList ? await withListHash(plan.extraBody, plan.unique) : plan.extraBody,
  };
}

/**
 * The client's cache step, before batches are planned: looks the plan's distinct texts up, puts
 * hits into `table` and leaves only the misses in `plan.pending`. Against a list-dependent server
 * a partial hit counts as none (the misses alone would be scored as another list), and so does
 * every hit when `confirm` (served-model.ts) does not confirm the model the call names. `signal`
 * aborts at the call's deadline. The cache never makes it throw; `confirm` may (a server that
 * runs another model, or the call's abort).
 */
export async function lookupCallScores(
  cache: ScoreCache,
  o: ResolvedOptions,
  plan: CallPlan,
  facts: ServerFacts,
  table: ScoreTable,
  signal: AbortSignal,
  confirm?: () => Promise<boolean>,
): Promise<CallLookup> {
  const wholeList = facts.listDependent === true;
  const lookup: CallLookup = { ...(await lookupScores(cache, await callContext(o, plan, wholeList), plan.unique, signal)), wholeList };
  if (wholeList && lookup.hits < plan.unique.length) lookup.hits = 0;
  // Hits are served only once the server confirmed the model they were stored under (it may throw: a mismatch).
  if (lookup.hits > 0 && confirm !== undefined && !(await confirm())) {
    lookup.hits = 0;
    lookup.unconfirmed = true;
  }
  if (lookup.hits === 0) lookup.misses = Array.from(plan.unique.keys());
  if (lookup.hits > 0) {
    for (let u = 0; u < plan.unique.length; u++) {
      const score = lookup.cached[u];
      if (score !== undefined) table.set(u, score);
    }
    plan.pending = lookup.misses;
  }
  return lookup;
}

/**
 * Stores the call's fresh scores. When a reply of this call said the server is list-dependent
 * while the keys were made per document, the whole list is stored under whole-list keys instead
 * (unless some scores came from per-document entries: then nothing is). Never throws.
 */
export async function storeCallScores(
  cache: ScoreCache,
  o: ResolvedOptions,
  plan: CallPlan,
  lookup: CallLookup,
  facts: ServerFacts,
  table: ScoreTable,
  signal: AbortSignal,
): Promise<CacheWarning | undefined> {
  // Scores a reply did not vouch for (it named another model, or none) are not stored under the name.
  if (unvouched(o, plan, facts)) return undefined;
  if (facts.listDependent === true && !lookup.wholeList) {
    if (lookup.hits > 0) return undefined;
    try {
      lookup.keys = await scoreCacheKeys(await callContext(o, plan, true), plan.unique);
    } catch (error) {
      return { message: "score cache keys could not be computed", error };
    }
  }
  return storeScores(cache, lookup, table.scores, table.scored, signal);
}
