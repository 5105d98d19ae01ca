/**
 * Run by runtimes.test.ts under real Deno and real Bun (not Node): reranks against the local
 * server given as the first argument three ways (RerankClient with the runtime's own fetch, the
 * default RerankClient, and the AI SDK provider through `ai`'s rerank()) and prints one JSON line.
 */
import { createRerankit } from "@rerankit/ai-sdk";
import { RerankClient } from "@rerankit/core";
import { rerank } from "ai";
import { DOCUMENTS as documents, QUERY as query } from "./call-inputs.js";

declare const Deno: { args: string[]; version: { deno: string } } | undefined;
declare const Bun: { version: string } | undefined;

const runtime = typeof Deno !== "undefined" ? `deno ${Deno.version.deno}` : typeof Bun !== "undefined" ? `bun ${Bun.version}` : "other";
const baseURL = typeof Deno !== "undefined" ? Deno.args[0]! : process.argv[2]!;

// The runtime's own fetch, counted: every request of the fetch-transport client goes through it.
const runtimeFetch = globalThis.fetch;
let fetched = 0;
const countingFetch = ((input: string | URL | Request, init?: RequestInit) => {
  fetched++;
  return runtimeFetch(input, init);
}) as typeof fetch;

const viaFetch = new RerankClient({ provider: "rerankit", baseURL, maxDocumentsPerRequest: 2, fetch: countingFetch });
const fetchResponse = await viaFetch.rerank({ query, documents });
await viaFetch.close();

const byDefault = new RerankClient({ provider: "rerankit", baseURL, maxDocumentsPerRequest: 2 });
const defaultResponse = await byDefault.rerank({ query, documents });
await byDefault.close();

const provider = createRerankit({ provider: "rerankit", baseURL, fetch: countingFetch });
const sdk = await rerank({ model: provider.reranking(), query, documents, topN: 2 });
await provider.close();

console.log(
  JSON.stringify({
    runtime,
    fetched,
    fetch: { order: fetchResponse.results.map((r) => r.index), requests: fetchResponse.usage.requests },
    default: { order: defaultResponse.results.map((r) => r.index), requests: defaultResponse.usage.requests },
    aiSdk: { order: sdk.ranking.map((r) => r.originalIndex), scores: sdk.ranking.map((r) => r.score) },
  }),
);
