/**
 * Properties of whole rerank() calls over real HTTP: any garbage request is a RerankInputError or a
 * valid call; duplicates are sent once and every copy gets its text's score; and whatever bytes a
 * server answers, only a RerankError escapes and no prototype is polluted.
 */
import { RerankClient, RerankError, RerankInputError, type RerankResponse } from "@rerankit/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { candidateFamilies, coveredFamilies } from "../faults/families.js";
import { type FaultServer, type RecordedRequest, respond, startFaultServer } from "../faults/fault-server.js";

/** A deterministic score in [0, 1) for a text. */
function scoreOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) / 2 ** 32;
}

/** The documents of a Cohere-form request body. */
function sentDocuments(recorded: RecordedRequest): string[] {
  return (JSON.parse(recorded.body) as { documents: string[] }).documents;
}

function expectValidResponse(response: RerankResponse, size: number) {
  const seen = new Set<number>();
  let previous = Number.POSITIVE_INFINITY;
  for (const r of response.results) {
    expect(Number.isInteger(r.index) && r.index >= 0 && r.index < size).toBe(true);
    expect(seen.has(r.index)).toBe(false);
    seen.add(r.index);
    expect(Number.isFinite(r.relevanceScore)).toBe(true);
    expect(r.relevanceScore).toBeLessThanOrEqual(previous);
    previous = r.relevanceScore;
  }
}

function expectNoPollution() {
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.keys(Array.prototype)).toEqual([]);
}

