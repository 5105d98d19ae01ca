// CommonJS consumer: require() every package, check its exports, and rerank once through the CJS builds.
"use strict";
const assert = require("node:assert/strict");
const path = require("node:path");

const expected = {
  "@rerankit/core": ["RerankClient", "Bm25Reranker", "RerankError", "RerankInputError", "RerankAuthenticationError"],
  "@rerankit/langchain": ["RerankCompressor"],
  "@rerankit/llamaindex": ["RerankPostprocessor"],
  "@rerankit/server": ["startRerankServer"],
  "@rerankit/redis": ["redisScoreCache", "keyvScoreCache", "redisRateLimitStore"],
};
for (const [name, exports] of Object.entries(expected)) {
  const resolved = require.resolve(name);
  // Resolved inside this project's node_modules, to the CommonJS build of the installed tarball.
  assert.ok(resolved.startsWith(path.join(__dirname, "node_modules") + path.sep), `${name} resolved outside the consumer: ${resolved}`);
  assert.match(resolved, /[\\/]dist[\\/]index\.cjs$/, `${name} resolved to ${resolved}`);
  const mod = require(name);
  for (const exported of exports) assert.equal(typeof mod[exported], "function", `require("${name}").${exported}`);
}

async function main() {
  const { RerankClient, RerankInputError } = require("@rerankit/core");
  const { startRerankServer } = require("@rerankit/server");
  const server = await startRerankServer();
  const client = new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1` });
  try {
    const response = await client.rerank({
      query: "capital of France",
      documents: ["The cat sat on the mat.", "Paris is the capital of France.", "预防感冒应勤洗手。"],
    });
    assert.equal(response.provider, "rerankit");
    assert.equal(response.results[0].index, 1);
    assert.equal(response.usage.requests, 1);
    await assert.rejects(client.rerank({ query: "q", documents: ["a"], topN: 0 }), RerankInputError);
  } finally {
    await client.close();
    await server.close();
  }
  console.log("require() (CJS): ok — 5 packages, exports present, one rerank through the CJS builds");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
