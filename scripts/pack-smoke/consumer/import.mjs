// ESM consumer: import every package, check its exports, rerank end to end through the installed
// server, client, LangChain compressor and LlamaIndex postprocessor, and check RerankError.isInstance
// across the ESM and CJS copies of @rerankit/core.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import * as core from "@rerankit/core";
import * as langchain from "@rerankit/langchain";
import * as llamaindex from "@rerankit/llamaindex";
import * as server from "@rerankit/server";
import * as redis from "@rerankit/redis";
import { Document } from "@langchain/core/documents";
import { TextNode } from "@llamaindex/core/schema";

const consumerModules = fileURLToPath(new URL("./node_modules/", import.meta.url));
const expected = {
  "@rerankit/core": [core, ["RerankClient", "Bm25Reranker", "RerankError", "RerankInputError", "RerankAuthenticationError"]],
  "@rerankit/langchain": [langchain, ["RerankCompressor"]],
  "@rerankit/llamaindex": [llamaindex, ["RerankPostprocessor"]],
  "@rerankit/server": [server, ["startRerankServer"]],
  "@rerankit/redis": [redis, ["redisScoreCache", "keyvScoreCache", "redisRateLimitStore"]],
};
for (const [name, [mod, exports]] of Object.entries(expected)) {
  const resolved = fileURLToPath(import.meta.resolve(name));
  assert.ok(resolved.startsWith(consumerModules), `${name} resolved outside the consumer: ${resolved}`);
  assert.match(resolved, /[\\/]dist[\\/]index\.js$/, `${name} resolved to ${resolved}`);
  for (const exported of exports) assert.equal(typeof mod[exported], "function", `import { ${exported} } from "${name}"`);
}

const documents = [
  "The cat sat on the mat.",
  "Paris is the capital and largest city of France.",
  "预防感冒应勤洗手、戴口罩。",
  "Berlin is the capital of Germany.",
];
const query = "What is the capital of France?";
const summary = [];

const local = await server.startRerankServer();
const keyed = await server.startRerankServer({ apiKey: "pack-smoke-key" });
const baseURL = `${local.url}/v1`;
try {
  // 1. RerankClient, provider "rerankit", over real HTTP to the installed server.
  const client = new core.RerankClient({ provider: "rerankit", baseURL });
  const response = await client.rerank({ query, documents, topN: 2, returnDocuments: true });
  await client.close();
  assert.equal(response.provider, "rerankit");
  assert.equal(response.results.length, 2);
  assert.equal(response.results[0].index, 1);
  assert.equal(response.results[0].document, documents[1]);
  assert.ok(response.results[0].relevanceScore >= response.results[1].relevanceScore);
  summary.push(`RerankClient: top ${response.results[0].index} (${response.results[0].relevanceScore.toFixed(3)})`);

  // 2. RerankCompressor with LangChain Documents.
  const compressor = new langchain.RerankCompressor({ provider: "rerankit", baseURL, topN: 2 });
  const inputs = documents.map((text, i) => new Document({ pageContent: text, metadata: { i } }));
  const compressed = await compressor.compressDocuments(inputs, query);
  await compressor.close();
  assert.equal(compressed.length, 2);
  assert.equal(compressed[0].pageContent, documents[1]);
  assert.equal(compressed[0].metadata.i, 1);
  assert.equal(typeof compressed[0].metadata.relevanceScore, "number");
  assert.equal(inputs[1].metadata.relevanceScore, undefined, "inputs not mutated");
  summary.push(`RerankCompressor: ${compressed.length} documents, best "${compressed[0].pageContent.slice(0, 24)}…"`);

  // 3. RerankPostprocessor with LlamaIndex nodes.
  const postprocessor = new llamaindex.RerankPostprocessor({ provider: "rerankit", baseURL, topN: 2 });
  const nodes = documents.map((text, i) => ({ node: new TextNode({ text, id_: `n${i}` }), score: 1 - i / 10 }));
  const reranked = await postprocessor.postprocessNodes(nodes, query);
  await postprocessor.close();
  assert.equal(reranked.length, 2);
  assert.equal(reranked[0].node.id_, "n1");
  assert.equal(typeof reranked[0].score, "number");
  summary.push(`RerankPostprocessor: ${reranked.length} nodes, best ${reranked[0].node.id_}`);

  // 4. RerankError.isInstance across the ESM and CJS copies of @rerankit/core.
  const cjs = createRequire(import.meta.url)("@rerankit/core");
  assert.notEqual(cjs.RerankError, core.RerankError, "the CJS and ESM builds are two copies");
  const fromCjs = await new cjs.RerankClient({ provider: "rerankit", baseURL }).rerank({ query, documents, topN: 0 }).then(
    () => assert.fail("topN 0 must be rejected"),
    (error) => error,
  );
  assert.equal(fromCjs.name, "RerankInputError");
  assert.equal(fromCjs instanceof core.RerankError, false, "instanceof cannot see across copies");
  assert.equal(core.RerankError.isInstance(fromCjs), true, "ESM RerankError.isInstance(CJS error)");
  const esmClient = new core.RerankClient({ provider: "rerankit", baseURL: `${keyed.url}/v1`, apiKey: "wrong-key", maxRetries: 0 });
  const fromEsm = await esmClient.rerank({ query, documents }).then(
    () => assert.fail("a wrong key must be refused"),
    (error) => error,
  );
  await esmClient.close();
  assert.equal(fromEsm.name, "RerankAuthenticationError");
  assert.equal(fromEsm.status, 401);
  assert.equal(fromEsm instanceof cjs.RerankError, false);
  assert.equal(cjs.RerankError.isInstance(fromEsm), true, "CJS RerankError.isInstance(ESM error)");
  assert.equal(cjs.RerankError.isInstance(new Error("plain")), false);
  summary.push("RerankError.isInstance: true across CJS ⇄ ESM (instanceof: false)");
} finally {
  await local.close();
  await keyed.close();
}

console.log(`import (ESM): ok — 5 packages, exports present\n  ${summary.join("\n  ")}`);
