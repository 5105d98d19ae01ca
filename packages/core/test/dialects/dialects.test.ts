import { afterEach, describe, expect, it, vi } from "vitest";
import {
  RerankAuthenticationError,
  RerankBadRequestError,
  RerankClient,
  type RerankClientOptions,
  RerankInputError,
  RerankServerError,
  presets,
  type ProviderId,
} from "../../src/index.js";
import { cases, type DialectCase, KEY } from "./cases.js";
import { type Reply, startReplayServer } from "./replay-server.js";

type Server = Awaited<ReturnType<typeof startReplayServer>>;
const open: Array<{ server: Server; client?: RerankClient }> = [];

afterEach(async () => {
  for (const { server, client } of open.splice(0)) {
    await client?.close();
    await server.close();
  }
  vi.unstubAllEnvs();
});

async function setup(c: DialectCase, replies: Reply[] | ((body: unknown) => Reply), options: Partial<RerankClientOptions> = {}) {
  const server = await startReplayServer(replies);
  const client = new RerankClient({
    provider: c.provider,
    baseURL: `${server.url}${c.prefix}`,
    apiKey: KEY,
    ...(c.model ? { model: c.model } : {}),
    ...(c.extraBody ? { extraBody: c.extraBody } : {}),
    backoff: { initialDelayMs: 1, maxDelayMs: 1 },
    ...options,
  });
  open.push({ server, client });
  return { server, client };
}

const caseOf = (provider: ProviderId) => cases.find((c) => c.provider === provider)!;

describe("every preset of issue 6 has a documented case", () => {
  it("covers the 14 presets", () => {
    expect(cases.map((c) => c.provider).sort()).toEqual([
      "cohere",
      "infinity",
      "jina",
      "llamacpp",
      "localai",
      "mixedbread",
      "nvidia-nim",
      "openrouter",
      "pinecone",
      "tei",
      "together",
      "vllm",
      "voyage",
      "xinference",
    ]);
  });
});

