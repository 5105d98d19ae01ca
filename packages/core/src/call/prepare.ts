/**
 * Stage 1 of a call: from a request to a plan. Validation, the blank-query rule, the instruct
 * mapping, de-duplication, batch planning and the listwise guard, each a small step over the plan.
 * No I/O.
 *
 * A later step slots in between two of these without editing the others: a score cache after
 * `deduplicate` (look up `plan.unique`, record hits, leave only misses in `plan.pending`), long
 * documents before it (replace a document's text with its windows, remembering which windows
 * belong to which input). `planRequests` batches only `plan.pending`, and `merge` takes a score
 * per unique text, wherever it came from.
 */
import { RerankInputError } from "../errors.js";
import { deduplicate, planBatches } from "../internal/batching.js";
import { type LongDocumentsPlan, splitLongDocuments } from "../long-documents/step.js";
import type { ResolvedOptions } from "../internal/options.js";
import { validateRequest } from "../internal/validate.js";
import type { RerankRequest } from "../types.js";

/** What a call will send, and how to map answers back. */
export interface CallPlan {
  /** The query as sent (the instruction prepended under `instructMode: "prefix"`). */
  query: string;
  /** The instruction as sent in the provider's own field, if any. */
  instruct: string | undefined;
  model: string;
  /** `topN` clamped to the number of documents. */
  topN: number | undefined;
  /** Documents in the request. */
  documents: number;
  /** The distinct texts. */
  unique: string[];
  /** `uniqueOf[i]` is the position in `unique` of input document `i`. */
  uniqueOf: Int32Array;
  /** Positions in `unique` still to be scored by the provider (all of them, until a cache step removes hits). */
  pending: number[] | undefined;
  /** Requests to send: each a list of positions in `unique`. */
  batches: number[][];
  /**
   * Set when `longDocuments` split some text: `unique` then holds the windows (what is batched,
   * cached and sent), and this maps them back to documents for merge.
   */
  longDocuments?: LongDocumentsPlan | undefined;
}

/** Validates the request and returns every document's text (see `validateRequest`). */
export function validate(request: RerankRequest, o: ResolvedOptions): string[] {
  return validateRequest(request, o.provider);
}

/** A blank query has nothing to rank by: an input error (checked after the empty-list shortcut). */
export function checkQuery(request: RerankRequest, o: ResolvedOptions): void {
  if (request.query.trim() === "") {
    throw new RerankInputError("Invalid rerank request: query must not be empty or only whitespace.", {
      field: "query",
      provider: o.provider,
    });
  }
}

/** The model, the query and the instruction as they will be sent. */
export function resolveInstruct(
  request: RerankRequest,
  o: ResolvedOptions,
): { model: string; query: string; instruct: string | undefined } {
  const model = request.model ?? o.model;
  if (model === undefined) {
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

/**
 * Long documents (`longDocuments`): every distinct text longer than the window becomes its
 * windows, and the windows are what the later steps see in `unique` (so a cache keys windows).
 */
export function splitLong(plan: CallPlan, o: ResolvedOptions): void {
  if (o.longDocuments === undefined) return;
  const split = splitLongDocuments(plan.unique, plan.uniqueOf, plan.query, plan.model, o.provider, o.longDocuments);
  if (split === undefined) return;
  plan.longDocuments = split;
  plan.unique = split.windows.windows;
}

/** Splits the texts still to score into requests that respect the provider's limits. */
export function planRequests(plan: CallPlan, o: ResolvedOptions): number[][] {
  const limits = { maxDocuments: o.maxDocumentsPerRequest, maxTokens: o.maxTokensPerRequest };
  const { pending, unique } = plan;
  if (pending === undefined) return planBatches(unique, plan.query, limits);
  const texts = pending.map((u) => unique[u]!);
  return planBatches(texts, plan.query, limits).map((batch) => batch.map((k) => pending[k]!));
}

/** A listwise model's scores depend on the whole list: refuse to split it unless allowed. */
export function listwiseGuard(plan: CallPlan, o: ResolvedOptions): void {
  if (plan.batches.length > 1 && !o.allowListwiseSplit && o.preset.listwiseModels?.test(plan.model)) {
    throw new RerankInputError(
      `${plan.model} is listwise (its scores depend on the whole list), and ${plan.unique.length} documents need ${plan.batches.length} requests. Send fewer documents, or set allowListwiseSplit: true.`,
      { field: "documents", provider: o.provider },
    );
  }
}

/**
 * The plan for a validated, non-empty request (`texts` from {@link validate}): the steps in order.
 * Throws RerankInputError before anything is sent.
 */
export function prepareCall(request: RerankRequest, texts: string[], o: ResolvedOptions): CallPlan {
  checkQuery(request, o);
  const { model, query, instruct } = resolveInstruct(request, o);
  const { unique, uniqueOf } = deduplicate(texts);
  const plan: CallPlan = {
    query,
    instruct,
    model,
    topN: request.topN === undefined ? undefined : Math.min(request.topN, texts.length),
    documents: texts.length,
    unique,
    uniqueOf,
    pending: undefined,
    batches: [],
  };
  splitLong(plan, o);
  // (a score cache step goes here: fill known scores, set plan.pending to the misses)
  plan.batches = planRequests(plan, o);
  listwiseGuard(plan, o);
  return plan;
}
