// @rerankit/ai-sdk and @rerankit/otel as installed from their tarballs: both builds load, ai's own
// rerank() ranks through createRerankit() against the installed server, and a client with
// openTelemetryHooks() (no SDK registered: the API's no-op tracer) still ranks.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { RerankClient } from "@rerankit/core";
import { createRerankit } from "@rerankit/ai-sdk";
import { openTelemetryHooks } from "@rerankit/otel";
import { startRerankServer } from "@rerankit/server";
import { rerank } from "ai";

const require = createRequire(import.meta.url);
const consumerModules = fileURLToPath(new URL("./node_modules/", import.meta.url));
for (const [name, exported] of [
  ["@rerankit/ai-sdk", "createRerankit"],
  ["@rerankit/otel", "openTelemetryHooks"],
]) {
  for (const resolved of [fileURLToPath(import.meta.resolve(name)), require.resolve(name)]) {
    assert.ok(resolved.startsWith(consumerModules), `${name} resolved outside the consumer: ${resolved}`);
  }
  assert.equal(typeof require(name)[exported], "function", `require("${name}").${exported}`);
}

const documents = ["The cat sat on the mat.", "Paris is the capital and largest city of France.", "Bananas are rich in potassium."];
const server = await startRerankServer();
const rerankit = createRerankit({ provider: "rerankit", baseURL: `${server.url}/v1` });
const client = new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1`, hooks: openTelemetryHooks() });
try {
  const { ranking } = await rerank({ model: rerankit.reranking(), query: "capital of France", documents, topN: 1 });
  assert.deepEqual(
    ranking.map((r) => r.originalIndex),
    [1],
  );
  const traced = await client.rerank({ query: "capital of France", documents });
  assert.equal(traced.results[0].index, 1);
  console.log("  ai rerank() through @rerankit/ai-sdk, and a client with @rerankit/otel hooks: ok");
} finally {
  await rerankit.close();
  await client.close();
  await server.close();
}
