/**
 * Issue 19: the server answers with the model it really runs, refuses a request naming another
 * (HTTP 400 in the route's own error shape), serves one naming none, and says whether its scores
 * depend on the whole list (`/health` and the `x-rerankit-list-dependent` header of every reply).
 */
import { Bm25Reranker, cachedReranker, LIST_DEPENDENT_HEADER, memoryScoreCache } from "@rerankit/core";
import { afterEach, describe, expect, it } from "vitest";
import { type RerankServer, type RerankServerOptions, startRerankServer } from "../src/index.js";
import { DOCUMENTS, post, QUERY, WordCountReranker } from "./helpers.js";

const ROUTES = [
  { path: "/v1/rerank", body: (model?: string) => ({ model, query: QUERY, documents: DOCUMENTS }), errorKeys: ["message"] },
  {
    path: "/api/v1/services/rerank/text-rerank/text-rerank",
    body: (model?: string) => ({ model, input: { query: QUERY, documents: DOCUMENTS } }),
    errorKeys: ["code", "message", "request_id"],
  },
  {
    path: "/compatible-api/v1/reranks",
    body: (model?: string) => ({ model, query: QUERY, documents: DOCUMENTS }),
    errorKeys: ["code", "message", "request_id"],
  },
] as const;

const started: RerankServer[] = [];
async function serve(options: RerankServerOptions = {}): Promise<RerankServer> {
  const server = await startRerankServer(options);
  started.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

describe("the model a server runs", () => {
  for (const route of ROUTES) {
    it(`${route.path}: a request naming another model is a 400 in the route's error shape; its own model or none is served and named`, async () => {
      const server = await serve();
      const other = await post(`${server.url}${route.path}`, route.body("rerank-v3.5"));
      expect(other.status).toBe(400);
      expect(Object.keys(other.body).sort()).toEqual([...route.errorKeys].sort());
      expect(other.body.message).toMatch(/runs the model "rerankit-bm25"; the request named "rerank-v3\.5"/);

      for (const model of ["rerankit-bm25", undefined]) {
        const reply = await post(`${server.url}${route.path}`, route.body(model));
        expect(reply.status, String(model)).toBe(200);
        expect(reply.headers.get(LIST_DEPENDENT_HEADER), String(model)).toBe("true");
        // The Cohere form names the model in its reply (the DashScope forms carry none).
        if (route.path === "/v1/rerank") expect(reply.body.model).toBe("rerankit-bm25");
      }
    });
  }

  it("names the reranker's own model, not the request's, and says a pointwise reranker is not list-dependent", async () => {
    const pointwise = Object.assign(new WordCountReranker(), { model: "word-count", listDependent: false });
    const server = await serve({ reranker: pointwise });
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: "ok", model: "word-count", listDependent: false });
    const reply = await post(`${server.url}/v1/rerank`, { query: QUERY, documents: DOCUMENTS });
    expect(reply.body.model).toBe("word-count");
    expect(reply.headers.get(LIST_DEPENDENT_HEADER)).toBe("false");
    expect((await post(`${server.url}/v1/rerank`, { model: "rerankit-bm25", query: QUERY, documents: DOCUMENTS })).status).toBe(400);
  });

  it("the options win over the reranker, and a reranker that says nothing is taken as pointwise", async () => {
    const named = await serve({ reranker: new Bm25Reranker(), model: "my-bm25", listDependent: true });
    expect((await post(`${named.url}/v1/rerank`, { model: "my-bm25", query: QUERY, documents: DOCUMENTS })).body.model).toBe("my-bm25");
    const silent = await serve({ reranker: new WordCountReranker() });
    const reply = await post(`${silent.url}/v1/rerank`, { model: "anything", query: QUERY, documents: DOCUMENTS });
    expect(reply.status).toBe(200);
    expect(reply.headers.get(LIST_DEPENDENT_HEADER)).toBe("false");
  });

  it("a BM25 wrapped in a score cache (as `serve --memory-cache` / `--redis` runs it) is still named and still list-dependent", async () => {
    const server = await serve({ reranker: cachedReranker(new Bm25Reranker(), memoryScoreCache(), { listDependent: true }) });
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: "ok", model: "rerankit-bm25", listDependent: true });
    const reply = await post(`${server.url}/v1/rerank`, { query: QUERY, documents: DOCUMENTS });
    expect(reply.body.model).toBe("rerankit-bm25");
    expect(reply.headers.get(LIST_DEPENDENT_HEADER)).toBe("true");
    expect((await post(`${server.url}/v1/rerank`, { model: "rerank-v3.5", query: QUERY, documents: DOCUMENTS })).status).toBe(400);
  });
});
