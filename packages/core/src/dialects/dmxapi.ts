import { resultsDialect } from "./results.js";

/** DMXAPI (`POST /v1/rerank`): the Cohere form; Qwen3 models take `instruct` (seeds 000–002). */
export const dmxapi = resultsDialect({ instructField: "instruct" });
