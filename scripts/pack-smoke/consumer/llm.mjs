// @rerankit/llm as installed from its tarball: both builds load; LogprobReranker scores P(yes) from
// a local OpenAI-compatible server's logprobs; ListwiseReranker ranks through ai's generateText
// (loaded on demand) with the AI SDK's mock model; `rerankit serve --llm` is covered by the tests.
import assert from "node:assert/strict";
import http from "node:http";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { ListwiseReranker, LogprobReranker } from "@rerankit/llm";
import { MockLanguageModelV3 } from "ai/test";

const require = createRequire(import.meta.url);
const consumerModules = fileURLToPath(new URL("./node_modules/", import.meta.url));
for (const resolved of [fileURLToPath(import.meta.resolve("@rerankit/llm")), require.resolve("@rerankit/llm")]) {
  assert.ok(resolved.startsWith(consumerModules), `@rerankit/llm resolved outside the consumer: ${resolved}`);
}
assert.equal(typeof require("@rerankit/llm").LogprobReranker, "function", 'require("@rerankit/llm").LogprobReranker');

const chat = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    const { messages } = JSON.parse(body);
    const yes = messages.at(-1).content.includes("Paris") ? -0.05 : -4;
    const top = [
      { token: "yes", logprob: yes },
      { token: "no", logprob: -1 },
    ];
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ id: "c", model: "judge", choices: [{ index: 0, logprobs: { content: [{ token: "yes", top_logprobs: top }] } }] }));
  });
});
await new Promise((resolve) => chat.listen(0, "127.0.0.1", resolve));
const documents = ["The cat sat on the mat.", "Paris is the capital and largest city of France.", "Bananas are rich in potassium."];
const logprob = new LogprobReranker({ baseURL: `http://127.0.0.1:${chat.address().port}/v1`, model: "judge" });
try {
  const { results, scoreKind } = await logprob.rerank({ query: "capital of France", documents });
  assert.equal(results[0].index, 1);
  assert.equal(scoreKind, "probability");
  console.log(`  LogprobReranker: top ${results[0].index}, P(yes) ${results[0].relevanceScore.toFixed(4)}`);
} finally {
  await logprob.close();
  chat.close();
}

const model = new MockLanguageModelV3({
  doGenerate: {
    content: [{ type: "text", text: "[2] > [3] > [1]" }],
    finishReason: { unified: "stop", raw: "stop" },
    usage: { inputTokens: { total: 10 }, outputTokens: { total: 5 } },
    warnings: [],
  },
});
const listwise = await new ListwiseReranker({ model }).rerank({ query: "capital of France", documents });
assert.deepEqual(
  listwise.results.map((r) => r.index),
  [1, 2, 0],
);
assert.equal(listwise.scoreKind, "rank");
console.log(`  ListwiseReranker: ${listwise.results.map((r) => r.index).join(" > ")} (${listwise.usage.requests} model call)`);
