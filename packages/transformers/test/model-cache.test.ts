import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { env } from "@huggingface/transformers";
import { RerankConnectionError } from "@rerankit/core";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CrossEncoderReranker, defaultModelCacheDir } from "../src/index.js";
import { isUnreachable } from "../src/model-cache.js";
import { TINY } from "./fixtures.js";

describe("defaultModelCacheDir: a per-user folder, not node_modules", () => {
  it.each([
    ["RERANKIT_MODELS_DIR wins", { RERANKIT_MODELS_DIR: "/data/models", XDG_CACHE_HOME: "/x" }, "linux", "/data/models"],
    ["XDG_CACHE_HOME", { XDG_CACHE_HOME: "/home/u/.xdg" }, "linux", "/home/u/.xdg/rerankit/models"],
    ["a blank RERANKIT_MODELS_DIR is unset", { RERANKIT_MODELS_DIR: "  " }, "linux", "/home/u/.cache/rerankit/models"],
    ["~/.cache otherwise", {}, "darwin", "/home/u/.cache/rerankit/models"],
    ["LOCALAPPDATA on Windows", { LOCALAPPDATA: "/appdata" }, "win32", join("/appdata", "rerankit", "models")],
  ] as const)("%s", (_name, vars, platform, expected) => {
    expect(defaultModelCacheDir(vars, "/home/u", platform)).toBe(expected);
  });
});

describe("isUnreachable", () => {
  const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
  it.each([
    ["fetch's own failure", new TypeError("fetch failed", { cause: refused }), true],
    ["a code along the cause chain", new Error("wrapped", { cause: { code: "ENOTFOUND" } }), true],
    ["a missing file", Object.assign(new Error("no such file"), { code: "ENOENT" }), false],
    ["a 404 from the Hub", new Error("Could not locate file"), false],
    ["not an error", "fetch failed", false],
  ] as const)("%s: %s", (_name, error, expected) => {
    expect(isUnreachable(error)).toBe(expected);
  });
});

describe("loading from the Hub", () => {
  const saved = { remoteHost: env.remoteHost };
  let cacheDir: string;
  beforeAll(() => {
    cacheDir = mkdtempSync(join(tmpdir(), "rerankit-models-"));
  });
  afterEach(() => {
    env.remoteHost = saved.remoteHost;
    vi.unstubAllEnvs();
  });
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  it("a Hub that cannot be reached: says the model could not be downloaded, and how to use a local folder", async () => {
    // A loopback port with nothing listening stands in for an unreachable Hub (connection refused).
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    env.remoteHost = `http://127.0.0.1:${port}/`;

    const error = await new CrossEncoderReranker({ model: "rerankit-test/not-here", cacheDir }).load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RerankConnectionError);
    const message = (error as Error).message;
    expect(message).toContain('model "rerankit-test/not-here" could not be downloaded from the Hugging Face Hub');
    expect(message).toContain("--local-only");
    expect(message).toContain(join(cacheDir, "rerankit-test/not-here"));
  });

  it("with no cacheDir, models are looked for in RERANKIT_MODELS_DIR (the per-user cache), not transformers.js's", async () => {
    vi.stubEnv("RERANKIT_MODELS_DIR", cacheDir);
    cpSync(TINY, join(cacheDir, "rerankit-test", "tiny-in-user-cache"), { recursive: true });
    const reranker = new CrossEncoderReranker({ model: "rerankit-test/tiny-in-user-cache", localOnly: true });
    const { results } = await reranker.rerank({ query: "q", documents: ["a", "b"] });
    expect(results).toHaveLength(2);
    // The same id with another RERANKIT_MODELS_DIR is not found: the variable chose the folder.
    vi.stubEnv("RERANKIT_MODELS_DIR", join(cacheDir, "elsewhere"));
    const error = await new CrossEncoderReranker({ model: "rerankit-test/tiny-in-user-cache", localOnly: true })
      .load()
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain(join(cacheDir, "elsewhere"));
  });
});