describe.each(cases)("$provider", (c) => {
  it("sends the exact path, auth headers and body, and reads the documented reply back", async () => {
    const { server, client } = await setup(c, [c.reply]);
    const response = await client.rerank(c.request);

    expect(server.requests).toHaveLength(1);
    const sent = server.requests[0]!;
    expect(sent.method).toBe("POST");
    expect(sent.path).toBe(c.expectPath);
    expect(sent.headers).toMatchObject(c.expectHeaders);
    if (!("authorization" in c.expectHeaders)) expect(sent.headers.authorization).toBeUndefined();
    expect(sent.body).toEqual(c.expectBody);

    expect(response.results.map((r) => [r.index, r.relevanceScore])).toEqual(c.expectRanking);
    expect(response.usage).toEqual(c.expectUsage);
    expect(response.scoreKind).toBe(c.expectScoreKind);
    expect(response.requestIds).toEqual(c.expectRequestIds);
    expect(response.provider).toBe(c.provider);
  });

  it("turns the provider's documented error body into the right error class with its message", async () => {
    const { server, client } = await setup(c, [{ status: c.error.status, body: c.error.body }], { maxRetries: 0 });
    const error = await client.rerank(c.request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(c.error.errorClass);
    expect(error).toMatchObject({ provider: c.provider, status: c.error.status });
    expect((error as Error).message).toContain(c.error.message);
    expect((error as Error).message).not.toContain(KEY);
    expect(server.requests).toHaveLength(1);
  });

  it(`${presets[c.provider].dialect.acceptsInstruct ? "sends instruct in its own field" : 'refuses instruct unless instructMode is "prefix"'}`, async () => {
    const instruct = "Given a web search query, retrieve relevant passages.";
    const request = { ...c.request, instruct };
    if (presets[c.provider].dialect.acceptsInstruct) {
      const { server, client } = await setup(c, [c.reply]);
      await client.rerank(request);
      // Xinference is the only issue-6 dialect with a field: model kwargs, a JSON-encoded string.
      expect(server.requests[0]!.body).toEqual({ ...c.expectBody, kwargs: JSON.stringify({ instruction: instruct }) });
      return;
    }
    const refused = await setup(c, [c.reply]);
    const error = await refused.client.rerank(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankInputError);
    expect(error).toMatchObject({ field: "instruct", provider: c.provider });
    expect(refused.server.requests).toHaveLength(0);

    const prefixed = await setup(c, [c.reply], { instructMode: "prefix" });
    await prefixed.client.rerank(request);
    const body = prefixed.server.requests[0]!.body as Record<string, unknown>;
    const expectedQuery = `${instruct}\n${c.request.query}`;
    const sentQuery = c.provider === "nvidia-nim" ? (body.query as { text: string }).text : body.query;
    expect(sentQuery).toBe(expectedQuery);
  });
});

describe("odd statuses", () => {
  const table: Array<{
    provider: ProviderId;
    status: number;
    body: unknown;
    errorClass: new (...a: never[]) => Error;
    retryable: boolean;
    hint?: RegExp;
  }> = [
    { provider: "cohere", status: 498, body: { message: "invalid api token" }, errorClass: RerankAuthenticationError, retryable: false },
    {
      provider: "openrouter",
      status: 402,
      body: { error: { code: 402, message: "Insufficient credits" } },
      errorClass: RerankBadRequestError,
      retryable: false,
    },
    {
      provider: "tei",
      status: 424,
      body: { error: "Inference failed", error_type: "backend" },
      errorClass: RerankBadRequestError,
      retryable: false,
    },
    {
      provider: "llamacpp",
      status: 501,
      body: { error: { code: 501, message: "This server does not support reranking.", type: "not_supported_error" } },
      errorClass: RerankServerError,
      retryable: false,
    },
    {
      provider: "tei",
      status: 413,
      body: { error: "Batch size error", error_type: "validation" },
      errorClass: RerankBadRequestError,
      retryable: false,
      hint: /lower maxDocumentsPerRequest/,
    },
    {
      provider: "tei",
      status: 422,
      body: { error: "batch size 40 > maximum allowed batch size 32", error_type: "Validation" },
      errorClass: RerankBadRequestError,
      retryable: false,
      hint: /lower maxDocumentsPerRequest/,
    },
  ];
  it.each(table)("$provider HTTP $status → $errorClass.name, not retried", async (row) => {
    const { server, client } = await setup(caseOf(row.provider), [{ status: row.status, body: row.body }], { maxRetries: 2 });
    const error = await client.rerank(caseOf(row.provider).request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(row.errorClass);
    expect(error).toMatchObject({ status: row.status, retryable: row.retryable, attempts: 1 });
    expect(server.requests).toHaveLength(1);
    if (row.hint) expect((error as Error).message).toMatch(row.hint);
    else expect((error as Error).message).not.toMatch(/maxDocumentsPerRequest/);
  });

  it("TEI 422 for a tokenization error carries no batch-size advice", async () => {
    const { client } = await setup(caseOf("tei"), [{ status: 422, body: { error: "Tokenization error", error_type: "tokenizer" } }]);
    const error = await client.rerank(caseOf("tei").request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankBadRequestError);
    expect((error as Error).message).toContain("Tokenization error");
    expect((error as Error).message).not.toMatch(/maxDocumentsPerRequest/);
  });
});

/** A TEI reply for whatever texts were sent: scores rise with the number in each text. */
const teiReply = (body: unknown): Reply => {
  const texts = (body as { texts: string[] }).texts;
  return { body: texts.map((t, index) => ({ index, score: Number(t.replace(/\D/g, "")) / 100 })) };
};

describe("limits and listwise models", () => {
  it("TEI splits 40 texts into batches of its documented 32 and merges them", async () => {
    const documents = Array.from({ length: 40 }, (_, i) => `doc ${i}`);
    const { server, client } = await setup(caseOf("tei"), teiReply);
    const response = await client.rerank({ query: "q", documents, topN: 3 });
    expect(server.requests.map((r) => (r.body as { texts: string[] }).texts.length).sort((a, b) => a - b)).toEqual([8, 32]);
    expect(response.results.map((r) => r.index)).toEqual([39, 38, 37]);
  });

  it("refuses to split a jina-reranker-v3 (listwise) list across requests", async () => {
    const { server, client } = await setup(caseOf("jina"), [caseOf("jina").reply], {
      model: "jina-reranker-v3",
      maxDocumentsPerRequest: 2,
    });
    const error = await client.rerank({ query: "q", documents: ["a", "b", "c", "d", "e"] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankInputError);
    expect((error as Error).message).toMatch(/listwise.*allowListwiseSplit/s);
    expect(server.requests).toHaveLength(0);
  });

  it("splits a listwise list when the caller opts in with allowListwiseSplit", async () => {
    const reply = (body: unknown): Reply => ({
      body: {
        results: (body as { documents: string[] }).documents.map((d, index) => ({ index, relevance_score: d.charCodeAt(0) / 1000 })),
      },
    });
    const { server, client } = await setup(caseOf("jina"), reply, {
      model: "jina-reranker-v3",
      maxDocumentsPerRequest: 2,
      allowListwiseSplit: true,
    });
    const response = await client.rerank({ query: "q", documents: ["a", "b", "c", "d", "e"] });
    expect(server.requests).toHaveLength(3);
    expect(response.results.map((r) => r.index)).toEqual([4, 3, 2, 1, 0]);
  });

  it("splits a pointwise Jina model (v2) without asking", async () => {
    const reply = (body: unknown): Reply => ({
      body: { results: (body as { documents: string[] }).documents.map((_, index) => ({ index, relevance_score: 0.5 })) },
    });
    const { server, client } = await setup(caseOf("jina"), reply, { maxDocumentsPerRequest: 2 });
    await client.rerank({ query: "q", documents: ["a", "b", "c"] });
    expect(server.requests).toHaveLength(2);
  });
});

describe("score kinds and presets", () => {
  it.each(["tei", "infinity"] as const)("%s with raw_scores: true reports logits", async (provider) => {
    const c = caseOf(provider);
    const { server, client } = await setup(c, [c.reply], { extraBody: { raw_scores: true } });
    const response = await client.rerank(c.request);
    expect((server.requests[0]!.body as { raw_scores: boolean }).raw_scores).toBe(true);
    expect(response.scoreKind).toBe("logit");
  });

  it("Cohere v1 is reachable by base URL", async () => {
    const c = caseOf("cohere");
    const server = await startReplayServer([c.reply]);
    const client = new RerankClient({ provider: "cohere", baseURL: `${server.url}/v1`, apiKey: KEY });
    open.push({ server, client });
    await client.rerank(c.request);
    expect(server.requests[0]!.path).toBe("/v1/rerank");
  });

  it.each(cases.filter((c) => presets[c.provider].apiKeyEnv))("$provider reads its key from its env var", async (c) => {
    vi.stubEnv(presets[c.provider].apiKeyEnv!, "from-env-key-98765");
    const server = await startReplayServer([c.reply]);
    const client = new RerankClient({ provider: c.provider, baseURL: `${server.url}${c.prefix}`, ...(c.model ? { model: c.model } : {}) });
    open.push({ server, client });
    await client.rerank(c.request);
    const headers = server.requests[0]!.headers;
    expect(headers.authorization ?? headers["api-key"]).toMatch(/from-env-key-98765$/);
  });

  it.each(cases.filter((c) => (presets[c.provider] as { sdkApiKeyEnv?: string }).sdkApiKeyEnv))(
    "$provider also reads the key its own SDK reads, after its own variable",
    async (c) => {
      const preset = presets[c.provider] as { apiKeyEnv: string; sdkApiKeyEnv: string };
      vi.stubEnv(preset.apiKeyEnv, "");
      vi.stubEnv(preset.sdkApiKeyEnv, "sdk-env-key-24680");
      const server = await startReplayServer([c.reply, c.reply]);
      const client = new RerankClient({
        provider: c.provider,
        baseURL: `${server.url}${c.prefix}`,
        ...(c.model ? { model: c.model } : {}),
      });
      await client.rerank(c.request);
      vi.stubEnv(preset.apiKeyEnv, "own-env-key-13579");
      const second = new RerankClient({
        provider: c.provider,
        baseURL: `${server.url}${c.prefix}`,
        ...(c.model ? { model: c.model } : {}),
      });
      open.push({ server, client }, { server, client: second });
      await second.rerank(c.request);
      expect(server.requests[0]!.headers.authorization).toMatch(/sdk-env-key-24680$/);
      expect(server.requests[1]!.headers.authorization).toMatch(/own-env-key-13579$/);
    },
  );

  it.each(cases)("$provider takes its base URL from <PROVIDER>_BASE_URL when baseURL is not passed", async (c) => {
    const preset = presets[c.provider];
    expect(preset.baseURLEnv).toBe(`${c.provider.toUpperCase().replace(/-/g, "_")}_BASE_URL`);
    const server = await startReplayServer([c.reply]);
    vi.stubEnv(preset.baseURLEnv, `${server.url}${c.prefix}`);
    const client = new RerankClient({ provider: c.provider, apiKey: KEY, ...(c.model ? { model: c.model } : {}) });
    open.push({ server, client });
    expect(client.baseURL).toBe(`${server.url}${c.prefix}`.replace(/\/+$/, ""));
    await client.rerank(c.request);
    expect(server.requests).toHaveLength(1);
    // An explicit baseURL still wins over the variable.
    vi.stubEnv(preset.baseURLEnv, "https://elsewhere.invalid/v1");
    const explicit = new RerankClient({ provider: c.provider, apiKey: KEY, baseURL: `${server.url}${c.prefix}` });
    open.push({ server, client: explicit });
    expect(explicit.baseURL).toBe(client.baseURL);
  });

  const selfHosted: ProviderId[] = ["vllm", "tei", "infinity", "xinference", "llamacpp", "localai", "nvidia-nim"];
  it.each(selfHosted)("%s is self-hosted: no default base URL, no key required", async (provider) => {
    const preset = presets[provider] as { baseURL?: string; requiresApiKey: boolean; apiKeyEnv?: string };
    vi.stubEnv("RERANK_API_KEY", "");
    if (preset.apiKeyEnv) vi.stubEnv(preset.apiKeyEnv, "");
    expect(preset.baseURL).toBeUndefined();
    expect(preset.requiresApiKey).toBe(false);
    expect(() => new RerankClient({ provider })).toThrow(RerankInputError);
    const c = caseOf(provider);
    const server = await startReplayServer([c.reply]);
    const client = new RerankClient({ provider, baseURL: `${server.url}${c.prefix}`, ...(c.model ? { model: c.model } : {}) });
    open.push({ server, client });
    await client.rerank(c.request);
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });
});
