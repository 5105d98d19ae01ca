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
const request = fc.record(
  {
    query: anyValue,
    documents: anyValue,
    topN: anyValue,
    minScore: anyValue,
    instruct: anyValue,
    model: anyValue,
    returnDocuments: anyValue,
    signal: anyValue,
    timeoutMs: anyValue,
  },
  { requiredKeys: [] },
);

describe("request validation fast path", () => {
  it("accepts only requests the zod schema accepts", () => {
    fc.assert(
      fc.property(request, (r) => {
        if (plainlyValid(r as RerankRequest)) expect(requestSchema.safeParse(r).success).toBe(true);
      }),
      { numRuns: 3000 },
    );
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
