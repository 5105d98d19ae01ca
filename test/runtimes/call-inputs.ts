/** The one rerank call runtime-call.ts makes under Deno and Bun, and runtimes.test.ts repeats on Node. */
export const QUERY = "prevent a cold";
export const DOCUMENTS = ["bananas are yellow", "wash your hands to prevent a cold", "stock markets", "colds and hands"];
