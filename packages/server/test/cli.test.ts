import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { RerankClient } from "@rerankit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocuments, readDocuments } from "../src/cli/documents.js";
import { clientSnippet, isLoopback } from "../src/cli/commands/serve.js";
import { type CliIo, type Command, commands, mainHelp, runCli } from "../src/cli/main.js";
import { type RerankServer, startRerankServer } from "../src/index.js";
import { listening } from "./listening.js";

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

  it("names the file and line of a bad JSONL entry", () => {
    expect(() => parseDocuments('{"text":"a"}\n{"title":"b"}', "docs.jsonl")).toThrow(/^docs\.jsonl line 2 has no string "text"/);
    expect(() => parseDocuments('{"text":"a"}\n\n{oops', "stdin")).toThrow(/^stdin line 3 is not valid JSON/);
  });

  it("keeps each document's input line and reports blank lines between documents, not trailing ones", () => {
    expect(readDocuments("\na\n  \n\nb\n\n")).toEqual({ documents: ["a", "b"], lines: [1, 4], blankLines: [1, 3, 4] });
    expect(readDocuments('{"text":"a"}\r\n\r\n{"text":"b"}')).toEqual({
      documents: [{ text: "a" }, { text: "b" }],
      lines: [0, 2],
      blankLines: [2],
    });
  });
});

describe("serve's client snippet", () => {
  it("counts localhost, 127.x and ::1 as loopback, and nothing else", () => {
    for (const host of ["localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]"]) expect(isLoopback(host), host).toBe(true);
    for (const host of ["0.0.0.0", "::", "192.168.1.20", "example.com", "128.0.0.1"]) expect(isLoopback(host), host).toBe(false);
  });

  it("uses the loopback URL for a wildcard host, and the address with allowInsecureHttp for a specific one", () => {
    const wildcard = clientSnippet({ url: "http://0.0.0.0:9000", port: 9000 }, "0.0.0.0", false);
    expect(wildcard).toMatch(/^ {2}RerankClient: \{ provider: "rerankit", baseURL: "http:\/\/127\.0\.0\.1:9000\/v1" \}\n/);
    expect(wildcard).toMatch(/another machine: .*allowInsecureHttp: true/);
    expect(clientSnippet({ url: "http://[::]:9000", port: 9000 }, "::", false)).toContain('baseURL: "http://[::1]:9000/v1" }');
    expect(clientSnippet({ url: "http://192.168.1.20:9000", port: 9000 }, "192.168.1.20", false)).toMatch(
      /^ {2}RerankClient: \{ provider: "rerankit", baseURL: "http:\/\/192\.168\.1\.20:9000\/v1", allowInsecureHttp: true \}\n/,
    );
    expect(clientSnippet({ url: "http://127.0.0.1:9000", port: 9000 }, "127.0.0.1", true)).toBe(
      '  RerankClient: { provider: "rerankit", baseURL: "http://127.0.0.1:9000/v1" }\n',
    );
  });
});

