import { readFile } from "node:fs/promises";
import {
  Bm25Reranker,
  getPreset,
  type ProviderId,
  providerIds,
  RerankClient,
  type RerankClientOptions,
  type RerankDocument,
  RerankInputError,
  type Reranker,
  type RerankResponse,
} from "@rerankit/core";
import type { CliIo, Command } from "../command.js";
import { type InputDocuments, readDocuments } from "../documents.js";
import { inputErrorForCli, integerFlag, numberFlag, parseFlags, requiredText, UsageError } from "../flags.js";
import { formatScore, renderTable, truncate } from "../table.js";

/** `--provider bm25`: rank in-process with core's `Bm25Reranker`, no server and no network. */
const IN_PROCESS = "bm25";

/** Presets with no default model, where --model is required. */
const noDefaultModel = providerIds.filter((id) => getPreset(id)?.defaultModel === undefined && !getPreset(id)?.serverNamesModel);

const FLAGS = {
  provider: { type: "string" },
  query: { type: "string", short: "q" },
  model: { type: "string" },
  "base-url": { type: "string" },
  "api-key": { type: "string" },
  "top-n": { type: "string" },
  "min-score": { type: "string" },
  instruct: { type: "string" },
  "instruct-mode": { type: "string" },
  "extra-body": { type: "string" },
  timeout: { type: "string" },
  "max-retries": { type: "string" },
  "allow-insecure-http": { type: "boolean" },
  json: { type: "boolean" },
} as const;

/** Flags that configure an HTTP client, meaningless for the in-process `bm25`. */
const CLIENT_ONLY_FLAGS = ["base-url", "api-key", "instruct-mode", "extra-body", "timeout", "max-retries", "allow-insecure-http"] as const;

const USAGE = "rerankit rank --provider P --query Q [options] [FILE|-]";

const HELP = `Usage: ${USAGE}

Reranks documents against a query and prints them best first. Documents come from FILE, or from
stdin with "-" or no FILE: one document per line, or JSONL lines with a string "text" field.
Blank lines are not sent (rerank APIs refuse empty documents) but keep their place: each result
names the input line its document came from ("line" in the table; in --json, "line" and an
"index" of line - 1), and the blank lines are listed ("blankLines" in --json).

Options:
  --provider P              a provider preset (required): ${providerIds.join(", ")};
                            or ${IN_PROCESS}: rank in-process with BM25 (no server, no network, no key)
  -q, --query Q             the query (required, not blank)
  --model M                 model id                  (default: the preset's; required for
                            ${noDefaultModel.join(", ")})
  --base-url U              replaces the preset's base URL (e.g. http://127.0.0.1:8787/v1)
  --api-key K               API key                   (default: the preset's environment variable)
  --top-n N                 keep the best N results   (default: all)
  --min-score S             drop results scoring below S, as the provider reports scores
                            (see "scores:" in the title: logits can be negative) (default: keep all)
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

Examples:
  rerankit rank --provider ${IN_PROCESS} --query "how to prevent a cold" docs.txt
  rerankit rank --provider rerankit --query "如何预防感冒" --top-n 3 docs.jsonl
  cat docs.txt | rerankit rank --provider siliconflow --model BAAI/bge-reranker-v2-m3 -q "cold" --json
`;

