import { isIP } from "node:net";
import { Bm25Reranker, cachedReranker, memoryScoreCache, type Reranker, type ScoreCache } from "@rerankit/core";
import { type RerankServer, type RerankServerOptions, startRerankServer } from "../../server.js";
import type { CliIo, Command } from "../command.js";
import { integerFlag, type ParsedFlags, parseFlags, UsageError } from "../flags.js";
import { importOptionalPeer } from "../optional-peer.js";
import { chooseLlmReranker } from "./serve-llm.js";

/** The `rerankit serve` default port: the `rerankit` preset's base URL is `http://127.0.0.1:8787/v1`. */
export const DEFAULT_PORT = 8787;
const DEFAULT_HOST = "127.0.0.1";
/** `--cache-ttl`'s default: a day. */
export const DEFAULT_CACHE_TTL = 86_400;

const FLAGS = {
  port: { type: "string" },
  host: { type: "string" },
  "api-key": { type: "string" },
  model: { type: "string" },
  llm: { type: "string" },
  dtype: { type: "string" },
  "max-batch-tokens": { type: "string" },
  "local-only": { type: "boolean" },
  "max-documents": { type: "string" },
  "max-body-bytes": { type: "string" },
  "max-json-depth": { type: "string" },
  "max-buffered-bytes": { type: "string" },
  "headers-timeout": { type: "string" },
  "request-timeout": { type: "string" },
  "body-idle-timeout": { type: "string" },
  "allowed-host": { type: "string", multiple: true },
  redis: { type: "string" },
  "memory-cache": { type: "string" },
  "cache-ttl": { type: "string" },
} as const;

type ServeFlags = ParsedFlags<typeof FLAGS>["values"];

const USAGE =
  "rerankit serve [--port N] [--host H] [--api-key K] [--model ID_OR_DIR [model options] | --llm SPEC] [--redis URL | --memory-cache N] [limits…]";

const HELP = `Usage: ${USAGE}

Runs a local rerank server until Ctrl+C (SIGINT) or SIGTERM: BM25 by default (in-process: no model,
no network), or a local model with --model: an ONNX cross-encoder or a Qwen3-Reranker export.

Options:
  --port N       port to listen on; 0 picks a free one          (default ${DEFAULT_PORT})
  --host H       interface to listen on                          (default ${DEFAULT_HOST})
                 Any other than loopback lets other machines in: use --api-key with it.
  --api-key K    require "Authorization: Bearer K" on every route but /health
                 (default: the RERANKIT_API_KEY environment variable; none when unset)
  --model M      rank with a local ONNX model instead of BM25: a cross-encoder, or a Qwen3-Reranker
                 export (told apart by its config.json); a Hugging Face Hub id
                 (e.g. Xenova/ms-marco-MiniLM-L-6-v2) or a folder; needs @rerankit/transformers.
                 Loaded once before listening; a model that fails to load exits with status 1.
  --dtype D      which ONNX weights: fp32, q8, fp16, …                 (default fp32)
  --max-batch-tokens N
                 dynamic batching: concurrent requests run together, up to N padded
                 tokens a forward pass; a full queue answers 503 with Retry-After (default 16384)
                 (cross-encoders only: a Qwen3 reranker runs one forward pass at a time)
  --local-only   never download: the model must be in the folder or the cache
  --llm SPEC     rank with an LLM behind an OpenAI-compatible server instead: logprob:<model>@<baseURL>
                 (e.g. logprob:Qwen/Qwen3-Reranker-0.6B@http://127.0.0.1:8000/v1): each document
                 scored by the model's P("yes"); or listwise:<model>@<baseURL>: RankGPT sliding
                 windows, scores are ranks (needs ai and @ai-sdk/openai-compatible too). Needs
                 @rerankit/llm. The server's key, if it needs one, from RERANKIT_LLM_API_KEY.
  -h, --help     show this help

Score cache (a document's score is computed once, then read back; needs @rerankit/redis for --redis):
  --redis URL    keep scores in Redis or Valkey (redis://, rediss://), shared by every server
                 pointed at it. Only the documents it has no score for are ranked; a Redis that is
                 down or slow never fails a request (a warning on stderr, then uncached).
                 With BM25 (whose scores depend on the whole list) only a repeated identical
                 list is served from the cache; a cross-encoder's scores are reused per document.
  --memory-cache N
                 keep up to N scores in this process instead (least recently used go first)
  --cache-ttl S  seconds a score stays in the cache                    (default ${DEFAULT_CACHE_TTL})

Limits (each answered in the route's own error shape):
  --max-documents N        most documents per request; more get HTTP 413        (default 10000)
  --max-body-bytes N       largest request body in bytes; larger gets HTTP 413   (default 33554432)
  --max-json-depth N       deepest JSON nesting; deeper gets HTTP 400            (default 32)
  --max-buffered-bytes N   body bytes held across all requests; past it HTTP 503 (default 2 × --max-body-bytes)
  --headers-timeout MS     time allowed for the request headers (408 after)      (default 10000)
  --request-timeout MS     time allowed for a whole request (408 after)          (default 60000)
  --body-idle-timeout MS   longest pause inside a request body (408 after)       (default 10000)
  --allowed-host H         also answer to Host H; repeatable; ".example.com" allows subdomains;
                           "any" turns the check off (behind a proxy)
                           (default: localhost, *.localhost, IP addresses and --host)
  Rerank routes need Content-Type: application/json (415 otherwise). A Host that is not
  localhost, an IP address, --host or an --allowed-host gets 403 (DNS rebinding).

Routes:
  POST /v1/rerank, /v2/rerank, /rerank                  Cohere/Jina form; a body with "texts" is TEI form
  POST /api/v1/services/rerank/text-rerank/text-rerank  DashScope native
  POST /compatible-api/v1/reranks                       DashScope compatible
  GET  /health
`;

