import { resultsDialect } from "./results.js";

/** Together AI (`POST https://api.together.xyz/v1/rerank`): the Cohere form; `document: {}` when not asked. */
export const together = resultsDialect({});
