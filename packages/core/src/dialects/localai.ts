import { resultsDialect } from "./results.js";

/** LocalAI (`POST /v1/rerank`): the Jina form; it always echoes documents (ignored). */
export const localai = resultsDialect({});
