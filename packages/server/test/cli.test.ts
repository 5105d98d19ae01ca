import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocuments } from "../src/cli/documents.js";
import { type CliIo, runCli } from "../src/cli/run.js";
import { type RerankServer, startRerankServer } from "../src/index.js";

const DOCS = [
  "The Eiffel Tower is in Paris.",
  "Washing your hands often is the best way to prevent a cold.",
  "Colds are caused by viruses.",
  "经常洗手是预防感冒的有效方法。",
];
const REPO = resolve(import.meta.dirname, "../../..");
const CLI = resolve(import.meta.dirname, "../src/cli.ts");

/** Runs the CLI in-process and captures what it writes. */
async function run(argv: string[], options: { stdin?: string; env?: Record<string, string>; signal?: AbortSignal } = {}) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: options.env ?? {},
    ...(options.stdin !== undefined ? { stdin: Readable.from([Buffer.from(options.stdin)]) } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

let server: RerankServer;
let dir: string;
let plainFile: string;

beforeAll(async () => {
  server = await startRerankServer();
  dir = await mkdtemp(join(tmpdir(), "rerankit-cli-"));
  plainFile = join(dir, "docs.txt");
  await writeFile(plainFile, `${DOCS.join("\n")}\n\n`);
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe("parseDocuments", () => {
  it("reads one document per line and skips blank lines (CRLF too)", () => {
    expect(parseDocuments("a b\r\n\r\nc\n")).toEqual(["a b", "c"]);
    expect(parseDocuments("\n  \n")).toEqual([]);
  });

  it("reads JSONL objects with a text field, keeping their other fields", () => {
    expect(parseDocuments('{"text":"a","id":1}\n\n{"text":"b"}\n')).toEqual([{ text: "a", id: 1 }, { text: "b" }]);
  });

  it("keeps a plain file plain when a later line starts with {", () => {
    expect(parseDocuments("plain\n{not json")).toEqual(["plain", "{not json"]);
  });

  it("names the line of a bad JSONL entry", () => {
    expect(() => parseDocuments('{"text":"a"}\n{"title":"b"}')).toThrow(/line 2 has no string "text"/);
    expect(() => parseDocuments('{"text":"a"}\n{oops')).toThrow(/line 2 is not valid JSON/);
  });
});

describe("rerankit (in-process)", () => {
  it("prints help for --help, and for each command", async () => {
    const main = await run(["--help"]);
    expect(main.code).toBe(0);
    expect(main.stdout).toMatch(/rerankit serve \[--port N\]/);
    expect((await run([])).stdout).toBe(main.stdout);
    expect((await run(["serve", "--help"])).stdout).toMatch(/default 8787/);
    const rank = await run(["rank", "-h"]);
    expect(rank.stdout).toMatch(/--provider P/);
    expect(rank.stdout).toMatch(/dashscope-compatible/);
    for (const flag of [
      "--api-key K",
      "--instruct-mode M",
      "--extra-body JSON",
      "--timeout MS",
      "--max-retries N",
      "--allow-insecure-http",
    ]) {
      expect(rank.stdout).toContain(flag);
    }
    // Presets with no default model are named where --model is described.
    expect(rank.stdout).toMatch(/required for\s+vllm, infinity, xinference, localai, nvidia-nim/);
  });

  it("exits 1 with a UsageError for an unknown command, an unknown flag or a missing argument", async () => {
    const cases: [string[], RegExp][] = [
      [["frobnicate"], /^UsageError: unknown command "frobnicate"/],
      [["rank", "--bogus"], /^UsageError: .*--bogus/],
      [["rank", "--query", "q", plainFile], /^UsageError: --provider is required/],
      [["rank", "--provider", "nope", "--query", "q", plainFile], /^UsageError: unknown provider "nope"/],
      [["rank", "--provider", "rerankit", plainFile], /^UsageError: --query is required/],
      [["rank", "--provider", "rerankit", "--query", "q", "--top-n", "0", plainFile], /^UsageError: --top-n must be an integer from 1/],
      [["rank", "--provider", "rerankit", "--query", "q", join(dir, "missing.txt")], /^UsageError: cannot read .*missing\.txt: ENOENT/],
      [["rank", "--provider", "rerankit", "--query", "q"], /^UsageError: give a FILE/],
      [["serve", "--port", "99999"], /^UsageError: --port must be an integer from 0 to 65535/],
    ];
    for (const [argv, message] of cases) {
      const result = await run(argv);
      expect(result.code, argv.join(" ")).toBe(1);
      expect(result.stderr, argv.join(" ")).toMatch(message);
      expect(result.stdout).toBe("");
    }
  });

  it("rank prints a ranked table from a file", async () => {
    const result = await run([
      "rank",
      "--provider",
      "rerankit",
      "--base-url",
      `${server.url}/v1`,
      "--query",
      "how to prevent a cold",
      plainFile,
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("rerankit · rerankit-bm25 · 4 of 4 documents (scores: unknown)");
    expect(lines[1]).toMatch(/^rank\s+index\s+score\s+text$/);
    expect(lines[2]).toMatch(/^\s*1\s+1\s+\d+\.\d{4}\s+Washing your hands often/);
    expect(lines).toHaveLength(2 + DOCS.length);
  });

  it("rank reads JSONL from stdin with -, honours --top-n, and prints the RerankResponse with --json", async () => {
    const jsonl = DOCS.map((text, i) => JSON.stringify({ text, id: `d${i}` })).join("\n");
    const result = await run(
      ["rank", "--provider", "rerankit", "--base-url", `${server.url}/v1`, "--query", "预防感冒", "--top-n", "2", "--json", "-"],
      { stdin: jsonl },
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const response = JSON.parse(result.stdout);
    expect(response).toMatchObject({ provider: "rerankit", model: "rerankit-bm25", scoreKind: "unknown", usage: { requests: 1 } });
    expect(response.results).toHaveLength(2);
    expect(response.results[0]).toMatchObject({ index: 3, document: { text: DOCS[3], id: "d3" } });
  });

  it("rank reads plain lines from stdin when no FILE is given, and truncates long texts in the table", async () => {
    const long = `prevent ${"a very long document about colds ".repeat(10)}`;
    const result = await run(["rank", "--provider", "rerankit", "--base-url", `${server.url}/v1`, "--query", "prevent colds"], {
      stdin: `${long}\nunrelated text\n`,
    });
    expect(result.code).toBe(0);
    const top = result.stdout.split("\n")[2]!;
    expect(top).toMatch(/^\s*1\s+0\s/);
    expect(top.endsWith("…")).toBe(true);
    expect(top.length).toBeLessThan(long.length);
  });

  it("rank prints a RerankError as name: message and exit 1, never the API key", async () => {
    const locked = await startRerankServer({ apiKey: "the-right-key" });
    try {
      const canary = "canary-key-5f3a9c";
      const result = await run(["rank", "--provider", "rerankit", "--base-url", `${locked.url}/v1`, "--query", "cold", plainFile], {
        env: { RERANKIT_API_KEY: canary },
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^RerankAuthenticationError: rerankit answered HTTP 401/);
      expect(result.stderr + result.stdout).not.toContain(canary);

      const ok = await run(["rank", "--provider", "rerankit", "--base-url", `${locked.url}/v1`, "--query", "cold", plainFile], {
        env: { RERANKIT_API_KEY: "the-right-key" },
      });
      expect(ok.code).toBe(0);
    } finally {
      await locked.close();
    }
  });

  it("rank refuses a preset that needs a key when none is set, naming the variable", async () => {
    const result = await run(["rank", "--provider", "siliconflow", "--base-url", `${server.url}/v1`, "--query", "cold", plainFile]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^RerankInputError: .*SILICONFLOW_API_KEY/);
  });

  it("serve listens, answers, and stops when its signal aborts", async () => {
    const stop = new AbortController();
    let stdout = "";
    const done = runCli(["serve", "--port", "0", "--api-key", "k-123"], {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: () => undefined },
      env: {},
      signal: stop.signal,
    });
    while (!stdout.includes("\n")) await new Promise((r) => setImmediate(r));
    const url = /listening on (\S+)/.exec(stdout)![1]!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stdout).toMatch(/API key: required/);
    expect(stdout).not.toContain("k-123");
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect((await fetch(`${url}/v1/rerank`, { method: "POST", body: "{}" })).status).toBe(401);
    stop.abort();
    expect(await done).toBe(0);
    expect(stdout).toMatch(/stopped/);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});

// Concurrent: most of each test is the child's start-up (tsx compiling the sources).
describe.concurrent("the rerankit bin (spawned)", () => {
  function spawnCli(args: string[]): ChildProcess {
    return spawn(process.execPath, ["--conditions=@rerankit/source", "--import", "tsx", CLI, ...args], {
      cwd: REPO,
      env: { ...process.env, RERANKIT_API_KEY: "" },
      stdio: ["pipe", "pipe", "pipe"],
    });
  }
  function exit(child: ChildProcess): Promise<number | null> {
    return new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  }

  it("serve prints its URL, answers /health, and exits 0 on SIGTERM", async () => {
    const child = spawnCli(["serve", "--port", "0"]);
    const exited = exit(child);
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
      const health = await fetch(`${url}/health`);
      expect(await health.json()).toEqual({ status: "ok" });
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });

  it("rank reads stdin and prints the table", async () => {
    const child = spawnCli(["rank", "--provider", "rerankit", "--base-url", `${server.url}/v1`, "--query", "prevent a cold", "-"]);
    let out = "";
    child.stdout!.on("data", (chunk) => (out += chunk.toString()));
    const exited = exit(child);
    child.stdin!.end(DOCS.join("\n"));
    expect(await exited).toBe(0);
    expect(out.split("\n")[2]).toMatch(/^\s*1\s+1\s+.*Washing your hands/);
  });
});
