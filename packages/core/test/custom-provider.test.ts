/** RerankClientOptions.provider as a CustomProvider: a dialect defined outside core, run with the client's transport and policy. */
import { describe, expect, it } from "vitest";
import { type CustomProvider, type Dialect, RerankClient, RerankInputError } from "../src/index.js";
import { closeAfterEach, json, startTestServer } from "./helpers/http.js";

const { servers, clients } = closeAfterEach();

/** A made-up wire format: `{ q, docs }` in, `{ scores: number[] }` out. */
const dialect: Dialect = {
  path: "/score",
  acceptsInstruct: false,
  buildBody: (request) => ({ m: request.model, q: request.query, docs: request.documents }),
  parseResponse: (body) => ({ results: (body as { scores: number[] }).scores.map((score, index) => ({ index, score })) }),
};
const custom: CustomProvider = {
  id: "my-api",
  label: "My API",
  dialect,
  requiresApiKey: false,
  maxDocumentsPerRequest: 2,
  scoreKind: "probability",
};

describe("a custom provider", () => {
  it("is sent through the client: its path and body, batches of its size, its id in the response", async () => {
    const s = await startTestServer((req, res) =>
      json(res, 200, { scores: (req.json as { docs: string[] }).docs.map((d) => d.length / 10) }),
    );
    servers.push(s);
    const c = new RerankClient({ provider: custom, baseURL: `${s.url}/v1`, model: "m1" });
    clients.push(c);
    const response = await c.rerank({ query: "q", documents: ["a", "bbb", "cc"] });
    expect(s.requests.map((r) => [r.url, r.json])).toEqual([
      ["/v1/score", { m: "m1", q: "q", docs: ["a", "bbb"] }],
      ["/v1/score", { m: "m1", q: "q", docs: ["cc"] }],
    ]);
    expect(response).toMatchObject({ provider: "my-api", scoreKind: "probability", usage: { requests: 2 } });
    expect(response.results.map((r) => r.index)).toEqual([1, 2, 0]);
    expect(c.provider).toBe("my-api");
  });

  it("an id that is blank or a preset's is an input error; a missing baseURL names no environment variable", () => {
    expect(() => new RerankClient({ provider: { ...custom, id: "cohere" }, baseURL: "http://127.0.0.1:1" })).toThrow(RerankInputError);
    expect(() => new RerankClient({ provider: { ...custom, id: " " }, baseURL: "http://127.0.0.1:1" })).toThrow(/custom provider's id/);
    expect(() => new RerankClient({ provider: custom, model: "m" })).toThrow(
      /My API is self-hosted: pass baseURL \(e\.g\. "http:\/\/127\.0\.0\.1:8080"\)\.$/,
    );
  });
});
