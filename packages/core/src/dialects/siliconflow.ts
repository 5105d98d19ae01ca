import { resultsDialect } from "./results.js";

/**
 * SiliconFlow (`POST /v1/rerank`): the Cohere form; its Qwen3 models name the instruction
 * `instruction` (the reseller page in seed 002 says `instruct`). Usage under `tokens.input_tokens`.
 */
export const siliconflow = resultsDialect({ instructField: "instruction" });