/**
 * The one place `serve` decides what ranks the documents, and how it names it. A new backend (a
 * local cross-encoder behind `--model ID_OR_DIR`) is a flag in FLAGS, a line in HELP and a branch
 * here; async so that such a branch can `await import()` an optional package and load its model
 * before the server starts listening.
 */
async function chooseReranker(
  values: ServeFlags,
  env: Record<string, string | undefined>,
): Promise<{ reranker: Reranker; label: string; model: string; close?: () => Promise<void> }> {
  if (values.llm !== undefined && values.model !== undefined) throw new UsageError("--model and --llm are two rerankers: pick one");
  if (values.model === undefined) {
    // The local model's flags without a local model (BM25 or --llm).
    const stray = (["dtype", "max-batch-tokens", "local-only"] as const).find((flag) => values[flag] !== undefined);
    if (stray !== undefined) {
      throw new UsageError(
        values.llm !== undefined
          ? `--${stray} applies to a local model (--model), not to --llm`
          : `--${stray} applies to a local model: add --model ID_OR_DIR`,
      );
    }
    if (values.llm !== undefined) return chooseLlmReranker(values.llm, env);
    return { reranker: new Bm25Reranker(), label: "BM25 (in-process; model id rerankit-bm25)", model: "rerankit-bm25" };
  }
  if (values.model.trim() === "") throw new UsageError("--model is blank; give a Hugging Face Hub id or a model folder");
  const maxBatchTokens = integerFlag(values["max-batch-tokens"], "--max-batch-tokens", 1) ?? DEFAULT_MAX_BATCH_TOKENS;
  const transformers = await loadTransformers();
  const options = {
    model: values.model,
    ...(values.dtype !== undefined ? { dtype: values.dtype } : {}),
    localOnly: values["local-only"] === true,
  };
  const failed = (error: unknown): never => {
    throw new ModelLoadError(`could not load --model ${values.model}: ${error instanceof Error ? error.message : String(error)}`);
  };
  const loaded = async <T extends { load(): Promise<void> }>(model: T): Promise<T> => {
    await model.load().catch(failed);
    return model;
  };
  // The model's config says which local reranker runs it (a Qwen3 reranker is no pair scorer).
  const kind = await transformers.localRerankerKind(options).catch(failed);
  if (kind === "qwen3") {
    if (values["max-batch-tokens"] !== undefined) {
      throw new UsageError("--max-batch-tokens applies to a cross-encoder; a Qwen3 reranker scores one request at a time");
    }
    return {
      reranker: await loaded(new transformers.Qwen3Reranker(options)),
      label: `Qwen3 reranker ${values.model} (ONNX Runtime, in-process; one forward pass at a time)`,
      model: values.model,
    };
  }
  const model = await loaded(new transformers.CrossEncoderReranker(options));
  return {
    reranker: new transformers.BatchingReranker({ reranker: model, maxBatchTokens }),
    label: `cross-encoder ${values.model} (ONNX Runtime, in-process; dynamic batching up to ${maxBatchTokens} tokens a pass)`,
    model: values.model,
  };
}

