/**
 * Per-call hooks (`RerankRequest.hooks`): on a shared client, each call's hooks see that call
 * only, after the client's own; a per-call hook that throws never breaks its call. Real HTTP to
 * a local server that answers 503 to the first request for one query, then 200.
 */
import { describe, expect, it } from "vitest";
import { RerankClient, type RerankHooks } from "../src/index.js";
import { closeAfterEach, cohereReply, json, startTestServer } from "./helpers/http.js";

const { servers, clients } = closeAfterEach();

/** 503 for the first request whose query is `flaky`, the Cohere form (first document best) otherwise. */
async function flakyServer() {
  let failed = false;
  const ok = cohereReply((_text, index) => 1 - index / 10);
  const server = await startTestServer((req, res, n) => {
    const query = (req.json as { query: string }).query;
    if (query === "flaky" && !failed) {
      failed = true;
      json(res, 503, { message: "busy" });
      return;
    }
    return ok(req, res, n);
  });
  servers.push(server);
  return server;
}

type Seen = { hook: string; call: string; attempt?: number; status?: number };

function recorder(seen: Seen[]): RerankHooks {
  return {
    onCallStart: ({ call }) => void seen.push({ hook: "onCallStart", call: call.id }),
    onRequest: ({ call, attempt }) => void seen.push({ hook: "onRequest", call: call.id, attempt }),
    onResponse: ({ call, attempt, status }) => void seen.push({ hook: "onResponse", call: call.id, attempt, status }),
    onRetry: ({ call, attempt }) => void seen.push({ hook: "onRetry", call: call.id, attempt }),
    onResult: ({ call }) => void seen.push({ hook: "onResult", call: call.id }),
    onError: ({ call }) => void seen.push({ hook: "onError", call: call.id }),
  };
}

describe("RerankRequest.hooks", () => {
  it("fire only for their own call on a shared client, beside the client's hooks", async () => {
    const server = await flakyServer();
    const clientSeen: Seen[] = [];
    const client = new RerankClient({
      provider: "rerankit",
      baseURL: `${server.url}/v1`,
      backoff: { initialDelayMs: 1, maxDelayMs: 1 },
      hooks: recorder(clientSeen),
    });
    clients.push(client);
    const flakySeen: Seen[] = [];
    const steadySeen: Seen[] = [];
    const documents = ["a", "b", "c"];
    const [flaky, steady] = await Promise.all([
      client.rerank({ query: "flaky", documents, hooks: recorder(flakySeen) }),
      client.rerank({ query: "steady", documents, hooks: recorder(steadySeen) }),
    ]);
    expect(flaky.usage.requests).toBe(2);
    expect(steady.usage.requests).toBe(1);

    const flakyId = flakySeen[0]!.call;
    const steadyId = steadySeen[0]!.call;
    expect(flakyId).not.toBe(steadyId);
    expect(flakySeen.every((e) => e.call === flakyId)).toBe(true);
    expect(steadySeen.every((e) => e.call === steadyId)).toBe(true);
    expect(flakySeen.map(({ call: _, ...e }) => e)).toEqual([
      { hook: "onCallStart" },
      { hook: "onRequest", attempt: 1 },
      { hook: "onResponse", attempt: 1, status: 503 },
      { hook: "onRetry", attempt: 1 },
      { hook: "onRequest", attempt: 2 },
      { hook: "onResponse", attempt: 2, status: 200 },
      { hook: "onResult" },
    ]);
    expect(steadySeen.map(({ call: _, ...e }) => e)).toEqual([
      { hook: "onCallStart" },
      { hook: "onRequest", attempt: 1 },
      { hook: "onResponse", attempt: 1, status: 200 },
      { hook: "onResult" },
    ]);
    // The client's hooks saw both calls, every event of each.
    expect(clientSeen.filter((e) => e.call === flakyId)).toEqual(flakySeen);
    expect(clientSeen.filter((e) => e.call === steadyId)).toEqual(steadySeen);
    expect(clientSeen).toHaveLength(flakySeen.length + steadySeen.length);

    // A later call without per-call hooks: the client's hooks only.
    const before = flakySeen.length + steadySeen.length;
    await client.rerank({ query: "steady", documents });
    expect(flakySeen.length + steadySeen.length).toBe(before);
    expect(clientSeen.length).toBe(before + 4);
  });

  it("work on a client with no hooks of its own, and a throwing one never breaks the call", async () => {
    const server = await flakyServer();
    const client = new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1`, backoff: { initialDelayMs: 1, maxDelayMs: 1 } });
    clients.push(client);
    const warnings: string[] = [];
    const retries: number[] = [];
    const response = await client.rerank({
      query: "flaky",
      documents: ["a", "b"],
      hooks: {
        onRequest: () => {
          throw new Error("tracer down");
        },
        onRetry: ({ attempt }) => void retries.push(attempt),
        onWarning: ({ message }) => void warnings.push(message),
      },
    });
    expect(response.results.map((r) => r.index)).toEqual([0, 1]);
    expect(retries).toEqual([1]);
    // Reported once (the second attempt's throw is dropped), through the call's own onWarning.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("the onRequest hook threw (tracer down)");
  });

  it("must be an object: a RerankInputError naming hooks, before any request", async () => {
    const server = await flakyServer();
    const client = new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1` });
    clients.push(client);
    await expect(client.rerank({ query: "q", documents: ["a"], hooks: "nope" as unknown as RerankHooks })).rejects.toMatchObject({
      name: "RerankInputError",
      field: "hooks",
      message: "Invalid rerank request: hooks must be an object of hook functions.",
    });
    expect(server.requests).toHaveLength(0);
  });
});
