/** LLM rerankers by SPEC (what `rerankit eval --rerank` and `rerankit serve --llm` take), against a local chat server over real HTTP. */
import { afterEach, describe, expect, it } from "vitest";
import { isLlmSpec, ListwiseReranker, LogprobReranker, llmRerankerFromSpec, parseLlmSpec } from "../src/index.js";
import { type ChatServer, completion, sendJson, startChatServer } from "./support/chat-server.js";

const servers: ChatServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe("parseLlmSpec", () => {
  it.each([
    [
      "logprob:Qwen/Qwen3-Reranker-0.6B@http://127.0.0.1:8000/v1",
      { kind: "logprob", model: "Qwen/Qwen3-Reranker-0.6B", baseURL: "http://127.0.0.1:8000/v1" },
    ],
    ["listwise:qwen3:8b@http://127.0.0.1:11434/v1", { kind: "listwise", model: "qwen3:8b", baseURL: "http://127.0.0.1:11434/v1" }],
    [" LOGPROB:m@https://api.example.com/v1 ", { kind: "logprob", model: "m", baseURL: "https://api.example.com/v1" }],
  ])("%s", (spec, parsed) => {
    expect(isLlmSpec(spec)).toBe(true);
    expect(parseLlmSpec(spec)).toEqual(parsed);
  });

  it.each(["logprob:m", "logprob:@http://127.0.0.1/v1", "listwise:m@ftp://x", "cohere:rerank-v3.5"])(
    "%s is refused, saying what a SPEC looks like",
    (spec) => {
      expect(() => parseLlmSpec(spec)).toThrow(/expected logprob:<model>@<baseURL> or listwise:<model>@<baseURL>/);
    },
  );
});

describe("llmRerankerFromSpec", () => {
  it("logprob: a LogprobReranker with the key from RERANKIT_LLM_API_KEY", async () => {
    const server = await startChatServer((_req, res) =>
      sendJson(
        res,
        200,
        completion([
          { token: "yes", logprob: -0.1 },
          { token: "no", logprob: -2.4 },
        ]),
      ),
    );
    servers.push(server);
    const made = await llmRerankerFromSpec(`logprob:judge@${server.url}/v1`, { env: { RERANKIT_LLM_API_KEY: "k-llm" } });
    expect(made.reranker).toBeInstanceOf(LogprobReranker);
    expect(made).toMatchObject({ provider: "logprob/qwen3-reranker", model: "judge" });
    const response = await made.reranker.rerank({ query: "q", documents: ["d"] });
    expect(response.results[0]!.relevanceScore).toBeCloseTo(1 / (1 + Math.exp(-2.3)), 12);
    expect(server.requests[0]!.headers.authorization).toBe("Bearer k-llm");
    await made.reranker.close?.();
  });

  it("listwise: a ListwiseReranker over the server's chat API through @ai-sdk/openai-compatible", async () => {
    const server = await startChatServer((req, res) =>
      sendJson(res, 200, {
        id: "c",
        object: "chat.completion",
        created: 0,
        model: req.body.model,
        choices: [{ index: 0, message: { role: "assistant", content: "Ranking: [3] > [1] > [2]" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 90, completion_tokens: 9, total_tokens: 99 },
      }),
    );
    servers.push(server);
    const made = await llmRerankerFromSpec(`listwise:qwen3:8b@${server.url}/v1`, { apiKey: "k2" });
    expect(made.reranker).toBeInstanceOf(ListwiseReranker);
    const response = await made.reranker.rerank({ query: "q", documents: ["a", "b", "c"] });
    expect(response.results.map((r) => r.index)).toEqual([2, 0, 1]);
    expect(response).toMatchObject({ scoreKind: "rank", model: "qwen3:8b", usage: { requests: 1, totalTokens: 99 } });
    expect(server.requests[0]!.url).toBe("/v1/chat/completions");
    expect(server.requests[0]!.body.model).toBe("qwen3:8b");
    expect(server.requests[0]!.headers.authorization).toBe("Bearer k2");
  });

  it("listwise over plain http to another machine is refused unless allowed", async () => {
    await expect(llmRerankerFromSpec("listwise:m@http://10.0.0.7/v1")).rejects.toThrow(/refusing plain http to 10\.0\.0\.7/);
    await expect(llmRerankerFromSpec("listwise:m@http://10.0.0.7/v1", { allowInsecureHttp: true })).resolves.toMatchObject({
      provider: "listwise",
    });
  });
});
