/**
 * The hand-written fast path of request validation never lets through a request that the zod
 * schema would refuse (so skipping zod for it changes no error), and it takes the common valid
 * requests itself.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plainlyValid, requestSchema } from "../src/internal/validate.js";
import type { RerankRequest } from "../src/types.js";

const anyValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.string({ maxLength: 3 }),
  fc.double(),
  fc.integer({ min: -3, max: 5 }),
  fc.constantFrom(0, -0, 1.5, Infinity, -Infinity, NaN, 2 ** 60, Number.MAX_SAFE_INTEGER),
  fc.constant(new AbortController().signal),
  fc.array(fc.string({ maxLength: 2 }), { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
);
// Each field is usually valid (or absent) and sometimes anything at all, with the edge values next
// to each rule (0, -0, 2^60, NaN, "", an array for an object), so that most generated requests
// pass the fast path's guard and the property below actually compares it with zod.
const field = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: anyValue });
const validDocuments = fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.record({ text: fc.string({ maxLength: 3 }) })), { maxLength: 3 });
const request = fc.record(
  {
    query: field(fc.string({ maxLength: 3 })),
    documents: field(validDocuments),
    topN: field(fc.integer({ min: 1, max: 5 })),
    minScore: field(fc.double({ noNaN: true, noDefaultInfinity: true })),
    instruct: field(fc.string({ minLength: 1, maxLength: 3 })),
    model: field(fc.string({ minLength: 1, maxLength: 3 })),
    returnDocuments: field(fc.boolean()),
    signal: field(fc.constant(new AbortController().signal)),
    timeoutMs: field(fc.double({ min: Number.MIN_VALUE, max: 1e9, noNaN: true })),
    extraBody: field(fc.dictionary(fc.string({ maxLength: 2 }), fc.integer(), { maxKeys: 2 })),
    hooks: field(fc.constant({})),
  },
  { requiredKeys: [] },
);

describe("request validation fast path", () => {
  it("accepts only requests the zod schema accepts", () => {
    let taken = 0;
    let refused = 0;
    fc.assert(
      fc.property(request, (r) => {
        if (plainlyValid(r as RerankRequest)) {
          taken++;
          expect(requestSchema.safeParse(r).success).toBe(true);
        } else refused++;
      }),
      { numRuns: 3000 },
    );
    // The property only says something when the guard is reached: both branches, many times.
    // (Each field is valid with probability above 6/7, so about a fifth of the requests pass.)
    expect(taken).toBeGreaterThan(300);
    expect(refused).toBeGreaterThan(300);
  });

  it("accepts every option set to a valid value", () => {
    const full: RerankRequest = {
      query: "q",
      documents: ["a", { text: "b" }],
      topN: 1,
      minScore: -2.5,
      instruct: "Given a question, find passages that answer it",
      model: "m",
      returnDocuments: true,
      signal: new AbortController().signal,
      timeoutMs: 1500,
    };
    expect(plainlyValid(full)).toBe(true);
    expect(plainlyValid({ query: "", documents: [] })).toBe(true);
  });
});
