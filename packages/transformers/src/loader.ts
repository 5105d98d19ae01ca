/**
 * The one model loader of this package's local rerankers (`CrossEncoderReranker`, `Qwen3Reranker`):
 * where a model is (Hub id, folder, or its cached copy), the options every `from_pretrained` gets,
 * load-once (a failed load is retried by the next call), and the serial queue of forward passes.
 */
import { existsSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { RerankConnectionError, RerankError, RerankInputError } from "@rerankit/core";
import { defaultModelCacheDir, isUnreachable, unreachableHubMessage } from "./model-cache.js";
import type { PreTrainedModel, PreTrainedTokenizer } from "@huggingface/transformers";

export const PROVIDER = "transformers";

/** What a local reranker asks the loader for. */
export interface ModelSource {
  /** The reranker's class name, for messages. */
  readonly who: string;
  /** The model as given: a Hub id or a folder. */
  readonly model: string;
  readonly dtype: string;
  readonly threads?: number | undefined;
  readonly localOnly: boolean;
  readonly cacheDir?: string | undefined;
  /** The transformers.js class that reads the weights. */
  readonly head: "AutoModelForSequenceClassification" | "AutoModelForCausalLM";
}

/** A loaded tokenizer and model, and the transformers.js module they came from. */
export interface Pretrained {
  readonly transformers: typeof import("@huggingface/transformers");
  readonly tokenizer: PreTrainedTokenizer;
  readonly model: PreTrainedModel;
  /** The graph's input names (ONNX Runtime's session). */
  readonly inputNames: readonly string[] | undefined;
}

interface ModelLocation {
  /** What transformers.js is given: the Hub id, or the folder's absolute path. */
  readonly id: string;
  /** The absolute folder, when `model` is one (or, with localOnly, its copy in the cache). */
  readonly folder: string | undefined;
  /** The folder is the cache's copy of a Hub id. */
  readonly cached?: boolean;
}

/** Where transformers.js finds the model, and the options every `from_pretrained` of it gets. */
async function locate(source: Pick<ModelSource, "who" | "model" | "localOnly" | "cacheDir">) {
  const { who, model: name, localOnly } = source;
  const transformers = await import("@huggingface/transformers");
  // A per-user folder that survives reinstalls, not transformers.js's own inside node_modules.
  const cacheDir = source.cacheDir ?? defaultModelCacheDir();
  let location = modelLocation(name);
  if (location.folder === undefined && localOnly) {
    // transformers.js 4.3 looks up tokenizer_config.json on the Hub even with
    // `local_files_only` (its get_tokenizer_files drops the options), so a Hub id never reaches
    // it with localOnly: we load the cached copy as a folder, which it never fetches for.
    location = { id: name, folder: resolve(cacheDir, name), cached: true };
  }
  if (location.folder !== undefined && !isDirectory(location.folder)) {
    const where = location.cached
      ? `in the cache "${cacheDir}" (localOnly: nothing was downloaded)`
      : `the folder "${location.folder}" does not exist`;
    throw new RerankInputError(`${who}: model "${name}" was not found: ${where}.`, { field: "model", provider: PROVIDER });
  }
  // A folder never needs the network (and transformers.js would otherwise treat a missing optional
  // file, such as generation_config.json, as a failed download): one rule for both rerankers.
  const pretrained = { local_files_only: localOnly || location.folder !== undefined, cache_dir: cacheDir };
  const fail = (error: unknown) => loadError(error, name, location, localOnly, cacheDir, who);
  return { transformers, from: location.folder ?? location.id, pretrained, fail };
}

/** Finds the model, then loads its config, tokenizer and weights on the CPU. */
export async function loadPretrained(source: ModelSource): Promise<Pretrained> {
  const { transformers, from, pretrained, fail } = await locate(source);
  const { threads } = source;
  try {
    // The config first: a missing model fails there with a "not found" (a missing tokenizer
    // would fail inside transformers.js with an unrelated TypeError).
    const config = await transformers.AutoConfig.from_pretrained(from, pretrained);
    const tokenizer = await transformers.AutoTokenizer.from_pretrained(from, pretrained);
    const model = await transformers[source.head].from_pretrained(from, {
      ...pretrained,
      config,
      device: "cpu",
      dtype: source.dtype as never,
      ...(threads !== undefined ? { session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 } } : {}),
    });
    const session = (model as unknown as { sessions: Record<string, { inputNames: string[] } | undefined> }).sessions.model;
    return { transformers, tokenizer, model, inputNames: session?.inputNames };
  } catch (error) {
    throw fail(error);
  }
}

