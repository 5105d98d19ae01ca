import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import {
  getPreset,
  providerIds,
  RerankClient,
  type RerankClientOptions,
  type RerankDocument,
  RerankInputError,
  type RerankResponse,
} from "@rerankit/core";
import { startRerankServer } from "../server.js";
import { parseDocuments } from "./documents.js";
import { UsageError } from "./usage-error.js";

/** Where the CLI reads and writes; the bin passes the process's own, tests pass their own. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Read only when documents come from stdin (`-` or no FILE). */
  stdin?: AsyncIterable<string | Buffer> & { isTTY?: boolean };
  /** Environment for API keys (`RERANKIT_API_KEY` for serve; the preset's variable for rank). */
  env: Record<string, string | undefined>;
  /** `serve` runs until this aborts (the bin aborts it on SIGINT and SIGTERM). */
  signal?: AbortSignal;
}

/** The `rerankit serve` default port: the `rerankit` preset's base URL is `http://127.0.0.1:8787/v1`. */
export const DEFAULT_PORT = 8787;

const MAIN_HELP = `rerankit: rerank documents through any rerank API, or serve a local one.

Usage:
  rerankit serve [--port N] [--host H] [--api-key K]
  rerankit rank --provider P --query Q [options] [FILE|-]
  rerankit <command> --help

Commands:
  serve   run a local rerank server (BM25) that speaks the Cohere/Jina, TEI and DashScope dialects
  rank    rerank the documents of FILE (or stdin) against a query, through any provider preset
`;

const SERVE_HELP = `Usage: rerankit serve [--port N] [--host H] [--api-key K]

Runs a local rerank server until Ctrl+C (SIGINT) or SIGTERM.

Options:
  --port N       port to listen on; 0 picks a free one          (default ${DEFAULT_PORT})
  --host H       interface to listen on                          (default 127.0.0.1)
  --api-key K    require "Authorization: Bearer K" on every route but /health
                 (default: the RERANKIT_API_KEY environment variable; none when unset)
  -h, --help     show this help

Routes:
  POST /v1/rerank, /v2/rerank, /rerank                  Cohere/Jina form; a body with "texts" is TEI form
  POST /api/v1/services/rerank/text-rerank/text-rerank  DashScope native
  POST /compatible-api/v1/reranks                       DashScope compatible
  GET  /health
`;

/** Presets with no default model, where --model is required. */
const noDefaultModel = providerIds.filter((id) => getPreset(id)?.defaultModel === undefined);

const RANK_HELP = `Usage: rerankit rank --provider P --query Q [options] [FILE|-]

Reranks documents against a query and prints them best first. Documents come from FILE, or from
stdin with "-" or no FILE: one document per line, or JSONL lines with a string "text" field.

Options:
  --provider P              a provider preset (required): ${providerIds.join(", ")}
  --query Q                 the query (required)
  --model M                 model id                  (default: the preset's; required for
                            ${noDefaultModel.join(", ")})
  --base-url U              replaces the preset's base URL (e.g. http://127.0.0.1:8787/v1)
  --api-key K               API key                   (default: the preset's environment variable)
  --top-n N                 keep the best N results   (default: all)
  --instruct I              task instruction, for Qwen3 rerankers
  --instruct-mode M         native: refuse --instruct where the provider has no instruction field;
                            prefix: prepend it to the query instead      (default native)
  --extra-body JSON         a JSON object of provider fields merged into every request body
                            (e.g. '{"truncate":"END"}' for nvidia-nim)
  --timeout MS              deadline for the whole call, retries included (default 60000)
  --max-retries N           retries on 408, 429, 5xx and connection errors (default 2)
  --allow-insecure-http     allow http:// to a host that is not loopback (a trusted network only)
  --json                    print the RerankResponse as JSON instead of a table
  -h, --help                show this help

Without --api-key, the key comes from the preset's environment variable (e.g. SILICONFLOW_API_KEY),
then RERANK_API_KEY. It is never printed.
`;

