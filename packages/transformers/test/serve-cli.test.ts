import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CrossEncoderReranker, localRerankerKind, Qwen3Reranker } from "../src/index.js";
import { listening } from "../../server/test/listening.js";
import { expectedCases, QWEN3, TINY } from "./fixtures.js";

// The real `rerankit` bin, from the server package's sources (as its own CLI tests run it).
const SERVER = fileURLToPath(new URL("../../server", import.meta.url));
const CLI = join(SERVER, "src", "cli.ts");

function spawnCli(args: string[]): ChildProcess {
  return spawn(process.execPath, ["--conditions=@rerankit/source", "--import", "tsx", CLI, ...args], {
    cwd: SERVER,
    env: { ...process.env, RERANKIT_API_KEY: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function finished(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => {
    stdout += chunk.toString();
  });
  child.stderr!.on("data", (chunk) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
}

describe("rerankit serve --model (the spawned bin)", { timeout: 120_000 }, () => {
  it("serves the cross-encoder: /health names the model, and ranks like CrossEncoderReranker", async () => {
    const child = spawnCli(["serve", "--port", "0", "--model", TINY, "--local-only", "--max-batch-tokens", "2048"]);
    const done = finished(child);
    try {
      const url = await listening(child);
      expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: "ok", model: TINY, listDependent: false });

      const cases = expectedCases(TINY).filter((c) => c.query === "how to prevent a cold");
      const query = cases[0]!.query;
      const documents = cases.map((c) => c.document);
      const res = await fetch(`${url}/v1/rerank`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, documents }),
      });
      expect(res.status).toBe(200);
      const reply = (await res.json()) as { results: { index: number; relevance_score: number }[] };
      const own = await new CrossEncoderReranker({ model: TINY }).rerank({ query, documents });
      expect(reply.results.map((r) => r.index)).toEqual(own.results.map((r) => r.index));
      reply.results.forEach((r, k) => {
        expect(Math.abs(r.relevance_score - own.results[k]!.relevanceScore)).toBeLessThan(1e-6);
      });
    } finally {
      child.kill("SIGTERM");
    }
    const { code, stdout } = await done;
    expect(stdout).toContain(`cross-encoder ${TINY}`);
    expect(stdout).toContain("dynamic batching up to 2048 tokens");
    expect(code).toBe(0);
  });

  it("serves a Qwen3 reranker folder (told apart by its config): /health names it, and it ranks like Qwen3Reranker, instruct included", async () => {
    expect(await localRerankerKind({ model: QWEN3 })).toBe("qwen3");
    expect(await localRerankerKind({ model: TINY })).toBe("cross-encoder");
    const child = spawnCli(["serve", "--port", "0", "--model", QWEN3, "--local-only"]);
    const done = finished(child);
    try {
      const url = await listening(child);
      expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: "ok", model: QWEN3, listDependent: false });
      const request = {
        query: "What is the capital of France?",
        documents: ["Paris is the capital of France.", "Berlin is in Germany.", "The Seine flows through Paris."],
        instruct: "Given a question, retrieve passages that answer it",
      };
      const res = await fetch(`${url}/v1/rerank`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...request, top_n: 2 }),
      });
      expect(res.status).toBe(200);
      const reply = (await res.json()) as { results: { index: number; relevance_score: number }[] };
      const own = await new Qwen3Reranker({ model: QWEN3, localOnly: true }).rerank({ ...request, topN: 2 });
      expect(reply.results.map((r) => r.index)).toEqual(own.results.map((r) => r.index));
      reply.results.forEach((r, k) => {
        expect(Math.abs(r.relevance_score - own.results[k]!.relevanceScore)).toBeLessThan(1e-6);
      });
      // The reply used the request's instruct: without it (the default instruct) the scores differ.
      const { instruct: _instruct, ...uninstructed } = request;
      const plain = await new Qwen3Reranker({ model: QWEN3, localOnly: true }).rerank({ ...uninstructed, topN: 2 });
      expect(plain.results[0]!.relevanceScore).not.toBeCloseTo(own.results[0]!.relevanceScore, 6);
    } finally {
      child.kill("SIGTERM");
    }
    const { code, stdout } = await done;
    expect(stdout).toContain(`Qwen3 reranker ${QWEN3}`);
    expect(code).toBe(0);
  });

  it("--max-batch-tokens with a Qwen3 reranker is a usage error (exit 2)", async () => {
    const { code, stderr } = await finished(
      spawnCli(["serve", "--port", "0", "--model", QWEN3, "--local-only", "--max-batch-tokens", "100"]),
    );
    expect(code).toBe(2);
    expect(stderr).toContain("--max-batch-tokens applies to a cross-encoder");
  });

  it("a model that cannot be loaded exits 1 with a message naming it, before listening", async () => {
    const missing = join(TINY, "..", "no-such-model");
    const { code, stdout, stderr } = await finished(spawnCli(["serve", "--port", "0", "--model", missing]));
    expect(code).toBe(1);
    expect(stdout).not.toContain("listening");
    expect(stderr).toContain(`could not load --model ${missing}`);
    expect(stderr).toContain("does not exist");
  });

  it("model flags without --model are a usage error (exit 2)", async () => {
    const { code, stderr } = await finished(spawnCli(["serve", "--port", "0", "--max-batch-tokens", "100"]));
    expect(code).toBe(2);
    expect(stderr).toContain("--max-batch-tokens applies to a local model: add --model");
  });
});
