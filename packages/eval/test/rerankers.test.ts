/** rerankerFromSpec: the API key is looked up in the client's order, the provider SDK's own variable included. */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rerankerFromSpec } from "../src/rerankers.js";

describe("rerankerFromSpec API keys", () => {
  const seen: IncomingHttpHeaders[] = [];
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results: [{ index: 0, relevance_score: 0.5 }] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it.each([
    ["the preset's variable first", { COHERE_API_KEY: "ours", CO_API_KEY: "sdk", RERANK_API_KEY: "generic" }, "ours"],
    ["then the provider SDK's (CO_API_KEY)", { CO_API_KEY: "sdk", RERANK_API_KEY: "generic" }, "sdk"],
    ["then RERANK_API_KEY", { RERANK_API_KEY: "generic" }, "generic"],
  ])("%s", async (_name, env, key) => {
    const { reranker } = rerankerFromSpec(`cohere:rerank-v3.5@${url}`, { env });
    await reranker.rerank({ query: "q", documents: ["d"] });
    expect(seen.at(-1)!.authorization).toBe(`Bearer ${key}`);
  });
});