interface ServeCache {
  cache: ScoreCache;
  label: string;
  close(): Promise<void>;
}

/** The score cache the flags ask for, or none; checked (and Redis opened) before a model loads. */
async function chooseCache(values: ServeFlags): Promise<ServeCache | undefined> {
  const ttlSeconds = integerFlag(values["cache-ttl"], "--cache-ttl", 1);
  const memory = integerFlag(values["memory-cache"], "--memory-cache", 1);
  if (values.redis !== undefined && memory !== undefined) throw new UsageError("--redis and --memory-cache are two caches: pick one");
  if (values.redis === undefined && memory === undefined) {
    if (ttlSeconds !== undefined) throw new UsageError("--cache-ttl applies to a score cache: add --redis URL or --memory-cache N");
    return undefined;
  }
  const ttl = ttlSeconds ?? DEFAULT_CACHE_TTL;
  if (memory !== undefined) {
    return {
      cache: memoryScoreCache({ maxEntries: memory, ttlSeconds: ttl }),
      label: `in-process, up to ${memory} scores, ${ttl} s each`,
      close: async () => {},
    };
  }
  const url = values.redis!;
  if (!/^(redis|rediss|valkey|valkeys):\/\/./.test(url))
    throw new UsageError("--redis takes a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379");
  const redis = await loadRedis();
  const cache = redis.redisScoreCache({ url }, { ttlSeconds: ttl });
  return { cache, label: `Redis ${redactUrl(url)}, ${ttl} s a score`, close: () => cache.close() };
}

/** A URL fit to print: the password (and user name) of `redis://user:secret@host` are masked. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === "" && parsed.password === "") return url;
    parsed.username = parsed.username === "" ? "" : "***";
    parsed.password = parsed.password === "" ? "" : "***";
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, "//***@");
  }
}

/** The part of @rerankit/redis that serve uses (an optional peer: typed here, loaded on demand). */
interface RedisPackage {
  redisScoreCache(where: { url: string }, options: { ttlSeconds: number }): ScoreCache & { close(): Promise<void> };
}

/** @rerankit/redis is an optional peer dependency, imported only for --redis. */
function loadRedis(): Promise<RedisPackage> {
  return importOptionalPeer(
    "@rerankit/redis",
    () => new UsageError("--redis needs the @rerankit/redis package: npm install @rerankit/redis"),
  );
}

const DEFAULT_MAX_BATCH_TOKENS = 16_384;

/** The model given to --model could not be loaded (missing, unreadable, or not a cross-encoder). */
export class ModelLoadError extends Error {
  override readonly name = "ModelLoadError";
}