let scorer: FaultServer;
let client: RerankClient;
beforeAll(async () => {
  scorer = await startFaultServer((_n, recorded) => {
    const docs = sentDocuments(recorded);
    const results = docs.map((d, index) => ({ index, relevance_score: scoreOf(d) }));
    return respond(200, JSON.stringify({ results }));
  });
  client = new RerankClient({ provider: "rerankit", baseURL: `${scorer.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await client.close();
  await scorer.close();
});

const garbage = fc.oneof(
  fc.anything(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 0, 0.5, 1e308, "", " ", "\u0000", null, [], {}),
  fc.constant(JSON.parse('{"__proto__":{"polluted":"yes"},"text":"x"}') as unknown),
);
/** Mostly valid, sometimes garbage: so that both refusals and answered calls are common. */
const mostly = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: garbage, weight: 1 });
const documentGarbage = fc.oneof(
  { arbitrary: garbage, weight: 1 },
  {
    arbitrary: fc.array(
      mostly(fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.record({ text: mostly(fc.string({ minLength: 1, maxLength: 8 })) }))),
      { maxLength: 8 },
    ),
    weight: 6,
  },
);

describe("input validation", () => {
  it("any request is either refused with a RerankInputError or answered validly", async () => {
    const seen = { answered: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            query: mostly(fc.string({ maxLength: 10 })),
            documents: documentGarbage,
            topN: mostly(fc.integer({ min: 1, max: 10 })),
            minScore: mostly(fc.double({ min: 0, max: 1, noNaN: true })),
            instruct: mostly(fc.string({ minLength: 1, maxLength: 6 })),
            model: mostly(fc.string({ minLength: 1, maxLength: 6 })),
            returnDocuments: mostly(fc.boolean()),
          },
          { requiredKeys: [] },
        ),
        async (request) => {
          let outcome: unknown;
          try {
            const response = await client.rerank(request as never);
            expectValidResponse(response, (request as { documents: unknown[] }).documents.length);
            seen.answered++;
          } catch (error) {
            outcome = error;
          }
          if (outcome !== undefined) {
            if (!(outcome instanceof RerankInputError)) throw outcome;
            expect(outcome.field).toMatch(/^[\w.[\]]+$/);
            seen.refused++;
          }
          expectNoPollution();
        },
      ),
      { numRuns: 300 },
    );
    // Both branches were exercised (the property is not vacuous).
    expect(seen.answered).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });

  it("refuses non-object requests", async () => {
    for (const request of [undefined, null, 1, "q", [], () => 0]) {
      await expect(client.rerank(request as never)).rejects.toBeInstanceOf(RerankInputError);
    }
  });
});

describe("de-duplication through a real call", () => {
  it("sends each distinct text once and gives every copy its text's score", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.constantFrom("apple", "pear", "同一段", "kiwi "),
            fc.constantFrom("apple", "pear").map((text) => ({ text, id: text.length })),
          ),
          { minLength: 1, maxLength: 30 },
        ),
        fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
        async (documents, topN) => {
          const before = scorer.requests.length;
          const response = await client.rerank({ query: "fruit", documents, topN, returnDocuments: true });
          const texts = documents.map((d) => (typeof d === "string" ? d : d.text));
          const sent = scorer.requests.slice(before).flatMap(sentDocuments);
          expect(sent.slice().sort()).toEqual([...new Set(texts)].sort());
          expect(response.results.length).toBe(Math.min(topN ?? documents.length, documents.length));
          expectValidResponse(response, documents.length);
          for (const r of response.results) {
            expect(r.relevanceScore).toBe(scoreOf(texts[r.index]!));
            expect(r.document).toBe(documents[r.index]);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("response reader fuzz", () => {
  const families = coveredFamilies();
  let server: FaultServer;
  let payload: { status: number; body: Buffer } = { status: 200, body: Buffer.alloc(0) };
  beforeAll(async () => {
    server = await startFaultServer(() => (res) => {
      res.writeHead(payload.status, { "content-type": "application/json", "content-length": payload.body.length });
      res.end(payload.body);
    });
  });
  afterAll(() => server.close());

  const item = fc.record({
    index: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.double(), garbage),
    score: fc.oneof(fc.double({ min: -5, max: 5 }), garbage),
  });
  const hostile = fc.constantFrom(
    '{"__proto__":{"polluted":"yes"},"results":[{"index":0,"relevance_score":1,"__proto__":{"polluted":"yes"}}]}',
    '{"constructor":{"prototype":{"polluted":"yes"}},"results":[]}',
    '[{"index":0,"score":1,"__proto__":{"polluted":"yes"}}]',
    '{"output":{"results":[{"index":0,"relevance_score":1}],"__proto__":{"polluted":"yes"}}}',
    '{"results":[{"index":0,"relevance_score":1e999}]}',
    '{"results":[{"index":1e999,"relevance_score":1}]}',
    '{"data":[{"index":"0","score":"1"}]}',
    '{"rankings":[{"index":0,"logit":NaN}]}',
    '\uFEFF{"results":[]}',
  );

  for (const { family, provider } of families) {
    it(`${family.name} (as ${provider}): only RerankErrors escape, nothing is polluted`, async () => {
      const c = new RerankClient({ provider, apiKey: "sk-fuzz", model: "m", baseURL: `${server.url}/v1`, maxRetries: 0, timeoutMs: 5_000 });
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.oneof(
              fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
              fc.json().map((s) => Buffer.from(s)),
              fc.array(item, { maxLength: 6 }).map((items) => Buffer.from(family.body(items))),
              fc
                .constantFrom(...candidateFamilies)
                .chain((f) => fc.array(item, { maxLength: 4 }).map((items) => Buffer.from(f.body(items)))),
              hostile.map((s) => Buffer.from(s)),
            ),
            fc.constantFrom(200, 200, 200, 201, 204, 400, 401, 404, 413, 422, 429, 500, 503),
            async (body, status) => {
              payload = { status, body };
              try {
                const response = await c.rerank({ query: "q", documents: ["a", "b", "c"] });
                expect(status).toBeGreaterThanOrEqual(200);
                expect(status).toBeLessThan(300);
                expectValidResponse(response, 3);
                expect(response.results.length).toBe(3);
              } catch (error) {
                if (!RerankError.isInstance(error)) throw error;
              }
              expectNoPollution();
            },
          ),
          { numRuns: 150 },
        );
      } finally {
        await c.close();
      }
    });
  }
});
