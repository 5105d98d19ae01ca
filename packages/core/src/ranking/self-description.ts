/**
 * What a reranker may say of itself, read by `startRerankServer` (@rerankit/server): the model it
 * runs (its `/health` names it, and a `rerankit` client's served-model check needs it before
 * serving cached scores) and whether its scores depend on the whole list (a list-dependent
 * model's scores must not be cached per document).
 */
export interface SelfDescription {
  model?: string;
  listDependent?: boolean;
}

/**
 * Copies what `inner` says of itself onto `wrapper` (`calibrated()`, `cachedReranker`): a wrapper
 * changes how scores are mapped or kept, not which model made them nor whether they depend on the
 * list. Only well-typed values pass (a string model, a boolean `listDependent`).
 */
export function passSelfDescription<T extends object>(wrapper: T, inner: unknown): T & SelfDescription {
  const out = wrapper as T & SelfDescription;
  const own = inner as { model?: unknown; listDependent?: unknown };
  if (typeof own.model === "string") out.model = own.model;
  if (typeof own.listDependent === "boolean") out.listDependent = own.listDependent;
  return out;
}
