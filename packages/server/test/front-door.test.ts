/** What a user sees from the server at the edges: a refused Host, an empty list, a model that cannot load. */
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { RerankInputError, type RerankRequest } from "@rerankit/core";
import { CrossEncoderReranker } from "@rerankit/transformers";
import { afterEach, describe, expect, it } from "vitest";
import { type RerankServer, startRerankServer } from "../src/index.js";
import { WordCountReranker } from "./helpers.js";

const servers: RerankServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: Parameters<typeof startRerankServer>[0] = {}): Promise<RerankServer> {
  const server = await startRerankServer(options);
  servers.push(server);
  return server;
}

/** POST /v1/rerank with an explicit Host header (fetch will not send one of our choosing). */
function post(server: RerankServer, body: unknown, host?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${server.url}/v1/rerank`,
      { method: "POST", headers: { "content-type": "application/json", ...(host ? { host } : {}) } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> }));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

describe("a Host the server does not answer to", () => {
  it("gets a 403 that names --allowed-host with that host", async () => {
    const server = await start();
    const { status, json } = await post(server, { query: "q", documents: ["a"] }, "rebind.example:8787");
    expect(status).toBe(403);
    expect(JSON.stringify(json)).toContain("--allowed-host rebind.example");
    expect(JSON.stringify(json)).toContain("allowedHosts");
  });
});

describe("an empty documents list", () => {
  it("names the same model as a reply with documents (the default BM25 server)", async () => {
    const server = await start();
    const full = await post(server, { query: "q", documents: ["a q", "b"] });
    const empty = await post(server, { query: "q", documents: [] });
    expect(full.status).toBe(200);
    expect(empty.status).toBe(200);
    expect(empty.json.results).toEqual([]);
    expect(full.json.model).toBe("rerankit-bm25");
    expect(empty.json.model).toBe(full.json.model);
  });

  it("names the same model as a reply with documents (a custom reranker)", async () => {
    const server = await start({ reranker: new WordCountReranker() });
    const full = await post(server, { query: "q", documents: ["a"] });
    const empty = await post(server, { query: "q", documents: [] });
    expect(empty.json.model).toBe("word-count");
    expect(empty.json.model).toBe(full.json.model);
  });
});

describe("a reranker that loads a model", () => {
  it("is loaded before startRerankServer resolves", async () => {
    const events: string[] = [];
    const reranker = Object.assign(new WordCountReranker(), {
      async load() {
        events.push("load");
      },
    });
    const original = reranker.rerank.bind(reranker);
    reranker.rerank = async (request: RerankRequest) => {
      events.push("rerank");
      return original(request);
    };
    await start({ reranker });
    expect(events).toEqual(["load"]);
  });

  it("that cannot load fails the start, like rerankit serve --model (no server answering 400s)", async () => {
    const folder = join(tmpdir(), "rerankit-no-such-model-folder");
    const error = await start({ reranker: new CrossEncoderReranker({ model: folder }) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankInputError);
    expect((error as Error).message).toContain(folder);
    expect(servers).toHaveLength(0);
  });
});
