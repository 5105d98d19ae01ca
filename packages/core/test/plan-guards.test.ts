/**
 * The prepare stage's pure guards, as tables: when a list may not be split (a listwise model, or
 * a server that said its scores depend on the whole list), and when a call does not use the cache.
 */
import { describe, expect, it } from "vitest";
import { cacheBypass } from "../src/cache/step.js";
import { type CallPlan, listwiseGuard, prepareCall, type ServerFacts } from "../src/call/prepare.js";
import { RerankInputError } from "../src/errors.js";
import { resolveOptions } from "../src/internal/options.js";
import type { RerankClientOptions } from "../src/types.js";

const options = (o: Partial<RerankClientOptions>) =>
  resolveOptions({ provider: "rerankit", baseURL: "http://127.0.0.1:9/v1", ...o } as RerankClientOptions, {});

function plan(
  o: Partial<RerankClientOptions>,
  model: string | undefined,
  batches: number,
): { plan: CallPlan; o: ReturnType<typeof options> } {
  const resolved = options(o);
  const p = prepareCall({ query: "q", documents: ["a", "b"], ...(model === undefined ? {} : { model }) }, ["a", "b"], resolved);
  p.batches = Array.from({ length: batches }, (_, i) => [i]);
  return { plan: p, o: resolved };
}

describe("listwiseGuard", () => {
  const facts = (listDependent: boolean | undefined): ServerFacts => ({ listDependent });
  it.each([
    ["one request, list-dependent server", {}, "m", 1, facts(true), false],
    ["two requests, list-dependent server", {}, "m", 2, facts(true), true],
    ["two requests, list-dependent server, split allowed", { allowListwiseSplit: true }, "m", 2, facts(true), false],
    ["two requests, pointwise server", {}, "m", 2, facts(false), false],
    ["two requests, server not heard from yet", {}, "m", 2, facts(undefined), false],
    ["two requests, no model named", {}, undefined, 2, facts(undefined), false],
  ] as const)("%s → refused: %s", (_name, o, model, batches, f, refused) => {
    const { plan: p, o: resolved } = plan(o, model, batches);
    const run = () => listwiseGuard(p, resolved, f);
    if (refused) expect(run).toThrow(RerankInputError);
    else expect(run).not.toThrow();
  });

  it("names a listwise model of the preset (jina-reranker-v3), whatever the server said", () => {
    const resolved = resolveOptions({ provider: "jina", apiKey: "k", model: "jina-reranker-v3" }, {});
    const p = prepareCall({ query: "q", documents: ["a", "b"] }, ["a", "b"], resolved);
    p.batches = [[0], [1]];
    expect(() => listwiseGuard(p, resolved, { listDependent: false })).toThrow(/jina-reranker-v3 is listwise/);
    p.batches = [[0, 1]];
    expect(() => listwiseGuard(p, resolved, { listDependent: false })).not.toThrow();
  });
});

describe("cacheBypass", () => {
  it.each([
    ["the rerankit preset without a model", undefined, /no model is named/],
    ["the rerankit preset with a model", "rerankit-bm25", undefined],
  ] as const)("%s", (_name, model, expected) => {
    const { plan: p, o } = plan({}, model, 1);
    const bypass = cacheBypass(o, p);
    if (expected === undefined) expect(bypass).toBeUndefined();
    else expect(bypass).toMatch(expected);
  });

  it("a listwise model bypasses the cache without a warning", () => {
    const o = resolveOptions({ provider: "jina", apiKey: "k", model: "jina-reranker-v3" }, {});
    expect(cacheBypass(o, prepareCall({ query: "q", documents: ["a"] }, ["a"], o))).toBe("");
  });
});
