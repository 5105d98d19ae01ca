/**
 * The `rerankit` preset's cache confirmation (cache/served-model.ts) against a small server on
 * 127.0.0.1 that answers like `rerankit serve`: cached scores are served only when GET /health
 * names the model the call names; a /health that cannot say (a proxy's 404, no JSON) means every
 * document is sent (one warning per client), and another model is a RerankBadRequestError. Both
 * transports: the client's own undici Agent, and `fetch`.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { memoryScoreCache, RerankBadRequestError, RerankClient, type RerankClientOptions } from "../src/index.js";

interface Fake {
  url: string;
  /** What GET /health answers: a status and a body. */
  health: { status: number; body: string };
  /** The model the rerank route runs (it refuses another name, as `rerankit serve` does). */
  model: string;
  posts: number;
  gets: number;
  close(): Promise<void>;
}

const servers: Fake[] = [];
const clients: RerankClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function fake(model: string): Promise<Fake> {
  const state = { health: { status: 200, body: JSON.stringify({ status: "ok", model, listDependent: false }) }, model, posts: 0, gets: 0 };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      if (req.method === "GET" && req.url === "/health") {
        state.gets++;
        res.writeHead(state.health.status, { "content-type": "application/json" });
        res.end(state.health.body);
        return;
      }
      state.posts++;
      const request = JSON.parse(body) as { model?: string; documents: string[] };
      if (request.model !== undefined && request.model !== state.model) {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: `this server runs the model "${state.model}"` }));
        return;
      }
      // A pointwise score: the document's length.
      const results = request.documents.map((d, index) => ({ index, relevance_score: d.length }));
      res.writeHead(200, { "content-type": "application/json", "x-rerankit-list-dependent": "false" });
      res.end(JSON.stringify({ id: "r", model: state.model, results }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const f = Object.assign(state, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) as Fake;
  servers.push(f);
  return f;
}

const DOCUMENTS = ["a", "bbb", "cc"];

describe.each([
  ["undici", {}],
  ["fetch", { fetch: globalThis.fetch }],
] as [string, Partial<RerankClientOptions>][])("served-model confirmation through %s", (_name, transport) => {
  const client = (server: Fake, model: string, warnings: string[] = []) => {
    const c = new RerankClient({
      provider: "rerankit",
      baseURL: `${server.url}/v1`,
      model,
      cache: memoryScoreCache(),
      hooks: { onWarning: ({ message }) => warnings.push(message) },
      ...transport,
    });
    clients.push(c);
    return c;
  };

  it("serves hits after GET /health names the model, and asks again on every call with hits", async () => {
    const server = await fake("m1");
    const c = client(server, "m1");
    await c.rerank({ query: "q", documents: DOCUMENTS });
    expect(server.gets).toBe(0); // nothing cached: nothing to confirm
    for (let i = 1; i <= 2; i++) {
      const again = await c.rerank({ query: "q", documents: DOCUMENTS });
      expect(again.usage).toMatchObject({ requests: 0, cacheHits: 3 });
      expect(server.gets).toBe(i);
    }
    expect(server.posts).toBe(1);
  });

  it("a /health that names another model is a RerankBadRequestError, before any cached score is served", async () => {
    const server = await fake("m1");
    const c = client(server, "m1");
    await c.rerank({ query: "q", documents: DOCUMENTS });
    server.model = "m2";
    server.health = { status: 200, body: JSON.stringify({ status: "ok", model: "m2" }) };
    const error = await c.rerank({ query: "q", documents: DOCUMENTS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankBadRequestError);
    expect((error as Error).message).toMatch(/runs the model "m2" \(GET \/health\); the call named "m1"/);
    expect(server.posts).toBe(1);
  });

  it.each([
    ["a 404", { status: 404, body: "not found" }],
    ["a page that is not JSON", { status: 200, body: "<html>gateway</html>" }],
    ["JSON without a model", { status: 200, body: JSON.stringify({ status: "ok" }) }],
  ])("a /health giving %s: every document is sent (the server judges the name), one warning per client", async (_what, health) => {
    const server = await fake("m1");
    const warnings: string[] = [];
    const c = client(server, "m1", warnings);
    const first = await c.rerank({ query: "q", documents: DOCUMENTS });
    server.health = health;
    for (let i = 0; i < 2; i++) {
      const again = await c.rerank({ query: "q", documents: DOCUMENTS });
      expect(again.usage).toMatchObject({ requests: 1, cacheHits: 0, cacheMisses: 3 });
      expect(again.results).toEqual(first.results);
    }
    expect(server.posts).toBe(3);
    expect(warnings.filter((w) => w.includes("GET /health did not say"))).toHaveLength(1);
  });
});
