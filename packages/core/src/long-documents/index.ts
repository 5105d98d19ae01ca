export {
  aggregateWindows,
  type LongDocumentsOptions,
  planWindows,
  type ResolvedLongDocuments,
  resolveLongDocuments,
  splitWindows,
  windowSpans,
  type WindowAggregate,
  type WindowPlan,
} from "./windows.js";
export { documentBudget, MODEL_WINDOWS, type ModelWindow, modelWindow } from "./model-windows.js";
export { type LongDocumentsPlan, mergeWindowScores, splitLongDocuments } from "./step.js";
