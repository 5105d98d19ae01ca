/** Hooks: each stage fires its event, a throwing hook never breaks a call, sets combine, DEBUG=rerankit logs. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { combineHooks, RerankClient, type RerankClientOptions, type RerankHooks, RerankServerError } from "../src/index.js";
import { debugEnabled, resolveHooks } from "../src/hooks.js";
import { closeAfterEach, cohereReply, json, type Reply, startTestServer } from "./helpers/http.js";

const { servers, clients } = closeAfterEach();
const KEY = "sk-canary-hooks-0123456789";

async function setup(reply: Reply, options: Partial<RerankClientOptions> = {}) {
  const server = await startTestServer(reply);
  servers.push(server);
  const client = new RerankClient({
    provider: "siliconflow",
    apiKey: KEY,
    baseURL: `${server.url}/v1`,
    backoff: { initialDelayMs: 1, maxDelayMs: 1 },
    ...options,
  });
  clients.push(client);
  return { server, client };
}

/** Records every event by hook name. */
function recorder() {
  const events: [string, Record<string, unknown>][] = [];
  const hooks: RerankHooks = {};
  for (const name of ["onCallStart", "onRequest", "onResponse", "onRetry", "onResult", "onError", "onWarning"] as const) {
    hooks[name] = (event: never) => void events.push([name, event]);
  }
  return { events, hooks };
}

afterEach(() => vi.unstubAllEnvs());

describe("hooks", () => {
  it("fire at each stage of a call with a retry, in order, and the url carries no key", async () => {
    const score = cohereReply((text) => text.length);
    const { client } = await setup(
      (req, res, n) => (n === 1 ? json(res, 503, { message: "busy" }, { "x-request-id": "req-1" }) : score(req, res, n)),
      { hooks: recorder().hooks },
    );
    const { events, hooks } = recorder();
    const c = new RerankClient({
      provider: "siliconflow",
      apiKey: KEY,
      baseURL: client.baseURL,
      backoff: { initialDelayMs: 1, maxDelayMs: 1 },
      hooks,
    });
    clients.push(c);
    const response = await c.rerank({ query: "q", documents: ["a", "bbb"], topN: 1 });
    expect(events.map(([name]) => name)).toEqual([
      "onCallStart",
      "onRequest",
      "onResponse",
      "onRetry",
      "onRequest",
      "onResponse",
      "onResult",
    ]);
    const call = events[0]![1].call as { id: string; provider: string; model: string; documents: number; topN?: number };
    expect(call).toMatchObject({ provider: "siliconflow", model: "BAAI/bge-reranker-v2-m3", documents: 2, topN: 1 });
    for (const [, event] of events) expect(event.call).toBe(call);
    expect(events[1]![1]).toMatchObject({ attempt: 1, batch: 0, documents: 2, url: `${client.baseURL}/rerank` });
    expect(events[2]![1]).toMatchObject({ attempt: 1, batch: 0, status: 503, requestId: "req-1" });
    expect(events[2]![1].durationMs).toBeGreaterThanOrEqual(0);
    expect(events[3]![1]).toMatchObject({ attempt: 1, batch: 0 });
    expect(events[3]![1].error).toBeInstanceOf(RerankServerError);
    expect(events[4]![1]).toMatchObject({ attempt: 2 });
    expect(events[6]![1].response).toBe(response);
    expect(JSON.stringify(events)).not.toContain(KEY);
  });

  it("show a url with a key in its query string redacted", async () => {
    const { events, hooks } = recorder();
    const { server } = await setup(cohereReply((text) => text.length));
    const c = new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1?api_key=${KEY}&region=eu`, hooks });
    clients.push(c);
    await c.rerank({ query: "q", documents: ["a"] });
    expect(server.requests[0]!.url).toContain(KEY); // the request itself still carries it
    const url = events.find(([name]) => name === "onRequest")![1].url as string;
    expect(url).toBe(`${server.url}/v1/rerank?api_key=[redacted]&region=eu`);
  });

  it("report the error a call rejects with", async () => {
    const { events, hooks } = recorder();
    const { client } = await setup((_req, res) => json(res, 400, { message: "bad" }), { hooks });
    const error = await client.rerank({ query: "q", documents: ["a"] }).catch((e: unknown) => e);
    expect(events.map(([name]) => name)).toEqual(["onCallStart", "onRequest", "onResponse", "onError"]);
    expect(events[3]![1].error).toBe(error);
  });

  it("never break the call when one throws: reported once through onWarning", async () => {
    const warnings: string[] = [];
    const hooks: RerankHooks = {
      onRequest() {
        throw new Error("boom");
      },
      onWarning: ({ message }) => void warnings.push(message),
    };
    const { client } = await setup(
      cohereReply((text) => text.length),
      { hooks },
    );
    const first = await client.rerank({ query: "q", documents: ["a", "bb"] });
    await client.rerank({ query: "q", documents: ["a", "bb"] });
    expect(first.results.map((r) => r.index)).toEqual([1, 0]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/onRequest hook threw \(boom\)/);
  });

  it("combine: every set runs, even after one throws", () => {
    const seen: string[] = [];
    const combined = combineHooks(
      { onRetry: () => void seen.push("a") },
      undefined,
      {
        onRetry: () => {
          seen.push("b");
          throw new Error("b failed");
        },
      },
      { onRetry: () => void seen.push("c"), onResult: () => void seen.push("result") },
    );
    expect(() => combined.onRetry!({} as never)).toThrow("b failed");
    expect(seen).toEqual(["a", "b", "c"]);
    expect(combined.onRequest).toBeUndefined();
    combined.onResult!({} as never);
    expect(seen.at(-1)).toBe("result");
  });

  it("cost nothing when absent: no hooks resolve to undefined", () => {
    expect(resolveHooks(undefined, {})).toBeUndefined();
    expect(resolveHooks({}, {})).toBeUndefined();
  });
});

describe("DEBUG=rerankit", () => {
  it.each([
    ["rerankit", true],
    ["*", true],
    ["rerank*", true],
    ["express,rerankit", true],
    ["express rerankit", true],
    ["*,-rerankit", false],
    ["express", false],
    ["", false],
    [undefined, false],
  ])("DEBUG=%s → %s", (pattern, enabled) => expect(debugEnabled("rerankit", pattern)).toBe(enabled));

  it("logs each request, retry and result on stderr, key redacted, no document text", async () => {
    vi.stubEnv("DEBUG", "rerankit");
    const lines: string[] = [];
    const write = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const score = cohereReply((text) => text.length);
      const { client } = await setup((req, res, n) => (n === 1 ? json(res, 503, { message: `busy ${KEY}` }) : score(req, res, n)));
      await client.rerank({ query: "secret query words", documents: ["document-text-alpha", "document-text-beta"] });
    } finally {
      write.mockRestore();
    }
    const log = lines.join("");
    expect(log).toMatch(/rerankit rr-\d+ request batch=0 attempt=1 POST http:\/\/127\.0\.0\.1:\d+\/v1\/rerank documents=2/);
    expect(log).toMatch(/response batch=0 attempt=1 status=503/);
    expect(log).toMatch(/retry batch=0 after attempt=1/);
    expect(log).toMatch(/result 2 results, 2 requests/);
    expect(log).not.toContain(KEY);
    expect(log).not.toContain("document-text");
    expect(log).not.toContain("secret query words");
  });
});
