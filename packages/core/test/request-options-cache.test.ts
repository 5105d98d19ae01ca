/**
 * What a request's own options do to a call (issue 19 bug 3, issue 20 items 1 and 7), against a
 * real loopback server: the request's `extraBody` is in the cache key (no planted scores through a
 * shared cache), `scoreKind` follows it, and `extraBody` never replaces a field the call fills.
 * Also: per-call hooks hear the cache's warnings.
 */
import { describe, expect, it } from "vitest";
import { type ProviderId, providerIds } from "../src/presets.js";
import { getPreset, memoryScoreCache, RerankClient, RerankInputError, type ScoreCache } from "../src/index.js";
import { reservedFields } from "../src/providers/shared/extra-body.js";
import { closeAfterEach, json, startTestServer } from "./helpers/http.js";

const opened = closeAfterEach();

/** A TEI-form server: logits with `raw_scores: true`, probabilities otherwise (as TEI does). */
async function teiServer() {
  const server = await startTestServer((req, res) => {
    const body = req.json as { texts: string[]; raw_scores?: boolean };
    const results = body.texts.map((text, index) => {
      const p = 0.1 + (text.length % 7) / 10;
      return { index, score: body.raw_scores ? Math.log(p / (1 - p)) : p };
    });
    json(res, 200, results);
  });
  opened.servers.push(server);
  return server;
}

describe("a request's own extraBody", () => {
  it("is in the cache key: a tenant's raw_scores request plants nothing for another tenant's plain request", async () => {
    const server = await teiServer();
    const cache = memoryScoreCache();
    const client = new RerankClient({ provider: "tei", baseURL: server.url, model: "bge", cache });
    opened.clients.push(client);
    const documents = ["alpha", "beta gamma", "delta"];
    const raw = await client.rerank({ query: "q", documents, extraBody: { raw_scores: true } });
    expect(raw.scoreKind).toBe("logit");
    const plain = await client.rerank({ query: "q", documents });
    expect(plain.usage).toMatchObject({ requests: 1, cacheHits: 0 });
    expect(plain.scoreKind).toBe("probability");
    for (const r of plain.results) expect(r.relevanceScore).toBeGreaterThan(0);
    expect(plain.results.map((r) => r.relevanceScore)).not.toEqual(raw.results.map((r) => r.relevanceScore));
    // Each is then served from its own entries.
    const rawAgain = await client.rerank({ query: "q", documents, extraBody: { raw_scores: true } });
    expect(rawAgain.usage).toMatchObject({ requests: 0, cacheHits: 3 });
    expect(rawAgain.results).toEqual(raw.results);
    expect(rawAgain.scoreKind).toBe("logit");
    expect(server.requests.map((r) => (r.json as { raw_scores?: boolean }).raw_scores)).toEqual([true, undefined]);
  });

  it("sets scoreKind from the request's own fields over the client's", async () => {
    const server = await teiServer();
    const client = new RerankClient({ provider: "tei", baseURL: server.url, extraBody: { raw_scores: true } });
    opened.clients.push(client);
    expect((await client.rerank({ query: "q", documents: ["a"] })).scoreKind).toBe("logit");
    expect((await client.rerank({ query: "q", documents: ["a"], extraBody: { raw_scores: false } })).scoreKind).toBe("probability");
    expect((await client.rerank({ query: "q", documents: [], extraBody: { raw_scores: false } })).scoreKind).toBe("probability");
  });
});

/** A value for `providerIds` whose preset needs a base URL or a key. */
function clientFor(provider: ProviderId, extraBody?: Record<string, unknown>): RerankClient {
  return new RerankClient({ provider, baseURL: "http://127.0.0.1:9/v1", apiKey: "k", model: "m", ...(extraBody ? { extraBody } : {}) });
}

describe("extraBody keys the call fills itself", () => {
  const generic = ["query", "documents", "model", "top_n"];
  for (const provider of providerIds) {
    const dialect = getPreset(provider)!.dialect;
    const own = [...reservedFields(dialect)];
    it(`${provider}: ${own.join(", ")} are refused in the client's and the request's extraBody, naming the field`, async () => {
      for (const key of own) {
        expect(() => clientFor(provider, { [key]: "x" }), key).toThrow(RerankInputError);
        try {
          clientFor(provider, { [key]: "x" });
        } catch (error) {
          expect((error as RerankInputError).field).toBe(`extraBody.${key}`);
        }
        const client = clientFor(provider);
        opened.clients.push(client);
        const refused = await client.rerank({ query: "q", documents: ["a"], extraBody: { [key]: "x" } }).catch((e: unknown) => e);
        expect(refused, key).toBeInstanceOf(RerankInputError);
        expect((refused as RerankInputError).field).toBe(`extraBody.${key}`);
      }
    });
  }

  it("each dialect's own names for the fields are among them (found, not listed)", () => {
    const of = (p: ProviderId) => [...reservedFields(getPreset(p)!.dialect)];
    for (const p of providerIds) expect(of(p)).toEqual(expect.arrayContaining(generic));
    expect(of("tei")).toContain("texts");
    expect(of("dashscope")).toEqual(expect.arrayContaining(["input", "parameters"]));
    expect(of("voyage")).toContain("top_k");
    expect(of("mixedbread")).toEqual(expect.arrayContaining(["input", "top_k"]));
    expect(of("nvidia-nim")).toContain("passages");
    // A field that carries only the instruction is not one of them.
    expect(of("siliconflow")).not.toContain("instruction");
    expect(of("xinference")).not.toContain("kwargs");
    // A constant field is the caller's to change.
    expect(of("jina")).not.toContain("return_documents");
  });

  it("other keys go out as they are, before anything is refused", async () => {
    const server = await teiServer();
    const client = new RerankClient({ provider: "tei", baseURL: server.url, extraBody: { truncate: true } });
    opened.clients.push(client);
    await client.rerank({ query: "q", documents: ["a"], extraBody: { truncation_direction: "Left" } });
    expect(server.requests[0]!.json).toEqual({ query: "q", texts: ["a"], truncate: true, truncation_direction: "Left" });
  });
});

describe("per-call hooks", () => {
  it("hear the cache's warnings (a failing read and write), and the call still succeeds", async () => {
    const server = await teiServer();
    const broken: ScoreCache = {
      getMany: () => Promise.reject(new Error("cache down")),
      setMany: () => Promise.reject(new Error("cache still down")),
    };
    const client = new RerankClient({ provider: "tei", baseURL: server.url, model: "bge", cache: broken });
    opened.clients.push(client);
    const warnings: string[] = [];
    const response = await client.rerank({
      query: "q",
      documents: ["a", "b"],
      hooks: { onWarning: ({ message }) => warnings.push(message) },
    });
    expect(response.results).toHaveLength(2);
    expect(warnings).toEqual([expect.stringMatching(/read failed: cache down/), expect.stringMatching(/write failed: cache still down/)]);
  });
});