/** The part of @rerankit/transformers that serve uses (an optional peer: typed here, loaded on demand). */
interface TransformersPackage {
  localRerankerKind(options: { model: string; localOnly?: boolean }): Promise<"cross-encoder" | "qwen3">;
  CrossEncoderReranker: new (options: { model: string; dtype?: string; localOnly?: boolean }) => Reranker & { load(): Promise<void> };
  Qwen3Reranker: new (options: { model: string; dtype?: string; localOnly?: boolean }) => Reranker & { load(): Promise<void> };
  BatchingReranker: new (options: { reranker: Reranker & { load(): Promise<void> }; maxBatchTokens?: number }) => Reranker;
}

/**
 * @rerankit/transformers is an optional peer dependency: BM25 serving needs no ONNX Runtime, so it
 * is imported only for --model.
 */
function loadTransformers(): Promise<TransformersPackage> {
  return importOptionalPeer(
    "@rerankit/transformers",
    () =>
      new ModelLoadError(
        "--model needs the @rerankit/transformers package: npm install @rerankit/transformers (ONNXRUNTIME_NODE_INSTALL=skip npm install … on a machine without a GPU)",
      ),
  );
}

export const serve: Command = {
  name: "serve",
  summary: "run a local rerank server (BM25, or a cross-encoder with --model) that speaks the Cohere/Jina, TEI and DashScope dialects",
  usage: USAGE,
  help: HELP,
  flags: FLAGS,
  async run(args, io) {
    const { values, positionals } = parseFlags("serve", args, FLAGS);
    if (positionals.length > 0) throw new UsageError(`serve takes no arguments, got ${JSON.stringify(positionals[0])}`);
    const port = integerFlag(values.port, "--port", 0, 65_535) ?? DEFAULT_PORT;
    const host = values.host ?? DEFAULT_HOST;
    if (host.trim() === "") throw new UsageError("--host is blank; give an interface address such as 127.0.0.1");
    const apiKey = values["api-key"] || io.env.RERANKIT_API_KEY || undefined;
    const limits = limitOptions(values); // checked before a model takes its time to load
    const scoreCache = await chooseCache(values);
    let reranker: Reranker;
    let label: string;
    // An LLM reranker holds a connection pool to its server: closed after the server stops.
    let closeReranker: (() => Promise<void>) | undefined;
    let server: RerankServer;
    try {
      const chosen = await chooseReranker(values, io.env);
      label = chosen.label;
      reranker = chosen.reranker;
      closeReranker = chosen.close;
      if (scoreCache !== undefined) {
        let warned = false;
        reranker = cachedReranker(reranker, scoreCache.cache, {
          provider: "rerankit-serve",
          model: chosen.model,
          // What the reranker says of itself: BM25's idf and average length come from the request's
          // own documents, a listwise LLM orders the whole list.
          listDependent: (chosen.reranker as { listDependent?: unknown }).listDependent === true,
          hooks: {
            onWarning: ({ message }) => {
              if (warned) return;
              warned = true;
              io.stderr.write(`Warning: ${message}; requests are ranked without the cache meanwhile (warned once)\n`);
            },
          },
        });
      }
      try {
        server = await startRerankServer({ port, host, apiKey, reranker, ...limits });
      } catch (error) {
        throw listenError(error, host, port);
      }
    } catch (error) {
      await scoreCache?.close();
      throw error;
    }
    const loopback = isLoopback(host);
    if (!loopback && apiKey === undefined) {
      io.stderr.write(
        `Warning: listening on ${host} without --api-key: anyone who can reach this machine on the network can use this server. ` +
          "Pass --api-key K (or set RERANKIT_API_KEY), or keep the default --host 127.0.0.1.\n",
      );
    }
    io.stdout.write(`Rerankit server listening on ${server.url}\n  Reranker: ${label}\n${clientSnippet(server, host, loopback)}`);
    if (scoreCache !== undefined) io.stdout.write(`  Score cache: ${scoreCache.label}\n`);
    io.stdout.write(`  API key: ${apiKey ? "required (Authorization: Bearer …)" : "none"}\n  Press Ctrl+C to stop.\n`);
    await untilAborted(io);
    await server.close();
    await closeReranker?.();
    await scoreCache?.close();
    io.stdout.write("Rerankit server stopped\n");
    return 0;
  },
};