export const rank: Command = {
  name: "rank",
  summary: "rerank the documents of FILE (or stdin) against a query, through any provider or in-process BM25",
  usage: USAGE,
  help: HELP,
  flags: FLAGS,
  async run(args, io) {
    const { values, positionals } = parseFlags("rank", args, FLAGS);
    const provider = values.provider;
    if (provider === undefined) throw new UsageError(`--provider is required (${IN_PROCESS}, or one of ${providerIds.join(", ")})`);
    const inProcess = provider === IN_PROCESS;
    const preset = inProcess ? undefined : getPreset(provider);
    if (!inProcess && preset === undefined) {
      throw new UsageError(`unknown provider ${JSON.stringify(provider)} for --provider; known: ${IN_PROCESS}, ${providerIds.join(", ")}`);
    }
    // Checked here as well as in core: a blank query must never rank to an empty table and exit 0.
    const query = requiredText(values.query, "--query", "the text to rank the documents against");
    if (positionals.length > 1) throw new UsageError(`rank takes one FILE (or -), got ${positionals.length}: ${positionals.join(" ")}`);
    if (inProcess) {
      const clientFlag = CLIENT_ONLY_FLAGS.find((flag) => values[flag] !== undefined);
      if (clientFlag) throw new UsageError(`--${clientFlag} does not apply to --provider ${IN_PROCESS}, which ranks in-process`);
    }
    const topN = integerFlag(values["top-n"], "--top-n", 1);
    const minScore = numberFlag(values["min-score"], "--min-score");
    const timeoutMs = integerFlag(values.timeout, "--timeout", 1);
    const maxRetries = integerFlag(values["max-retries"], "--max-retries", 0);
    const instructMode = instructModeOf(values["instruct-mode"]);
    const extraBody = extraBodyOf(values["extra-body"]);
    const source = positionals[0] === undefined || positionals[0] === "-" ? "stdin" : positionals[0];
    const input = readDocuments(await readInput(positionals[0], io), source);

    let reranker: Reranker & { close?(): Promise<void> };
    if (inProcess) reranker = new Bm25Reranker();
    else {
      // The same order core uses (its own variable, the provider SDK's, then RERANK_API_KEY), read
      // from the command's environment so that a test or an embedding program can pass its own.
      const apiKey =
        values["api-key"] ||
        (preset?.apiKeyEnv ? io.env[preset.apiKeyEnv] : undefined) ||
        (preset?.sdkApiKeyEnv ? io.env[preset.sdkApiKeyEnv] : undefined) ||
        io.env.RERANK_API_KEY ||
        undefined;
      const baseURL = values["base-url"] ?? (preset ? io.env[preset.baseURLEnv]?.trim() || undefined : undefined);
      const options: RerankClientOptions = {
        provider: provider as ProviderId,
        ...(values.model !== undefined ? { model: values.model } : {}),
        ...(baseURL !== undefined ? { baseURL } : {}),
        ...(apiKey !== undefined ? { apiKey } : {}),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        ...(maxRetries !== undefined ? { maxRetries } : {}),
        ...(instructMode !== undefined ? { instructMode } : {}),
        ...(extraBody !== undefined ? { extraBody } : {}),
        ...(values["allow-insecure-http"] ? { allowInsecureHttp: true } : {}),
      };
      try {
        reranker = new RerankClient(options);
      } catch (error) {
        throw cliError(error, input, source);
      }
    }
    try {
      const response = await reranker.rerank({
        query,
        documents: input.documents,
        returnDocuments: true,
        ...(values.model !== undefined ? { model: values.model } : {}),
        ...(topN !== undefined ? { topN } : {}),
        ...(minScore !== undefined ? { minScore } : {}),
        ...(values.instruct !== undefined ? { instruct: values.instruct } : {}),
      });
      io.stdout.write(values.json ? `${JSON.stringify(byLine(response, input), null, 2)}\n` : formatRanking(response, input));
    } catch (error) {
      throw cliError(error, input, source);
    } finally {
      await reranker.close?.();
    }
    return 0;
  },
};

/** Core's input errors in the command line's words: flags, and input lines instead of array indices. */
function cliError(error: unknown, input: InputDocuments, source: string): unknown {
  if (!RerankInputError.isInstance(error)) return error;
  const documentIndex = /^documents\[(\d+)\]/.exec(error.field)?.[1];
  if (documentIndex !== undefined) {
    const line = (input.lines[Number(documentIndex)] ?? 0) + 1;
    const what = error.message.replace(/^Invalid rerank request: documents\[\d+\](\.text)?/, (_, text) =>
      text ? "the document's text" : "the document",
    );
    return new RerankInputError(`${source} line ${line}: ${what}`, { field: error.field, provider: error.provider });
  }
  return inputErrorForCli(error);
}

/** The response with each result's `index` mapped to its 0-based input line, plus `line` (1-based) and `blankLines`. */
function byLine(response: RerankResponse, input: InputDocuments) {
  return {
    ...response,
    results: response.results.map((r) => ({ ...r, index: input.lines[r.index]!, line: input.lines[r.index]! + 1 })),
    blankLines: input.blankLines,
  };
}

const TEXT_WIDTH = 72;

/** A readable ranked table: rank, input line, score and the start of each document. */
export function formatRanking(response: RerankResponse, input: InputDocuments): string {
  const rows = response.results.map((r, i) => [
    String(i + 1),
    String(input.lines[r.index]! + 1),
    formatScore(r.relevanceScore),
    truncate(textOf(r.document), TEXT_WIDTH),
  ]);
  const blank = input.blankLines.length;
  const title =
    `${response.provider} · ${response.model} · ${response.results.length} of ${input.documents.length} documents` +
    ` (scores: ${response.scoreKind})` +
    (blank > 0 ? ` · blank line${blank > 1 ? "s" : ""} ${input.blankLines.join(", ")} skipped` : "");
  return `${title}\n${renderTable(["rank", "line", "score", "text"], rows, [0, 1, 2])}`;
}

function textOf(document: RerankDocument | undefined): string {
  if (document === undefined) return "";
  return typeof document === "string" ? document : document.text;
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
