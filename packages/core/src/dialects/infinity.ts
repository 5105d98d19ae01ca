import type { Dialect } from "./dialect.js";
import { resultsDialect } from "./results.js";

/**
 * michaelfeil/infinity (`POST /rerank`, often under `/v1`): the Cohere form; `document` comes back
 * as a plain string (ignored), usage in `usage.prompt_tokens`. `raw_scores: true` (through
 * `extraBody`) makes scores logits.
 */
export const infinity: Dialect = {
  ...resultsDialect({}),
  scoreKindFor: (extraBody) => (extraBody?.raw_scores === true ? "logit" : undefined),
};