/** The server limits given as flags; an absent flag leaves the server's default. */
function limitOptions(values: ServeFlags): Partial<RerankServerOptions> {
  const options: Partial<RerankServerOptions> = {
    maxDocuments: integerFlag(values["max-documents"], "--max-documents", 1),
    maxBodyBytes: integerFlag(values["max-body-bytes"], "--max-body-bytes", 1),
    maxJsonDepth: integerFlag(values["max-json-depth"], "--max-json-depth", 1),
    maxBufferedBytes: integerFlag(values["max-buffered-bytes"], "--max-buffered-bytes", 1),
    headersTimeoutMs: integerFlag(values["headers-timeout"], "--headers-timeout", 1),
    requestTimeoutMs: integerFlag(values["request-timeout"], "--request-timeout", 1),
    bodyIdleTimeoutMs: integerFlag(values["body-idle-timeout"], "--body-idle-timeout", 1),
  };
  const hosts = values["allowed-host"];
  if (hosts !== undefined) options.allowedHosts = hosts.includes("any") ? "any" : hosts;
  for (const key of Object.keys(options) as (keyof RerankServerOptions)[]) if (options[key] === undefined) delete options[key];
  return options;
}

/**
 * The RerankClient options that reach this server. RerankClient refuses plain http off loopback
 * (the key would travel unencrypted), so the snippet uses a loopback URL whenever the server also
 * listens there (loopback itself, or a wildcard such as 0.0.0.0), and says what another machine needs.
 */
export function clientSnippet(server: Pick<RerankServer, "url" | "port">, host: string, loopback: boolean): string {
  if (loopback) return `  RerankClient: { provider: "rerankit", baseURL: "${server.url}/v1" }\n`;
  const wildcard = host === "0.0.0.0" || host === "::" || host === "[::]";
  if (wildcard) {
    const local = `http://${host === "0.0.0.0" ? "127.0.0.1" : "[::1]"}:${server.port}/v1`;
    return (
      `  RerankClient: { provider: "rerankit", baseURL: "${local}" }\n` +
      `  From another machine: baseURL "http://<this host's address>:${server.port}/v1" with allowInsecureHttp: true` +
      ` (plain http; a trusted network only), or rerankit rank --base-url … --allow-insecure-http\n`
    );
  }
  return (
    `  RerankClient: { provider: "rerankit", baseURL: "${server.url}/v1", allowInsecureHttp: true }\n` +
    `  (plain http off loopback: RerankClient needs allowInsecureHttp, rerankit rank --allow-insecure-http; a trusted network only)\n`
  );
}

export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  return bare === "::1";
}

/** The server could not listen: the port is taken or not allowed, or the host is not this machine's. */
export class ListenError extends Error {
  override readonly name = "ListenError";
}

/** The listen errors a user can cause, as one line naming the flag that fixes them. */
function listenError(error: unknown, host: string, port: number): unknown {
  switch ((error as NodeJS.ErrnoException).code) {
    case "EADDRINUSE":
      return new ListenError(`port ${port} on ${host} is already in use; pick another with --port N (0 picks a free one)`);
    case "EACCES":
      return new ListenError(`no permission to listen on port ${port}; use a port above 1023 with --port N`);
    case "EADDRNOTAVAIL":
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new ListenError(`cannot listen on --host ${host}: no such interface on this machine`);
    default:
      return error;
  }
}

function untilAborted(io: CliIo): Promise<void> {
  return new Promise((resolve) => {
    if (io.signal === undefined) return; // runs until the process ends
    if (io.signal.aborted) resolve();
    else io.signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
