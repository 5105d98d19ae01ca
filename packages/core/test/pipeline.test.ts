/**
 * The batch pipeline (bodies built ahead, workers started an event-loop turn apart): every batch
 * sent once, bodies intact; the first failure stops the rest and is the call's error; a
 * body that cannot be serialised fails the call before anything more is sent.
 */
import { describe, expect, it } from "vitest";
import { RerankClient, RerankResponseError } from "../src/index.js";
import { json, startTestServer, type TestServer, closeAfterEach } from "./helpers/http.js";

const { servers, clients } = closeAfterEach();

const scoreOf = (d: string) => Number(d.slice(1)) / 1000;

function client(server: TestServer, options: Partial<ConstructorParameters<typeof RerankClient>[0]> = {}) {
  const c = new RerankClient({ provider: "cohere", apiKey: "k", baseURL: `${server.url}/v2`, maxRetries: 0, ...options });
  clients.push(c);
  return c;
}

describe("batch pipeline", () => {
  it("sends every batch once, in list order, with its own documents, and ranks them all", async () => {
    const server = await startTestServer(async (req, res) => {
      const docs = (req.json as { documents: string[] }).documents;
      await new Promise((r) => setTimeout(r, 5));
      json(res, 200, { results: docs.map((d, index) => ({ index, relevance_score: scoreOf(d) })).reverse() });
    });
    servers.push(server);
    const documents = Array.from({ length: 95 }, (_, i) => `d${i}`);
    const response = await client(server, { maxDocumentsPerRequest: 10, concurrency: 3 }).rerank({ query: "q", documents });
    // Requests travel on up to three sockets, so the server may see them in any order: put them
    // back in list order by their first document, then each must be its own batch, intact.
    const sent = server.requests.map((r) => (r.json as { documents: string[] }).documents).sort((a, b) => scoreOf(a[0]!) - scoreOf(b[0]!));
    expect(sent.map((d) => d[0])).toEqual(Array.from({ length: 10 }, (_, b) => `d${b * 10}`));
    expect(sent.flat()).toEqual(documents);
    expect(response.results.map((r) => r.index)).toEqual(Array.from({ length: 95 }, (_, i) => 94 - i));
    expect(response.usage.requests).toBe(10);
  });

  it("stops at the first failed batch and rejects with its error", async () => {
    const server = await startTestServer(async (req, res) => {
      const docs = (req.json as { documents: string[] }).documents;
      if (docs[0] === "d20") return json(res, 200, { results: "broken" });
      // The other batches are never answered, so no second wave can start however slow the machine
      // is (a sleep here raced the failure); the client's close() in afterEach ends them.
      void res;
    });
    servers.push(server);
    const documents = Array.from({ length: 200 }, (_, i) => `d${i}`);
    const call = client(server, { maxDocumentsPerRequest: 10, concurrency: 4 }).rerank({ query: "q", documents });
    await expect(call).rejects.toBeInstanceOf(RerankResponseError);
    // Only first-wave batches went out (the fourth may not have started yet), the failing one among them.
    const firsts = server.requests.map((r) => (r.json as { documents: string[] }).documents[0]);
    expect(firsts).toContain("d20");
    for (const first of firsts) expect(["d0", "d10", "d20", "d30"]).toContain(first);
  });

  it("a body that cannot be serialised fails the call with its error", async () => {
    const server = await startTestServer((req, res) => {
      const docs = (req.json as { documents: string[] }).documents;
      json(res, 200, { results: docs.map((d, index) => ({ index, relevance_score: scoreOf(d) })) });
    });
    servers.push(server);
    const documents = Array.from({ length: 30 }, (_, i) => `d${i}`);
    const call = client(server, { maxDocumentsPerRequest: 10, extraBody: { big: 1n } }).rerank({ query: "q", documents });
    await expect(call).rejects.toThrow(/BigInt/);
    expect(server.requests).toHaveLength(0);
  });
});