/**
 * Runs the `rerankit` command line and resolves its exit code: 0 on success, 1 on any error
 * (printed to stderr as `Name: message`, never with an API key in it).
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      io.stdout.write(MAIN_HELP);
      return 0;
    }
    if (command === "serve") return await serve(rest, io);
    if (command === "rank") return await rank(rest, io);
    throw new UsageError(`unknown command ${JSON.stringify(command)}; run rerankit --help`);
  } catch (error) {
    io.stderr.write(`${errorLine(error)}\n`);
    return 1;
  }
}

function errorLine(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    // parseArgs reports unknown or malformed flags as TypeErrors with an ERR_PARSE_ARGS_* code.
    const name = typeof code === "string" && code.startsWith("ERR_PARSE_ARGS") ? "UsageError" : error.name;
    return `${name}: ${error.message}`;
  }
  return `Error: ${String(error)}`;
}

function integer(value: string | undefined, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
    throw new UsageError(
      `${flag} must be an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? " up" : ` to ${max}`}, not ${JSON.stringify(value)}`,
    );
  }
  return n;
}

async function serve(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "api-key": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout.write(SERVE_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`serve takes no arguments, got ${JSON.stringify(positionals[0])}`);
  const apiKey = values["api-key"] || io.env.RERANKIT_API_KEY || undefined;
  const server = await startRerankServer({
    port: integer(values.port, "--port", 0, 65_535) ?? DEFAULT_PORT,
    host: values.host ?? "127.0.0.1",
    apiKey,
  });
  io.stdout.write(
    `Rerankit server listening on ${server.url}\n` +
      `  RerankClient: { provider: "rerankit", baseURL: "${server.url}/v1" }\n` +
      `  API key: ${apiKey ? "required (Authorization: Bearer …)" : "none"}\n` +
      `  Press Ctrl+C to stop.\n`,
  );
  await new Promise<void>((resolve) => {
    if (io.signal?.aborted) resolve();
    else io.signal?.addEventListener("abort", () => resolve(), { once: true });
  });
  await server.close();
  io.stdout.write("Rerankit server stopped\n");
  return 0;
}

async function rank(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      provider: { type: "string" },
      model: { type: "string" },
      "base-url": { type: "string" },
      "api-key": { type: "string" },
      "top-n": { type: "string" },
      instruct: { type: "string" },
      "instruct-mode": { type: "string" },
      "extra-body": { type: "string" },
      timeout: { type: "string" },
      "max-retries": { type: "string" },
      "allow-insecure-http": { type: "boolean" },
      query: { type: "string", short: "q" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout.write(RANK_HELP);
    return 0;
  }
  const provider = values.provider;
  const query = values.query;
  if (provider === undefined) throw new UsageError(`--provider is required (one of ${providerIds.join(", ")})`);
  const preset = getPreset(provider);
  if (preset === undefined) throw new UsageError(`unknown provider ${JSON.stringify(provider)}; known: ${providerIds.join(", ")}`);
  if (query === undefined) throw new UsageError("--query is required");
  if (positionals.length > 1) throw new UsageError(`rank takes one FILE (or -), got ${positionals.length}`);
  const topN = integer(values["top-n"], "--top-n", 1);
  const timeoutMs = integer(values.timeout, "--timeout", 1);
  const maxRetries = integer(values["max-retries"], "--max-retries", 0);
  const instructMode = instructModeOf(values["instruct-mode"]);
  const extraBody = extraBodyOf(values["extra-body"]);

  const documents = parseDocuments(await readInput(positionals[0], io));
  const apiKey = values["api-key"] || (preset.apiKeyEnv ? io.env[preset.apiKeyEnv] : undefined) || io.env.RERANK_API_KEY || undefined;
  const options: RerankClientOptions = {
    provider: provider as (typeof providerIds)[number],
    ...(values.model !== undefined ? { model: values.model } : {}),
    ...(values["base-url"] !== undefined ? { baseURL: values["base-url"] } : {}),
    ...(apiKey !== undefined ? { apiKey } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(maxRetries !== undefined ? { maxRetries } : {}),
    ...(instructMode !== undefined ? { instructMode } : {}),
    ...(extraBody !== undefined ? { extraBody } : {}),
    ...(values["allow-insecure-http"] ? { allowInsecureHttp: true } : {}),
  };
  const client = new RerankClient(options);
  try {
    const response = await client.rerank({
      query,
      documents,
      returnDocuments: true,
      ...(topN !== undefined ? { topN } : {}),
      ...(values.instruct !== undefined ? { instruct: values.instruct } : {}),
    });
    io.stdout.write(values.json ? `${JSON.stringify(response, null, 2)}\n` : formatTable(response, documents.length));
  } catch (error) {
    // The client asks for `model`; on the command line that is the --model flag.
    if (RerankInputError.isInstance(error) && error.field === "model" && values.model === undefined) {
      throw new RerankInputError(`${preset.label} has no default model: pass --model M (the model id the server serves).`, {
        field: "model",
        provider,
      });
    }
    throw error;
  } finally {
    await client.close();
  }
  return 0;
}

function instructModeOf(value: string | undefined): "native" | "prefix" | undefined {
  if (value === undefined || value === "native" || value === "prefix") return value;
  throw new UsageError(`--instruct-mode must be native or prefix, not ${JSON.stringify(value)}`);
}

function extraBodyOf(value: string | undefined): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new UsageError(`--extra-body must be a JSON object, and ${JSON.stringify(value)} is not valid JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`--extra-body must be a JSON object (like '{"truncate":"END"}'), not ${value}`);
  }
  return parsed as Record<string, unknown>;
}

async function readInput(file: string | undefined, io: CliIo): Promise<string> {
  if (file !== undefined && file !== "-") {
    try {
      return await readFile(file, "utf8");
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  if (io.stdin === undefined || (file === undefined && io.stdin.isTTY)) {
    throw new UsageError("give a FILE of documents, or pipe them on stdin with -");
  }
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

const TEXT_WIDTH = 72;

/** A readable ranked table: rank, input index, score and the start of each document. */
export function formatTable(response: RerankResponse, documentCount: number): string {
  const rows = response.results.map((r, i) => [
    String(i + 1),
    String(r.index),
    formatScore(r.relevanceScore),
    truncate(textOf(r.document)),
  ]);
  const header = ["rank", "index", "score", "text"];
  const widths = [0, 1, 2].map((c) => Math.max(header[c]!.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c < 3 ? cell.padStart(widths[c]!) : cell)).join("  ");
  const title = `${response.provider} · ${response.model} · ${response.results.length} of ${documentCount} documents (scores: ${response.scoreKind})`;
  return `${[title, line(header), ...rows.map(line)].join("\n")}\n`;
}

function formatScore(score: number): string {
  return Math.abs(score) >= 1000 ? score.toExponential(3) : score.toFixed(4);
}

function textOf(document: RerankDocument | undefined): string {
  if (document === undefined) return "";
  return typeof document === "string" ? document : document.text;
}

/** Cuts to about TEXT_WIDTH terminal columns, counting CJK characters as two. */
function truncate(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  let width = 0;
  let out = "";
  for (const char of flat) {
    const w = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(char) ? 2 : 1;
    if (width + w > TEXT_WIDTH - 1) return `${out}…`;
    out += char;
    width += w;
  }
  return out;
}
