import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CrossEncoderReranker } from "../src/index.js";
import { expectedCases, TINY } from "./fixtures.js";

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
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout!.on("data", (chunk) => {
          out += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(out);
          if (match) resolve(match[1]!);
        });
        child.on("exit", (code) => reject(new Error(`serve exited early with ${code}`)));
      });
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
