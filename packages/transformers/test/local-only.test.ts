import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { env } from "@huggingface/transformers";
import { RerankInputError } from "@rerankit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CrossEncoderReranker, Qwen3Reranker } from "../src/index.js";
import { expectedCases, QWEN3, sigmoid, TINY } from "./fixtures.js";

// A loopback HTTP server stands in for the Hugging Face Hub: every request it receives is a
// network attempt. It answers 404, so a run that does try the network fails fast either way.
describe("localOnly: a missing model fails clearly, with no network attempt", () => {
  const requests: string[] = [];
  let hub: Server;
  let cacheDir: string;
  const saved = { remoteHost: env.remoteHost };

  beforeAll(async () => {
    hub = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      res.writeHead(404, { "content-type": "text/plain" }).end("not here");
    });
    await new Promise<void>((resolve) => hub.listen(0, "127.0.0.1", resolve));
    env.remoteHost = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/`;
    cacheDir = mkdtempSync(join(tmpdir(), "rerankit-empty-cache-"));
  });
  afterAll(async () => {
    env.remoteHost = saved.remoteHost;
    rmSync(cacheDir, { recursive: true, force: true });
    await new Promise((resolve) => hub.close(resolve));
  });

  it("a Hub id that is not in the cache: RerankInputError naming the model and the cache, and no request", async () => {
    requests.length = 0;
    const reranker = new CrossEncoderReranker({ model: "rerankit-test/not-downloaded", localOnly: true, cacheDir });
    const error = await reranker.rerank({ query: "q", documents: ["d"] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankInputError);
    expect(error).toMatchObject({ field: "model", provider: "transformers" });
    expect((error as Error).message).toContain('"rerankit-test/not-downloaded"');
    expect((error as Error).message).toContain(cacheDir);
    expect((error as Error).message).toContain("localOnly");
    expect(requests).toEqual([]);
  });

  it("a folder that does not exist: RerankInputError naming the folder, and no request", async () => {
    requests.length = 0;
    const folder = join(cacheDir, "no-such-model");
    for (const localOnly of [true, false]) {
      const error = await new CrossEncoderReranker({ model: folder, localOnly }).load().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RerankInputError);
      expect(error).toMatchObject({ field: "model" });
      expect((error as Error).message).toContain(folder);
    }
    expect(requests).toEqual([]);
  });

  it("the stand-in Hub does see a request when localOnly is off (so the check above can fail)", async () => {
    requests.length = 0;
    const error = await new CrossEncoderReranker({ model: "rerankit-test/not-downloaded", cacheDir }).load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankInputError);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests[0]).toContain("/rerankit-test/not-downloaded/resolve/main/");
  });

  it("a Hub id already in the cache loads from it and scores, with no request", async () => {
    requests.length = 0;
    cpSync(TINY, join(cacheDir, "rerankit-test", "tiny-cross-encoder"), { recursive: true });
    const reranker = new CrossEncoderReranker({ model: "rerankit-test/tiny-cross-encoder", localOnly: true, cacheDir });
    const [c] = expectedCases(TINY);
    const { results, model } = await reranker.rerank({ query: c!.query, documents: [c!.document] });
    expect(model).toBe("rerankit-test/tiny-cross-encoder");
    expect(Math.abs(results[0]!.relevanceScore - sigmoid(c!.logits[0]!))).toBeLessThan(1e-4);
    expect(requests).toEqual([]);
  });

  it("a folder never touches the network, localOnly or not (local_files_only set one way by the one loader), even without an optional file", async () => {
    requests.length = 0;
    // Without its optional generation_config.json, which a download attempt would look for.
    const qwen3 = join(cacheDir, "qwen3-folder");
    cpSync(QWEN3, qwen3, { recursive: true });
    rmSync(join(qwen3, "generation_config.json"));
    for (const reranker of [new CrossEncoderReranker({ model: TINY }), new Qwen3Reranker({ model: qwen3 })]) {
      const { results } = await reranker.rerank({ query: "capital of France", documents: ["Paris", "Berlin"] });
      expect(results).toHaveLength(2);
    }
    expect(requests).toEqual([]);
  });
});
