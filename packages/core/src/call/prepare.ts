/**
 * Stage 1 of a call: from a request to a plan, each step a small function over the plan. No I/O
 * but the cache step (cache/step.ts), which runs between {@link prepareCall} and
 * {@link planRequests}: batches are planned once, over the texts the cache did not have.
 *
 *   validate · blank query · model, instruct and extraBody as sent · de-duplicate · long
 *   documents → windows · (cache lookup) · plan batches · listwise / list-dependent guard
 */
import { RerankInputError } from "../errors.js";
import { deduplicate, planBatches } from "../internal/batching.js";
import { checkExtraBody, type ResolvedOptions } from "../internal/options.js";
import { checkQuery, validateRequest } from "../internal/validate.js";
import { type LongDocumentsPlan, splitLongDocuments } from "../long-documents/step.js";
import type { RerankRequest, ScoreKind } from "../types.js";

/** What a client has learned from its server's replies (see `LIST_DEPENDENT_HEADER`). */
export interface ServerFacts {
  /** The server said its scores depend on the whole list: a cache then keys whole lists. */
  listDependent: boolean | undefined;
  /**
   * The model the last reply named (`serverNamesModel` presets): fresh scores are stored under a
   * call's model only when a reply named it (cache/step.ts); hits are served only when the
   * server's /health names it (cache/served-model.ts).
   */
  servedModel?: string | undefined;
}

/** What a call will send, and how to map answers back. */
export interface CallPlan {
  /** The query as sent (the instruction prepended under `instructMode: "prefix"`). */
  query: string;
  /** The instruction as sent in the provider's own field, if any. */
  instruct: string | undefined;
  /** Undefined only for a server that names its own model in the reply (`serverNamesModel`). */
  model: string | undefined;
  /** The client's `extraBody` and the request's, merged (the request's keys win). */
  extraBody: Record<string, unknown> | undefined;
  /** The score scale this call's replies are in (the dialect may read it from `extraBody`). */
  scoreKind: ScoreKind;
  /** `topN` clamped to the number of documents. */
  topN: number | undefined;
  /** Documents in the request. */
  documents: number;
  /** The distinct texts. */
  unique: string[];
  /** `uniqueOf[i]` is the position in `unique` of input document `i`. */
  uniqueOf: Int32Array;
  /** Positions in `unique` still to be scored by the provider (undefined: all; the cache step sets it to the misses). */
  pending: number[] | undefined;
  /** Requests to send, each a list of positions in `unique`: set once, by {@link planRequests}. */
  batches: number[][];
  /**
   * Set when `longDocuments` split some text: `unique` then holds the windows (what is batched,
   * cached and sent), and this maps them back to documents for merge.
   */
  longDocuments?: LongDocumentsPlan | undefined;
}

/** Validates the request and returns every document's text (see `validateRequest`). */
export function validate(request: RerankRequest, o: ResolvedOptions): string[] {
  const texts = validateRequest(request, o.provider);
  checkExtraBody(request.extraBody, o.preset.dialect, "extraBody", o.provider);
  return texts;
}

/** The model, the query and the instruction as they will be sent. */
export function resolveInstruct(
  request: RerankRequest,
  o: ResolvedOptions,
): { model: string | undefined; query: string; instruct: string | undefined } {
  const model = request.model ?? o.model;
  if (model === undefined && !o.preset.serverNamesModel) {
    throw new RerankInputError(`${o.preset.label} has no default model: pass model.`, { field: "model", provider: o.provider });
  }
  let query = request.query;
  let instruct = request.instruct;
  if (instruct !== undefined && !o.preset.dialect.acceptsInstruct) {
    if (o.instructMode !== "prefix") {
      throw new RerankInputError(
        `${o.preset.label} has no instruction field: set instructMode: "prefix" to prepend instruct to the query, or leave instruct unset.`,
        { field: "instruct", provider: o.provider },
      );
    }
    query = `${instruct}\n${query}`;
    instruct = undefined;
  }
  return { model, query, instruct };
}

/** The request's own `extraBody` over the client's, and the score scale the merged fields imply. */
export function resolveExtraBody(
  request: RerankRequest,
  o: ResolvedOptions,
): { extraBody: Record<string, unknown> | undefined; scoreKind: ScoreKind } {
  if (request.extraBody === undefined) return { extraBody: o.extraBody, scoreKind: o.scoreKind };
  const extraBody = { ...o.extraBody, ...request.extraBody };
  return { extraBody, scoreKind: o.preset.dialect.scoreKindFor?.(extraBody) ?? o.preset.scoreKind };
}

/**
 * Long documents (`longDocuments`): every distinct text longer than the window becomes its
 * windows, and the windows are what the later steps see in `unique` (so a cache keys windows).
 */
export function splitLong(plan: CallPlan, o: ResolvedOptions): void {
  if (o.longDocuments === undefined) return;
  const split = splitLongDocuments(plan.unique, plan.uniqueOf, plan.query, plan.model ?? "the server's model", o.provider, o.longDocuments);
  if (split === undefined) return;
  plan.longDocuments = split;
  plan.unique = split.windows.windows;
}

/**
 * After the cache step: splits the texts still to score into requests that respect the provider's
 * limits (once per call), then refuses to split a list whose scores depend on the whole list.
 */
export function planRequests(plan: CallPlan, o: ResolvedOptions, facts: ServerFacts): void {
  const limits = { maxDocuments: o.maxDocumentsPerRequest, maxTokens: o.maxTokensPerRequest };
  const { pending, unique } = plan;
  if (pending === undefined) plan.batches = planBatches(unique, plan.query, limits);
  else
    plan.batches = planBatches(
      pending.map((u) => unique[u]!),
      plan.query,
      limits,
    ).map((batch) => batch.map((k) => pending[k]!));
  listwiseGuard(plan, o, facts);
}

/** A listwise model's (or a list-dependent server's) scores depend on the whole list: refuse to split it unless allowed. */
export function listwiseGuard(plan: CallPlan, o: ResolvedOptions, facts: ServerFacts): void {
  if (plan.batches.length <= 1 || o.allowListwiseSplit) return;
  const listwise = plan.model !== undefined && o.preset.listwiseModels?.test(plan.model) === true;
  if (!listwise && facts.listDependent !== true) return;
  const what = listwise ? `${plan.model} is listwise` : "the server said its scores depend on the whole list";
  throw new RerankInputError(
    `${what} (its scores depend on the whole list), and ${plan.unique.length} documents need ${plan.batches.length} requests. Send fewer documents, or set allowListwiseSplit: true.`,
    { field: "documents", provider: o.provider },
  );
}

/**
 * The plan for a validated, non-empty request (`texts` from {@link validate}), up to the cache
 * step. Throws RerankInputError before anything is sent.
 */
export function prepareCall(request: RerankRequest, texts: string[], o: ResolvedOptions): CallPlan {
  // After the empty-list shortcut: a blank query with no documents is not an error.
  checkQuery(request.query, o.provider);
  const { model, query, instruct } = resolveInstruct(request, o);
  const { extraBody, scoreKind } = resolveExtraBody(request, o);
  const { unique, uniqueOf } = deduplicate(texts);
  const plan: CallPlan = {
    query,
    instruct,
    model,
    extraBody,
    scoreKind,
    topN: request.topN === undefined ? undefined : Math.min(request.topN, texts.length),
    documents: texts.length,
    unique,
    uniqueOf,
    pending: undefined,
    batches: [],
  };
  splitLong(plan, o);
  return plan;
}
