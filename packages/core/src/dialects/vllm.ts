import { resultsDialect } from "./results.js";

/**
 * vLLM's rerank endpoint (`/rerank`, also `/v1/rerank` and `/v2/rerank`): the Cohere/Jina form,
 * `top_n` (we never send 0), usage in `usage.total_tokens`, errors as `{ error: { message } }`.
 * It always echoes documents; we ignore the echo.
 */
export const vllm = resultsDialect({});
