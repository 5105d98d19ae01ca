import { resultsDialect } from "./results.js";

/**
 * Cohere rerank, v2 by default (`https://api.cohere.com/v2/rerank`); a base URL ending in `/v1`
 * reaches v1, which takes the same body. v2 documents are plain strings; results come without
 * documents; usage is `meta.billed_units.search_units`. No instruction field.
 */
export const cohere = resultsDialect({});
