/**
 * `rerankit rank --provider P` for every preset: a local replay server answers with that
 * provider's documented success body (the issue-6 dialect cases, the seed fixtures for the seed
 * providers, the real server for `rerankit`), and the CLI must print the ranking read from it.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getPreset, type ProviderId, providerIds } from "@rerankit/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cases } from "../../core/test/dialects/cases.js";
import { type Reply, startReplayServer } from "../../core/test/dialects/replay-server.js";
import { type CliIo, runCli } from "../src/cli/main.js";
import { type RerankServer, startRerankServer } from "../src/index.js";

const KEY = "cli-dummy-key-7c1e";

interface ProviderCase {
  provider: ProviderId;
  /** Appended to the local server's origin to make --base-url. */
  prefix: string;
  /** Given with --model when set (presets without a default model need one). */
  model?: string;
  query: string;
  documents: string[];
  topN?: number;
  /** Given with --extra-body (a documented request field such as NIM's truncate). */
  extraBody?: Record<string, unknown>;
  path: string;
  reply: Reply;
  ranking: Array<[index: number, score: number]>;
}

const seedFixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../core/test/fixtures/${name}`, import.meta.url), "utf8"));
const seed002Request = seedFixture("seed-002-request.json") as { query: string; documents: string[]; top_n: number };
const coldDocs = [
  "预防感冒应勤洗手、戴口罩,保持室内通风(来源:协和医院研究)",
  "流感疫苗每年10月接种最佳,可降低70%感染风险(来源:卫健委2024指南)",
  "感冒是一种常见的上呼吸道感染",
  "今天北京天气晴朗",
  "维生素C对感冒的预防效果存在争议(来源:JAMA医学期刊)",
];
const dashscopeRanking: Array<[number, number]> = [
  [0, 0.9334521894],
  [2, 0.3524141058735059],
];

/** The seed providers (packages/core/test/fixtures, see its README) and the issue-6 cases. */
const providerCases: ProviderCase[] = [
  {
    provider: "dmxapi",
    prefix: "/v1",
    query: "如何预防感冒",
    documents: coldDocs,
    topN: 3,
    path: "/v1/rerank",
    reply: { body: seedFixture("seed-000-response.json") },
    ranking: [
      [0, 0.99853515625],
      [4, 0.392333984375],
      [1, 0.2069091796875],
    ],
  },
  {
    provider: "siliconflow",
    prefix: "/v1",
    model: "Qwen/Qwen3-Reranker-8B",
    query: seed002Request.query,
    documents: seed002Request.documents,
    topN: seed002Request.top_n,
    path: "/v1/rerank",
    reply: { body: seedFixture("seed-002-response.json") },
    ranking: [
      [0, 0.915543128021105],
      [2, 0.7576691095659295],
    ],
  },
  {
    provider: "dashscope",
    prefix: "/api/v1",
    query: seed002Request.query,
    documents: seed002Request.documents,
    topN: 2,
    path: "/api/v1/services/rerank/text-rerank/text-rerank",
    reply: { body: seedFixture("seed-003-response.json") },
    ranking: dashscopeRanking,
  },
  {
    provider: "dashscope-compatible",
    prefix: "/compatible-api/v1",
    query: seed002Request.query,
    documents: seed002Request.documents,
    topN: 2,
    path: "/compatible-api/v1/reranks",
    reply: { body: seedFixture("seed-003-response.json") },
    ranking: dashscopeRanking,
  },
  ...cases.map(
    (c): ProviderCase => ({
      provider: c.provider,
      prefix: c.prefix,
      ...(c.model !== undefined ? { model: c.model } : {}),
      query: c.request.query,
      documents: c.request.documents,
      ...(c.request.topN !== undefined ? { topN: c.request.topN } : {}),
      ...(c.extraBody !== undefined ? { extraBody: c.extraBody } : {}),
      path: c.expectPath,
      reply: c.reply,
      ranking: c.expectRanking,
    }),
  ),
];

/** Runs the CLI in-process and captures what it writes. */
async function run(argv: string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

type Replay = Awaited<ReturnType<typeof startReplayServer>>;
const servers: Replay[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rerankit-cli-providers-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes the documents one a line and returns the argv for `rank` against a replay of `reply`. */
async function rankArgs(c: ProviderCase, reply: Reply, extra: string[] = []) {
  const server = await startReplayServer([reply]);
  servers.push(server);
  const file = join(dir, `${c.provider}.txt`);
  await writeFile(file, `${c.documents.join("\n")}\n`);
  const argv = [
    "rank",
    "--provider",
    c.provider,
    "--base-url",
    `${server.url}${c.prefix}`,
    "--model",
    c.model ?? getPreset(c.provider)!.defaultModel!,
    "--api-key",
    KEY,
    "--query",
    c.query,
    ...(c.topN !== undefined ? ["--top-n", String(c.topN)] : []),
    ...(c.extraBody !== undefined ? ["--extra-body", JSON.stringify(c.extraBody)] : []),
    ...extra,
    file,
  ];
  return { server, argv };
}

describe("rerankit rank --provider P, for every preset", () => {
  it("has a case for every preset id but rerankit (tested against the real server below)", () => {
    expect(providerCases.map((c) => c.provider).sort()).toEqual(providerIds.filter((id) => id !== "rerankit").sort());
  });

  it.each(providerCases)("$provider: sends to $path and prints the documented ranking with --json", async (c) => {
    const { server, argv } = await rankArgs(c, c.reply, ["--json"]);
    const result = await run(argv);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);

    expect(server.requests).toHaveLength(1);
    const sent = server.requests[0]!;
    expect(sent.path).toBe(c.path);
    // The --api-key flag, in the preset's own header form.
    expect(sent.headers.authorization ?? sent.headers["api-key"]).toMatch(new RegExp(`${KEY}$`));

    const response = JSON.parse(result.stdout) as {
      provider: string;
      model: string;
      scoreKind: string;
      results: Array<{ index: number; relevanceScore: number; document: string }>;
    };
    expect(response.provider).toBe(c.provider);
    expect(response.model).toBe(c.model ?? getPreset(c.provider)!.defaultModel);
    expect(response.scoreKind).toBe(getPreset(c.provider)!.dialect.scoreKindFor?.(undefined) ?? getPreset(c.provider)!.scoreKind);
    expect(response.results.map((r) => [r.index, r.relevanceScore])).toEqual(c.ranking);
    // The CLI asks for documents back: each result carries the line it was given.
    expect(response.results.map((r) => r.document)).toEqual(c.ranking.map(([index]) => c.documents[index]));
  });

  it.each(["nvidia-nim", "tei", "dashscope"] as const)("%s: prints the ranking as a table", async (provider) => {
    const c = providerCases.find((p) => p.provider === provider)!;
    const { argv } = await rankArgs(c, c.reply);
    const result = await run(argv);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    const preset = getPreset(provider)!;
    expect(lines[0]).toBe(
      `${provider} · ${c.model ?? preset.defaultModel} · ${c.ranking.length} of ${c.documents.length} documents (scores: ${preset.scoreKind})`,
    );
    expect(lines[1]).toMatch(/^rank\s+line\s+score\s+text$/);
    expect(lines).toHaveLength(2 + c.ranking.length);
    c.ranking.forEach(([index, score], i) => {
      const cells = lines[2 + i]!.trim().split(/\s+/);
      // One document per line, no blank lines: document `index` is on line index + 1.
      expect(cells.slice(0, 3)).toEqual([String(i + 1), String(index + 1), score.toFixed(4)]);
      expect(c.documents[index]!.replace(/\s+/g, " ").startsWith(cells.slice(3).join(" ").replace(/…$/, ""))).toBe(true);
    });
  });
});

describe("rerankit rank --provider rerankit (the real local server)", () => {
  let server: RerankServer;
  beforeAll(async () => {
    server = await startRerankServer({ apiKey: KEY });
  });
  afterAll(async () => {
    await server.close();
  });

  it("prints the ranking the server answers", async () => {
    const documents = ["Colds are caused by viruses.", "Wash your hands often to prevent a cold.", "Paris is in France."];
    const query = "prevent a cold";
    const raw = await fetch(`${server.url}/v1/rerank`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "rerankit-bm25", query, documents }),
    });
    const answered = ((await raw.json()) as { results: Array<{ index: number; relevance_score: number }> }).results;
    const file = join(dir, "rerankit.txt");
    await writeFile(file, documents.join("\n"));
    const result = await run([
      "rank",
      "--provider",
      "rerankit",
      "--base-url",
      `${server.url}/v1`,
      "--api-key",
      KEY,
      "--json",
      "--query",
      query,
      file,
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const response = JSON.parse(result.stdout) as { results: Array<{ index: number; relevanceScore: number }> };
    expect(response.results.map((r) => [r.index, r.relevanceScore])).toEqual(answered.map((r) => [r.index, r.relevance_score]));
    expect(response.results[0]!.index).toBe(1);
  });
});

describe("rank flags", () => {
  const tei = providerCases.find((c) => c.provider === "tei")!;
  const nim = providerCases.find((c) => c.provider === "nvidia-nim")!;

  it("--extra-body is merged into the request body", async () => {
    const { server, argv } = await rankArgs(tei, tei.reply, ["--extra-body", '{"raw_scores":true,"truncate":true}', "--json"]);
    const result = await run(argv);
    expect(result.code).toBe(0);
    expect(server.requests[0]!.body).toMatchObject({ raw_scores: true, truncate: true, texts: tei.documents });
    // TEI's raw scores are logits: the client says so.
    expect(JSON.parse(result.stdout).scoreKind).toBe("logit");
  });

  it("--extra-body that is not a JSON object is a usage error, and nothing is sent", async () => {
    for (const bad of ["[1,2]", "null", "42", '"text"', "{oops"]) {
      const { server, argv } = await rankArgs(tei, tei.reply, ["--extra-body", bad]);
      const result = await run(argv);
      expect(result.code, bad).toBe(2);
      expect(result.stderr, bad).toMatch(/^UsageError: --extra-body must be a JSON object/);
      expect(server.requests, bad).toHaveLength(0);
    }
  });

  it('--instruct-mode prefix prepends --instruct to the query; "native" refuses it for a provider without the field', async () => {
    const instruct = "Given a question, retrieve passages that answer it.";
    const refused = await rankArgs(nim, nim.reply, ["--instruct", instruct]);
    const native = await run(refused.argv);
    expect(native.code).toBe(1);
    expect(native.stderr).toMatch(/^RerankInputError: --instruct: .*pass --instruct-mode prefix/);
    expect(native.stderr).not.toMatch(/instructMode/);
    expect(refused.server.requests).toHaveLength(0);

    const prefixed = await rankArgs(nim, nim.reply, ["--instruct", instruct, "--instruct-mode", "prefix"]);
    expect((await run(prefixed.argv)).code).toBe(0);
    expect((prefixed.server.requests[0]!.body as { query: { text: string } }).query.text).toBe(`${instruct}\n${nim.query}`);

    const bad = await run([...prefixed.argv.slice(0, -1), "--instruct-mode", "suffix", prefixed.argv.at(-1)!]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^UsageError: --instruct-mode must be native or prefix, not "suffix"/);
  });

  it("--max-retries 0 stops after the first 503; the default retries", async () => {
    const unavailable: Reply = { status: 503, body: { error: "Model is overloaded", error_type: "overloaded" } };
    const once = await rankArgs(tei, unavailable, ["--max-retries", "0"]);
    const result = await run(once.argv);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^RerankServerError: .*503/);
    expect(once.server.requests).toHaveLength(1);

    const twice = await rankArgs(tei, unavailable, ["--max-retries", "1", "--timeout", "30000"]);
    expect((await run(twice.argv)).code).toBe(1);
    expect(twice.server.requests).toHaveLength(2);
  });

  it("--timeout and --max-retries must be integers", async () => {
    const { argv } = await rankArgs(tei, tei.reply);
    const file = argv.at(-1)!;
    const head = argv.slice(0, -1);
    expect((await run([...head, "--timeout", "0", file])).stderr).toMatch(/^UsageError: --timeout must be an integer from 1 up, not "0"/);
    expect((await run([...head, "--max-retries=-1", file])).stderr).toMatch(/^UsageError: --max-retries must be an integer from 0 up/);
    expect((await run([...head, "--timeout", "1.5", file])).code).toBe(2);
  });

  it("--timeout ends a call to a server that never answers with a RerankTimeoutError", async () => {
    const { createServer } = await import("node:http");
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = silent.address() as import("node:net").AddressInfo;
      const file = join(dir, "timeout.txt");
      await writeFile(file, "a\nb\n");
      const result = await run([
        "rank",
        "--provider",
        "tei",
        "--base-url",
        `http://127.0.0.1:${port}`,
        "--query",
        "q",
        "--timeout",
        "50",
        "--max-retries",
        "0",
        file,
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^RerankTimeoutError: /);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("--allow-insecure-http lets plain http reach a host that is not loopback", async () => {
    // The client counts only localhost, *.localhost, 127.x.x.x and ::1 as loopback, so 0.0.0.0 is
    // refused without the flag; with it, the kernel routes a connect to 0.0.0.0 to this machine.
    const { server, argv } = await rankArgs(tei, tei.reply, ["--json"]);
    const at = argv.indexOf("--base-url") + 1;
    argv[at] = argv[at]!.replace("127.0.0.1", "0.0.0.0");
    const refused = await run(argv);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^RerankInputError: --base-url: Refusing plain http to 0\.0\.0\.0.* pass --allow-insecure-http/);
    expect(refused.stderr).not.toMatch(/allowInsecureHttp/);
    expect(server.requests).toHaveLength(0);

    const allowed = await run([...argv.slice(0, -1), "--allow-insecure-http", argv.at(-1)!]);
    expect(allowed.stderr).toBe("");
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.stdout).results.map((r: { index: number }) => r.index)).toEqual(tei.ranking.map(([index]) => index));
    expect(server.requests).toHaveLength(1);
  });

  it("--api-key wins over the preset's environment variable", async () => {
    const cohere = providerCases.find((c) => c.provider === "cohere")!;
    const { server, argv } = await rankArgs(cohere, cohere.reply);
    expect((await run(argv, { COHERE_API_KEY: "env-key-should-lose" })).code).toBe(0);
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("a preset without a default model asks for --model", async () => {
    const vllm = providerCases.find((c) => c.provider === "vllm")!;
    const { server, argv } = await rankArgs(vllm, vllm.reply);
    const at = argv.indexOf("--model");
    const result = await run([...argv.slice(0, at), ...argv.slice(at + 2)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^RerankInputError: --model: vLLM has no default model: pass --model\b/);
    expect(server.requests).toHaveLength(0);
  });
});
