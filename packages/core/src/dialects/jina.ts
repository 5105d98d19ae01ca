import type { Dialect } from "./dialect.js";
import { compact } from "./dialect.js";
import { resultsDialect } from "./results.js";

const base = resultsDialect({});

/**
 * Jina AI (`POST https://api.jina.ai/v1/rerank`): the Cohere form. `return_documents` is sent
 * explicitly as `false` (its default changed over time, and we attach the caller's own documents).
 * No instruction field. jina-reranker-v3 is listwise (see the preset's `listwiseModels`).
 */
export const jina: Dialect = {
  ...base,
  buildBody(request) {
    const { extraBody, ...rest } = request;
    return compact({ ...base.buildBody(rest), return_documents: false, ...extraBody });
  },
};