describe("rerankit (in-process)", () => {
  it("prints help for --help, and for each command both ways; bare rerankit prints it to stderr and exits 2", async () => {
    const main = await run(["--help"]);
    expect(main.code).toBe(0);
    expect(main.stdout).toMatch(/rerankit serve \[--port N\]/);
    for (const command of commands) expect(main.stdout).toContain(command.summary);
    const bare = await run([]);
    expect(bare).toEqual({ code: 2, stdout: "", stderr: main.stdout });
    expect((await run(["serve", "--help"])).stdout).toMatch(/default 8787/);
    for (const name of ["serve", "rank"]) {
      const viaHelp = await run(["help", name]);
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.stdout).toBe((await run([name, "--help"])).stdout);
    }
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

  it("--version prints the package version", async () => {
    const { version } = JSON.parse(await readFile(join(REPO, "packages/server/package.json"), "utf8")) as { version: string };
    expect(await run(["--version"])).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("a new command is one entry in the list: listed in help, run with its arguments, its own --help", async () => {
    const seen: string[][] = [];
    const echo: Command = {
      name: "echo",
      summary: "prints its arguments",
      usage: "rerankit echo [WORD…]",
      help: "Usage: rerankit echo [WORD…]\n",
      async run(args, io) {
        seen.push([...args]);
        io.stdout.write(`${args.join(" ")}\n`);
        return 0;
      },
    };
    const list = [...commands, echo];
    let stdout = "";
    const io: CliIo = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => undefined }, env: {} };
    expect(await runCli(["echo", "a", "b"], io, list)).toBe(0);
    expect(stdout).toBe("a b\n");
    expect(seen).toEqual([["a", "b"]]);
    expect(mainHelp(list)).toMatch(/^ {2}echo {3}prints its arguments$/m);
    stdout = "";
    expect(await runCli(["help", "echo"], io, list)).toBe(0);
    expect(stdout).toBe(echo.help);
  });

  it("exits 2 with a one-line UsageError for an unknown command, an unknown flag or a missing or blank argument", async () => {
    const cases: [string[], RegExp][] = [
      [["frobnicate"], /^UsageError: unknown command "frobnicate"/],
      [["--frobnicate"], /^UsageError: unknown flag --frobnicate/],
      [["rank", "--bogus"], /^UsageError: unknown flag --bogus for rank; see rerankit rank --help\n$/],
      [["serve", "--bogus=1"], /^UsageError: unknown flag --bogus for serve/],
      [["rank", "--provider", "bm25", "--query"], /^UsageError: --query needs a value/],
      [["rank", "--provider", "bm25", "-q"], /^UsageError: --query needs a value/],
      [
        ["rank", "--provider", "bm25", "--query", "--top-n", "3"],
        /^UsageError: --query needs a value, and the next word starts with "-"; write --query=VALUE/,
      ],
      [["rank", "--provider", "bm25", "--json=yes"], /^UsageError: --json takes no value/],
      [["rank", "-x"], /^UsageError: unknown flag -x for rank/],
      [["rank", "--provider", "bm25", "--query", "  ", plainFile], /^UsageError: --query is blank/],
      [["rank", "--provider", "bm25", "--query", "", plainFile], /^UsageError: --query is blank/],
      [["rank", "--provider", "bm25", "--query", "q", "--min-score", "high", plainFile], /^UsageError: --min-score must be a number/],
      [
        ["rank", "--provider", "bm25", "--base-url", "http://127.0.0.1:1/v1", "--query", "q", plainFile],
        /^UsageError: --base-url does not apply to --provider bm25/,
      ],
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
      expect(result.code, argv.join(" ")).toBe(2);
      expect(result.stderr, argv.join(" ")).toMatch(message);
      expect(result.stderr.trimEnd().split("\n"), argv.join(" ")).toHaveLength(1);
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
    expect(lines[1]).toMatch(/^rank\s+line\s+score\s+text$/);
    expect(lines[2]).toMatch(/^\s*1\s+2\s+\d+\.\d{4}\s+Washing your hands often/);
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
    expect(top).toMatch(/^\s*1\s+1\s/);
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

  it("rank keeps each document's input line across blank lines, in the table and in --json, and lists the blank lines", async () => {
    const file = join(dir, "gappy.txt");
    // Lines 1, 3 and 6 hold documents; 2, 4 and 5 are blank (one holds spaces).
    await writeFile(file, `${DOCS[0]}\n\n${DOCS[1]}\n   \n\n${DOCS[2]}\n`);
    const args = ["rank", "--provider", "rerankit", "--base-url", `${server.url}/v1`, "--query", "prevent a cold", file];
    const table = await run(args);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("rerankit · rerankit-bm25 · 3 of 3 documents (scores: unknown) · blank lines 2, 4, 5 skipped");
    const lineOf = (text: string) =>
      lines
        .slice(2)
        .find((l) => l.includes(text.slice(0, 20)))!
        .trim()
        .split(/\s+/)[1];
    expect([lineOf(DOCS[0]!), lineOf(DOCS[1]!), lineOf(DOCS[2]!)]).toEqual(["1", "3", "6"]);

    const json = await run([...args.slice(0, -1), "--json", file]);
    const response = JSON.parse(json.stdout) as { results: { index: number; line: number; document: string }[]; blankLines: number[] };
    expect(response.blankLines).toEqual([2, 4, 5]);
    expect(response.results).toHaveLength(3);
    for (const r of response.results) {
      expect(r.line).toBe(r.index + 1);
      expect(r.document).toBe(DOCS[[1, 3, 6].indexOf(r.line)]);
    }
  });

  it("rank names the input line of a document the API refuses (an empty JSONL text)", async () => {
    const result = await run(["rank", "--provider", "bm25", "--query", "cold", "-"], {
      stdin: '{"text":"a cold"}\n\n{"text":"  "}\n',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^RerankInputError: stdin line 3: the document's text is empty/);
  });

  it("rank --provider bm25 ranks in-process with no server, and --min-score drops results below it", async () => {
    const all = await run(["rank", "--provider", "bm25", "--query", "how to prevent a cold", "--json", plainFile]);
    expect(all.stderr).toBe("");
    expect(all.code).toBe(0);
    const response = JSON.parse(all.stdout) as {
      provider: string;
      usage: { requests: number };
      results: { index: number; relevanceScore: number }[];
    };
    expect(response.provider).toBe("bm25");
    expect(response.usage.requests).toBe(0);
    expect(response.results).toHaveLength(DOCS.length);
    expect(response.results[0]!.index).toBe(1);
    // A threshold between two reported scores keeps exactly those at or above it.
    const scores = response.results.map((r) => r.relevanceScore);
    const threshold = (scores[0]! + scores[1]!) / 2;
    const kept = await run([
      "rank",
      "--provider",
      "bm25",
      "--query",
      "how to prevent a cold",
      "--min-score",
      String(threshold),
      "--json",
      plainFile,
    ]);
    expect(kept.code).toBe(0);
    expect((JSON.parse(kept.stdout) as typeof response).results).toEqual(response.results.filter((r) => r.relevanceScore >= threshold));
    expect((JSON.parse(kept.stdout) as typeof response).results).toHaveLength(1);
  });

  it("rank errors name the flag that set the option, never the API option", async () => {
    const insecure = await run(["rank", "--provider", "rerankit", "--base-url", "http://192.0.2.7:8787/v1", "--query", "q", plainFile]);
    expect(insecure.code).toBe(1);
    expect(insecure.stderr).toMatch(/^RerankInputError: --base-url: Refusing plain http to 192\.0\.2\.7.*pass --allow-insecure-http/);
    const noKey = await run(["rank", "--provider", "cohere", "--query", "q", plainFile]);
    expect(noKey.stderr).toMatch(/^RerankInputError: --api-key: .*pass --api-key, or set COHERE_API_KEY/);
    const notUrl = await run(["rank", "--provider", "rerankit", "--base-url", "not a url", "--query", "q", plainFile]);
    expect(notUrl.stderr).toMatch(/^RerankInputError: --base-url: /);
    for (const r of [insecure, noKey, notUrl]) {
      expect(r.stderr).not.toMatch(/baseURL|allowInsecureHttp|apiKey|instructMode/);
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    }
  });

  it("rank reads the preset's <PROVIDER>_BASE_URL and the provider SDK's key variable from the environment", async () => {
    // The server runs BM25 and refuses a request naming another model (Cohere's default).
    const result = await run(
      ["rank", "--provider", "cohere", "--model", "rerankit-bm25", "--query", "prevent a cold", "--json", plainFile],
      {
        env: { COHERE_BASE_URL: `${server.url}/v1`, CO_API_KEY: "co-key-123" },
      },
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { results: unknown[] }).results.length).toBeGreaterThan(0);
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

  it("serve's limit flags reach the server: --max-documents, --max-json-depth and --allowed-host", async () => {
    const stop = new AbortController();
    let stdout = "";
    const done = runCli(["serve", "--port", "0", "--max-documents", "2", "--max-json-depth", "4", "--allowed-host", "rag.internal"], {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: () => undefined },
      env: {},
      signal: stop.signal,
    });
    while (!stdout.includes("\n")) await new Promise((r) => setImmediate(r));
    const url = /listening on (\S+)/.exec(stdout)![1]!;
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${url}/v1/rerank`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
    expect((await post({ query: "q", documents: ["a", "b"] })).status).toBe(200);
    expect((await post({ query: "q", documents: ["a", "b", "c"] })).status).toBe(413);
    expect((await post({ query: "q", documents: ["a"], extra: [[[[["deep"]]]]] })).status).toBe(400);
    const { request } = await import("undici");
    const allowed = await request(`${url}/health`, { headers: { host: "rag.internal" } });
    expect(allowed.statusCode).toBe(200);
    await allowed.body.dump();
    const foreign = await request(`${url}/health`, { headers: { host: "evil.example" } });
    expect(foreign.statusCode).toBe(403);
    await foreign.body.dump();
    stop.abort();
    expect(await done).toBe(0);
  });

  it("serve refuses a limit flag that is not a positive integer, naming the flag", async () => {
    const result = await run(["serve", "--max-documents", "0"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^UsageError: --max-documents must be an integer from 1 up/);
  });
});

// One child at a time: most of each test is the child's start-up (tsx compiling the sources), and
// on a loaded machine several at once starve each other; hence the longer timeout too.
describe("the rerankit bin (spawned)", { timeout: 90_000 }, () => {
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
      const url = await listening(child);
      const health = await fetch(`${url}/health`);
      expect(await health.json()).toEqual({ status: "ok", model: "rerankit-bm25", listDependent: true });
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });

  /** Runs the bin to its exit, with `stdin` closed at once. */
  async function runBin(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawnCli(args);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk) => (stdout += chunk.toString()));
    child.stderr!.on("data", (chunk) => (stderr += chunk.toString()));
    child.stdin!.end();
    const code = await exit(child);
    return { code, stdout, stderr };
  }

  it("bare rerankit prints the help on stderr and exits 2; --version prints the package version", async () => {
    const { version } = JSON.parse(await readFile(join(REPO, "packages/server/package.json"), "utf8")) as { version: string };
    const [bare, shown] = await Promise.all([runBin([]), runBin(["--version"])]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe("");
    expect(bare.stderr).toMatch(/^rerankit: rerank documents/);
    expect(shown).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("a blank --query exits 2 naming --query, before reading any input", async () => {
    const result = await runBin(["rank", "--provider", "bm25", "--query", "   ", "-"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("UsageError: --query is blank; give the text to rank the documents against\n");
    expect(result.stdout).toBe("");
  });

  it("serve on a port in use says so in one line and exits 1", async () => {
    const { createServer } = await import("node:net");
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = holder.address() as import("node:net").AddressInfo;
      const result = await runBin(["serve", "--port", String(port)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `ListenError: port ${port} on 127.0.0.1 is already in use; pick another with --port N (0 picks a free one)\n`,
      );
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it("serve --host 0.0.0.0 without a key warns that anyone on the network can use it, and prints a client snippet that works", async () => {
    const child = spawnCli(["serve", "--host", "0.0.0.0", "--port", "0"]);
    const exited = exit(child);
    let stdout = "";
    let stderr = "";
    child.stderr!.on("data", (chunk) => (stderr += chunk.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on("data", (chunk) => {
          stdout += chunk.toString();
          if (stdout.includes("Press Ctrl+C")) resolve();
        });
        child.on("exit", (code) => reject(new Error(`serve exited early with ${code}: ${stderr}`)));
      });
      expect(stderr).toMatch(
        /^Warning: listening on 0\.0\.0\.0 without --api-key: anyone who can reach this machine on the network can use this server/,
      );
      const port = /listening on http:\/\/0\.0\.0\.0:(\d+)/.exec(stdout)![1]!;
      const snippet = /RerankClient: (\{.*\})/.exec(stdout)![1]!;
      expect(snippet).toBe(`{ provider: "rerankit", baseURL: "http://127.0.0.1:${port}/v1" }`);
      expect(stdout).toMatch(
        new RegExp(`From another machine: baseURL "http://<this host's address>:${port}/v1" with allowInsecureHttp: true`),
      );
      // The printed options, as a user would paste them, reach the server.
      const client = new RerankClient({ provider: "rerankit", baseURL: `http://127.0.0.1:${port}/v1` });
      try {
        const response = await client.rerank({ query: "prevent a cold", documents: DOCS });
        expect(response.results[0]!.index).toBe(1);
      } finally {
        await client.close();
      }
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });

  it("serve --host 0.0.0.0 with --api-key does not warn", async () => {
    const child = spawnCli(["serve", "--host", "0.0.0.0", "--port", "0", "--api-key", "k-456"]);
    const exited = exit(child);
    let stdout = "";
    let stderr = "";
    child.stderr!.on("data", (chunk) => (stderr += chunk.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on("data", (chunk) => {
          stdout += chunk.toString();
          if (stdout.includes("Press Ctrl+C")) resolve();
        });
        child.on("exit", (code) => reject(new Error(`serve exited early with ${code}: ${stderr}`)));
      });
      expect(stdout).toMatch(/API key: required/);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).not.toContain("k-456");
  });

  it("rank reads stdin and prints the table", async () => {
    const child = spawnCli(["rank", "--provider", "rerankit", "--base-url", `${server.url}/v1`, "--query", "prevent a cold", "-"]);
    let out = "";
    child.stdout!.on("data", (chunk) => (out += chunk.toString()));
    const exited = exit(child);
    child.stdin!.end(DOCS.join("\n"));
    expect(await exited).toBe(0);
    expect(out.split("\n")[2]).toMatch(/^\s*1\s+2\s+.*Washing your hands/);
  });
});