/**
 * Which of this package's rerankers runs `model`, read from its config (found as the rerankers
 * find it): `"qwen3"` for a Qwen3 causal LM (Qwen3-Reranker), else `"cross-encoder"`. What
 * `rerankit serve --model` uses to pick one.
 * @throws RerankInputError (`field: "model"`) when the model is not found.
 */
export async function localRerankerKind(options: {
  model: string;
  localOnly?: boolean;
  cacheDir?: string;
}): Promise<"cross-encoder" | "qwen3"> {
  const { transformers, from, pretrained, fail } = await locate({ who: "localRerankerKind", localOnly: false, ...options });
  let config: Record<string, unknown>;
  try {
    config = (await transformers.AutoConfig.from_pretrained(from, pretrained)) as unknown as Record<string, unknown>;
  } catch (error) {
    throw fail(error);
  }
  const architectures = Array.isArray(config.architectures) ? config.architectures : [];
  return config.model_type === "qwen3" || architectures.includes("Qwen3ForCausalLM") ? "qwen3" : "cross-encoder";
}

/**
 * A model loaded once and run one forward pass at a time (ONNX Runtime already uses every thread
 * for one pass). `get()` starts the load on first use; a failed load is forgotten, so the next
 * call tries again.
 */
export class ModelSlot<T> {
  #loading: Promise<T> | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly load: () => Promise<T>) {}

  get(): Promise<T> {
    this.#loading ??= this.load().catch((error: unknown) => {
      this.#loading = undefined;
      throw error;
    });
    return this.#loading;
  }

  /** Runs `pass` on the loaded model after any pass already under way. */
  async run<R>(pass: (loaded: T) => Promise<R>): Promise<R> {
    const loaded = await this.get();
    const run = this.#queue.then(() => pass(loaded));
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

function modelLocation(model: string): ModelLocation {
  const looksLikePath = /^[./~]/.test(model) || isAbsolute(model) || model.includes("\\") || isDirectory(model);
  if (!looksLikePath) return { id: model, folder: undefined };
  const expanded = model.startsWith("~/") ? `${process.env.HOME ?? "~"}${model.slice(1)}` : model;
  // An absolute path, so transformers.js never mistakes a relative one (`models/x`) for a Hub id.
  const folder = resolve(expanded);
  return { id: folder, folder };
}

function isDirectory(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function loadError(error: unknown, model: string, location: ModelLocation, localOnly: boolean, cacheDir: string, who: string): RerankError {
  const message = messageOf(error);
  if (location.folder === undefined && isUnreachable(error)) {
    return new RerankConnectionError(unreachableHubMessage(who, model, cacheDir, message), { provider: PROVIDER, cause: error });
  }
  const notFound =
    (error as { name?: string } | undefined)?.name === "ModelFileNotFoundError" ||
    /not found|ENOENT|no such file|could not locate/i.test(message);
  if (notFound) {
    const where =
      location.folder !== undefined && !location.cached
        ? `in the folder "${location.folder}"`
        : localOnly
          ? `in the cache "${cacheDir}" (localOnly: nothing was downloaded)`
          : `on the Hub or in the cache "${cacheDir}"`;
    return new RerankInputError(`${who}: model "${model}" was not found ${where}: ${message}`, {
      field: "model",
      provider: PROVIDER,
      cause: error,
    });
  }
  return new RerankError(`${who}: could not load model "${model}": ${message}`, { provider: PROVIDER, cause: error });
}

/**
 * The loading options every local reranker of this package shares (`CrossEncoderReranker`,
 * `Qwen3Reranker`), each checked by one rule; `bad` throws the caller's own RerankInputError.
 */
export function checkLoadingOptions(
  options: { model: unknown; dtype: unknown; batchSize: unknown; maxLength: unknown; threads: unknown; localOnly: unknown },
  bad: (field: string, what: string) => never,
): void {
  const { model, dtype, batchSize, maxLength, threads, localOnly } = options;
  if (typeof model !== "string" || model.trim() === "") bad("model", "must be a Hub id or a folder");
  if (typeof dtype !== "string" || dtype === "") bad("dtype", 'must be a string such as "fp32" or "q8"');
  if (!(Number.isSafeInteger(batchSize) && (batchSize as number) > 0)) bad("batchSize", "must be a positive integer");
  if (maxLength !== undefined && !(Number.isSafeInteger(maxLength) && (maxLength as number) > 0))
    bad("maxLength", "must be a positive integer");
  if (threads !== undefined && !(Number.isSafeInteger(threads) && (threads as number) > 0)) bad("threads", "must be a positive integer");
  if (typeof localOnly !== "boolean") bad("localOnly", "must be a boolean");
}
