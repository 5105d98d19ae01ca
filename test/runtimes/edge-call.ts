/**
 * Run by edge.test.ts in a child Node with undici unresolvable and without setImmediate (which
 * edge runtimes lack; Buffer stays, as Node's own fetch needs it): import core, rerank over HTTP
 * through two batches, print what happened.
 */
delete (globalThis as Record<string, unknown>).setImmediate;
const realFetch = globalThis.fetch;
let fetched = 0;
globalThis.fetch = ((input: string, init: RequestInit) => {
  fetched++;
  return realFetch(input, init);
}) as typeof fetch;

const { RerankClient } = await import("@rerankit/core");
const client = new RerankClient({ provider: "rerankit", baseURL: process.argv[2]!, maxDocumentsPerRequest: 2 });
const response = await client.rerank({
  query: "prevent a cold",
  documents: ["bananas are yellow", "wash your hands to prevent a cold", "stock markets", "colds and hands"],
});
await client.close();
console.log(JSON.stringify({ order: response.results.map((r) => r.index), requests: response.usage.requests, fetched }));
export {};
