/**
 * The retry budget bounds load during an outage: 200 calls against a server that always answers
 * 503 send at most 200 × (1 + ratio) + the floor's tokens, where without a budget they send 600.
 */
import { RerankClient, RerankServerError } from "@rerankit/core";
import { describe, expect, it } from "vitest";
import { always, closeAfterEach, respond, startFaultServer } from "./fault-server.js";

const CALLS = 200;
const OK_BODY = JSON.stringify({
  results: [
    { index: 0, relevance_score: 0.7 },
    { index: 1, relevance_score: 0.1 },
  ],
});
const { servers, clients } = closeAfterEach();

async function outage(retryBudget: ConstructorParameters<typeof RerankClient>[0]["retryBudget"]) {
  const server = await startFaultServer(always(respond(503, '{"message":"overloaded"}')));
  servers.push(server);
  const client = new RerankClient({
    provider: "rerankit",
    baseURL: `${server.url}/v1`,
    maxRetries: 2,
    backoff: { initialDelayMs: 5, maxDelayMs: 20 },
    retryBudget,
  });
  clients.push(client);
  const started = performance.now();
  const outcomes = await Promise.allSettled(Array.from({ length: CALLS }, () => client.rerank({ query: "q", documents: ["a", "b"] })));
  const seconds = (performance.now() - started) / 1000;
  return { server, client, outcomes, seconds };
}

describe("retry budget", () => {
  it("without a budget, an outage triples the load: every call makes 1 + maxRetries requests", async () => {
    const { server, outcomes } = await outage(false);
    expect(outcomes.every((o) => o.status === "rejected" && o.reason instanceof RerankServerError)).toBe(true);
    expect(server.requests.length).toBe(CALLS * 3);
  });

  it.each([
    { ratio: 0.2, minRetriesPerSecond: 10 },
    { ratio: 0.1, minRetriesPerSecond: 2 },
  ])("with ratio $ratio and floor $minRetriesPerSecond/s, requests stay ≤ calls × (1 + ratio) + floor", async (budget) => {
    const { server, outcomes, seconds } = await outage(budget);
    expect(outcomes.every((o) => o.status === "rejected" && o.reason instanceof RerankServerError)).toBe(true);
    // The floor holds one second's worth and refills while the calls run.
    const bound = CALLS * (1 + budget.ratio) + budget.minRetriesPerSecond * (1 + seconds);
    expect(server.requests.length).toBeLessThanOrEqual(Math.floor(bound));
    expect(server.requests.length).toBeGreaterThanOrEqual(CALLS);
    const refused = outcomes.filter((o) => o.status === "rejected" && /retry budget is spent/.test(String((o.reason as Error).message)));
    expect(refused.length).toBeGreaterThan(0);
  });

  it("the default budget also bounds an outage, and calls succeed again once the server recovers", async () => {
    const { server, client, seconds } = await outage(undefined);
    expect(server.requests.length).toBeLessThanOrEqual(Math.floor(CALLS * 1.2 + 10 * (1 + seconds)));
    server.setScript(always(respond(200, OK_BODY)));
    const after = await Promise.all(Array.from({ length: 50 }, () => client.rerank({ query: "q", documents: ["a", "b"] })));
    expect(after.every((r) => r.results[0]!.index === 0 && r.usage.requests === 1)).toBe(true);
  });

  it("a lone call still gets its retries from the floor", async () => {
    const server = await startFaultServer((n) => (n <= 2 ? respond(503, "") : respond(200, OK_BODY)));
    servers.push(server);
    const client = new RerankClient({
      provider: "rerankit",
      baseURL: `${server.url}/v1`,
      maxRetries: 2,
      backoff: { initialDelayMs: 5, maxDelayMs: 20 },
    });
    clients.push(client);
    const response = await client.rerank({ query: "q", documents: ["a", "b"] });
    expect(response.usage.requests).toBe(3);
  });

  it("rejects a malformed budget option", () => {
    expect(() => new RerankClient({ provider: "rerankit", retryBudget: { ratio: -1 } })).toThrow(/retryBudget.ratio/);
    expect(() => new RerankClient({ provider: "rerankit", retryBudget: { minRetriesPerSecond: Number.NaN } })).toThrow(
      /minRetriesPerSecond/,
    );
  });
});
