/**
 * The hand-written readers of well-formed replies never accept a body that the dialect's zod
 * schema refuses, and read what they accept exactly as the zod path does (so skipping zod for them
 * changes no result and no error). Bodies are arbitrary values and near-valid replies with wrong
 * types mixed in.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mixedbread, mixedbreadResponseSchema } from "../src/providers/mixedbread.js";
import { readResultsBody, readResultsFast, readTokens, resultsResponseSchema } from "../src/providers/shared/results.js";
import { tei, teiResponseSchema } from "../src/providers/tei.js";
import { voyage, voyageResponseSchema } from "../src/providers/voyage.js";

const odd = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.string({ maxLength: 3 }),
  fc.constantFrom(0, -0, 1.5, -2, Infinity, -Infinity, NaN, 2 ** 60),
  fc.double(),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
);
/** A number most of the time, anything now and then. */
const num = fc.oneof(
  { weight: 4, arbitrary: fc.double() },
  { weight: 4, arbitrary: fc.integer({ min: -1, max: 60 }) },
  { weight: 1, arbitrary: odd },
);
const str = fc.oneof({ weight: 4, arbitrary: fc.string({ maxLength: 4 }) }, { weight: 1, arbitrary: odd });
const counts = (keys: string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.record(Object.fromEntries(keys.map((k) => [k, num])), { requiredKeys: [] }) },
    { weight: 1, arbitrary: odd },
  );
const item = (scoreKey: string) =>
  fc.oneof({ weight: 8, arbitrary: fc.record({ index: num, [scoreKey]: num }, { requiredKeys: [] }) }, { weight: 1, arbitrary: odd });
const list = (scoreKey: string) =>
  fc.oneof({ weight: 6, arbitrary: fc.array(item(scoreKey), { maxLength: 5 }) }, { weight: 1, arbitrary: odd });

const resultsBody = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record(
      {
        id: str,
        request_id: str,
        results: list("relevance_score"),
        usage: counts(["total_tokens", "prompt_tokens", "input_tokens"]),
        tokens: counts(["input_tokens"]),
        meta: fc.oneof(fc.record({ billed_units: counts(["search_units"]), tokens: counts(["input_tokens"]) }, { requiredKeys: [] }), odd),
      },
      { requiredKeys: ["results"] },
    ),
  },
  { weight: 1, arbitrary: odd },
);

function zodResults(body: unknown) {
  const parsed = resultsResponseSchema.parse(body);
  return {
    results: parsed.results.map((r) => ({ index: r.index, score: r.relevance_score })),
    totalTokens: readTokens(parsed),
    searchUnits: parsed.meta?.billed_units?.search_units ?? undefined,
    requestId: parsed.request_id ?? parsed.id ?? undefined,
  };
}

describe("fast reply readers", () => {
  it("Cohere-family reader: accepts only what zod accepts, and reads it the same", () => {
    let fast = 0;
    fc.assert(
      fc.property(resultsBody, (body) => {
        const got = readResultsFast(body);
        const zod = resultsResponseSchema.safeParse(body);
        if (got !== undefined) {
          fast++;
          expect(zod.success).toBe(true);
          expect(got).toEqual(zodResults(body));
        }
        // The public reader: the same answer as zod, or zod's own error.
        if (zod.success) expect(readResultsBody(body)).toEqual(zodResults(body));
        else expect(() => readResultsBody(body)).toThrow();
      }),
      { numRuns: 4000 },
    );
    expect(fast).toBeGreaterThan(100); // the generator does reach the fast path
  });

  it("takes a typical reply on the fast path", () => {
    const body = {
      id: "r1",
      results: [
        { index: 1, relevance_score: 0.9 },
        { index: 0, relevance_score: 0.1 },
      ],
      meta: { api_version: { version: "2" }, billed_units: { search_units: 1 } },
    };
    expect(readResultsFast(body)).toEqual({
      results: [
        { index: 1, score: 0.9 },
        { index: 0, score: 0.1 },
      ],
      totalTokens: undefined,
      searchUnits: 1,
      requestId: "r1",
    });
    expect(readResultsFast({ ...body, results: [{ index: 0, relevance_score: "0.5" }] })).toBeUndefined();
  });

  it("TEI, Voyage and Mixedbread readers: the same answers as their zod schemas, or an error where zod refuses", () => {
    const cases = [
      {
        dialect: tei,
        body: fc.oneof({ weight: 6, arbitrary: list("score") }, { weight: 1, arbitrary: odd }),
        zod: (b: unknown) => ({
          results: teiResponseSchema.parse(b).map((r) => ({ index: r.index, score: r.score })),
          totalTokens: undefined,
        }),
        safe: (b: unknown) => teiResponseSchema.safeParse(b).success,
      },
      {
        dialect: voyage,
        body: fc.oneof(
          {
            weight: 6,
            arbitrary: fc.record({ data: list("relevance_score"), usage: counts(["total_tokens"]) }, { requiredKeys: ["data"] }),
          },
          { weight: 1, arbitrary: odd },
        ),
        zod: (b: unknown) => {
          const p = voyageResponseSchema.parse(b);
          return {
            results: p.data.map((r) => ({ index: r.index, score: r.relevance_score })),
            totalTokens: p.usage?.total_tokens ?? undefined,
          };
        },
        safe: (b: unknown) => voyageResponseSchema.safeParse(b).success,
      },
      {
        dialect: mixedbread,
        body: fc.oneof(
          {
            weight: 6,
            arbitrary: fc.record({ data: list("score"), usage: counts(["total_tokens", "prompt_tokens"]) }, { requiredKeys: ["data"] }),
          },
          { weight: 1, arbitrary: odd },
        ),
        zod: (b: unknown) => {
          const p = mixedbreadResponseSchema.parse(b);
          return {
            results: p.data.map((r) => ({ index: r.index, score: r.score })),
            totalTokens: p.usage?.total_tokens ?? p.usage?.prompt_tokens ?? undefined,
          };
        },
        safe: (b: unknown) => mixedbreadResponseSchema.safeParse(b).success,
      },
    ];
    for (const c of cases) {
      fc.assert(
        fc.property(c.body, (body) => {
          if (c.safe(body)) expect(c.dialect.parseResponse(body, {})).toEqual(c.zod(body));
          else expect(() => c.dialect.parseResponse(body, {})).toThrow();
        }),
        { numRuns: 1500 },
      );
    }
  });
});
