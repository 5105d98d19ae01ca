import {
  type JSONObject,
  NoSuchModelError,
  type ProviderV3,
  type RerankingModelV3,
  type RerankingModelV3CallOptions,
  type SharedV3ProviderMetadata,
  type SharedV3Warning,
} from "@ai-sdk/provider";
import {
  type AdapterCall,
  adapterOptionError,
  checkCallSettings,
  combineHooks,
  type RerankAdapterSettings,
  RerankAdapterCore,
  RerankClient,
  type RerankClientOptions,
  RerankError,
  type RerankHooks,
  RerankInputError,
  type Reranker,
  type RerankRequest,
  retrievalOrder,
} from "@rerankit/core";

/**
 * Options of {@link createRerankit} that are not client options: the adapter settings every
 * Rerankit adapter shares (`reranker`, and defaults for every call: `topN`, `minScore`,
 * `instruct`, `onError`), and the AI SDK's own.
 */
export interface RerankitProviderSettings extends RerankAdapterSettings {
  /**
   * Any reranker: a `RerankClient` you share, a `Bm25Reranker`, a `CrossEncoderReranker`, or your
   * own. Give either this or `provider` (with the other client options), not both; beside it only
   * `model` is allowed. A reranker you pass is yours to close.
   * @default a RerankClient built from the client options on the first call, closed by `close()`
   */
  reranker?: Reranker | undefined;
  /**
   * How an object document (`rerank({ documents: [{ … }] })`) becomes the text that is ranked.
   * @default JSON.stringify, as the AI SDK's own reranking providers do
   * @example (document) => `${document.title}\n${document.body}`
   */
  documentText?: (document: JSONObject) => string;
}

/** What {@link createRerankit} takes: a `reranker`, or the `RerankClientOptions` to build one. */
export type RerankitProviderOptions = RerankitProviderSettings & Partial<RerankClientOptions>;

/**
 * Per-call options, under `providerOptions.rerankit` of `rerank()`.
 * @example rerank({ model, query, documents, providerOptions: { rerankit: { instruct: "…", minScore: 0.2 } } })
 */
export interface RerankitCallOptions {
  /** A task instruction for instruction-following rerankers (Qwen3), sent in the provider's own field. @default none */
  instruct?: string;
  /** Drop documents scoring below this, on the provider's own scale (see `providerMetadata.rerankit.scoreKind`). @default none */
  minScore?: number;
  /** The deadline of this call, retries included. @default the client's `timeoutMs` */
  timeoutMs?: number;
  /**
   * Provider fields sent as they are with this call's requests, over the client's `extraBody`.
   * @default none
   * @example { max_chunks_per_doc: 4 }
   */
  extraBody?: Record<string, unknown>;
}

/** A provider for the AI SDK's `rerank()`: `rerankit.reranking(modelId?)` is a reranking model. */
export interface RerankitProvider extends ProviderV3 {
  /** A reranking model; `modelId` overrides the client's model. Same as `rerankingModel`. */
  (modelId?: string): RerankitRerankingModel;
  /** A reranking model; without `modelId` the client's (or the preset's default) model. */
  reranking(modelId?: string): RerankitRerankingModel;
  /** The AI SDK provider interface's name for {@link RerankitProvider.reranking}. */
  rerankingModel(modelId?: string): RerankitRerankingModel;
  /** Closes the client this provider built (never a `reranker` you passed). Safe to call more than once. */
  close(): Promise<void>;
}

const CALL_OPTIONS = new Set(["instruct", "minScore", "timeoutMs", "extraBody"]);

/**
 * Creates an AI SDK provider over Rerankit: every dialect (DMXAPI, SiliconFlow, DashScope, Cohere,
 * Jina, vLLM, TEI, …), batching of long lists, retries and validation behind `rerank()`.
 *
 * @example
 * import { rerank } from "ai";
 * import { createRerankit } from "@rerankit/ai-sdk";
 *
 * const rerankit = createRerankit({ provider: "siliconflow" }); // reads SILICONFLOW_API_KEY
 * const { ranking } = await rerank({
 *   model: rerankit.reranking("Qwen/Qwen3-Reranker-8B"),
 *   query: "如何预防感冒",
 *   documents,
 *   topN: 5,
 *   providerOptions: { rerankit: { instruct: "Given a question, retrieve passages that answer it." } },
 * });
 */
export function createRerankit(options: RerankitProviderOptions): RerankitProvider {
  // The adapter kit whole: the settings rule, owning (built on the first call, as the AI SDK's
  // providers read their API key then: a module-level `createRerankit(...)` does not fail an
  // import where the key is unset) or borrowing, the request build, the result check, passthrough.
  const warnings = new WarningCollector();
  const core = new RerankAdapterCore(options, ["documentText"], {
    createReranker: (clientOptions) => new RerankClient({ ...clientOptions, hooks: combineHooks(clientOptions.hooks, warnings.hooks) }),
  });
  const documentText = core.framework.documentText ?? JSON.stringify;
  if (typeof documentText !== "function") throw adapterOptionError("documentText", "a function", documentText);
  const { provider: label, model } = core.describe(0);
  const providerName = label === undefined ? "rerankit" : `rerankit.${label}`;
  const defaultModelId = model ?? "default";
  const reranking = (modelId?: string) => {
    if (modelId !== undefined && (typeof modelId !== "string" || modelId.trim() === "")) {
      throw adapterOptionError("modelId", "a non-blank string", modelId);
    }
    return new RerankitRerankingModel({
      provider: providerName,
      modelId,
      defaultModelId,
      core,
      documentText: documentText as (document: JSONObject) => string,
      warnings: core.owned ? warnings : undefined,
    });
  };
  const noSuchModel = (modelType: "languageModel" | "embeddingModel" | "imageModel") => (modelId: string) => {
    throw new NoSuchModelError({
      modelId,
      modelType,
      message: `rerankit provides reranking models only (asked for ${modelType} "${modelId}").`,
    });
  };
  const provider = ((modelId?: string) => reranking(modelId)) as RerankitProvider;
  Object.assign(provider, {
    specificationVersion: "v3",
    reranking,
    rerankingModel: reranking,
    languageModel: noSuchModel("languageModel"),
    embeddingModel: noSuchModel("embeddingModel"),
    imageModel: noSuchModel("imageModel"),
    close: () => core.close(),
  });
  return provider;
}

type RerankingResult = Awaited<ReturnType<RerankingModelV3["doRerank"]>>;

interface ModelConfig {
  provider: string;
  modelId: string | undefined;
  defaultModelId: string;
  /** The provider's adapter core: its settings, its reranker (owned or borrowed), its call. */
  core: RerankAdapterCore<"documentText">;
  documentText: (document: JSONObject) => string;
  /** Collects the client's `onWarning` events of each call (a client the provider built). */
  warnings: WarningCollector | undefined;
}

/**
 * Routes the client's warnings (`onWarning`) to the call they belong to: the request object a
 * call was given is matched in `onCallStart`, so each `doRerank` returns its own warnings.
 */
class WarningCollector {
  readonly #byRequest = new WeakMap<RerankRequest, SharedV3Warning[]>();
  readonly #byCall = new Map<string, SharedV3Warning[]>();
  readonly hooks: RerankHooks = {
    onCallStart: ({ call, request }) => {
      const list = this.#byRequest.get(request);
      if (list) this.#byCall.set(call.id, list);
    },
    onWarning: ({ call, message }) => {
      const list = call ? this.#byCall.get(call.id) : undefined;
      list?.push({ type: "other", message });
    },
    onResult: ({ call }) => {
      this.#byCall.delete(call.id);
    },
    onError: ({ call }) => {
      this.#byCall.delete(call.id);
    },
  };

  track(request: RerankRequest, into: SharedV3Warning[]): void {
    this.#byRequest.set(request, into);
  }
}

/**
 * A `RerankingModelV3` (AI SDK 6; AI SDK 7 takes v3 models as they are) over a Rerankit
 * {@link Reranker}. Its errors are Rerankit's own (`RerankRateLimitError`, …), already retried by
 * the client: the AI SDK retries only its `APICallError`, so retries never multiply.
 */
export class RerankitRerankingModel implements RerankingModelV3 {
  readonly specificationVersion = "v3" as const;
  readonly provider: string;
  // Not a #private field: ai 7 wraps a v3 model in a Proxy, and `#config` read through the proxy throws.
  private readonly config: ModelConfig;

  constructor(config: ModelConfig) {
    this.provider = config.provider;
    this.config = config;
  }

  get modelId(): string {
    return this.config.modelId ?? this.config.defaultModelId;
  }

  async doRerank(options: RerankingModelV3CallOptions): Promise<RerankingResult> {
    const { documents, query, topN, abortSignal, providerOptions, headers } = options;
    const warnings: SharedV3Warning[] = [];
    const callOptions = readCallOptions(providerOptions?.rerankit, warnings);
    if (headers !== undefined && Object.keys(headers).length > 0) {
      warnings.push({
        type: "unsupported",
        feature: "headers",
        details: "Set headers on createRerankit({ headers }); per-call headers are not sent.",
      });
    }
    const texts = documents.type === "text" ? documents.values : documents.values.map((value) => this.config.documentText(value));
    // Per call: the SDK's topN and providerOptions, else the provider's settings (the kit resolves them).
    const { core, warnings: collector } = this.config;
    const call: AdapterCall = {
      query,
      documents: texts,
      topN,
      minScore: callOptions.minScore,
      instruct: callOptions.instruct,
      model: this.config.modelId,
      signal: abortSignal,
      timeoutMs: callOptions.timeoutMs,
      extraBody: callOptions.extraBody,
    };
    const outcome = await core.run(call, collector ? { onCallStart: ({ request }) => collector.track(request, warnings) } : {});
    if (outcome.passedThrough) return passthrough(texts.length, core.resolve(call).topN, outcome.error, warnings);
    const { response } = outcome;
    const metadata: JSONObject = {
      provider: response.provider,
      model: response.model,
      scoreKind: response.scoreKind,
      requests: response.usage.requests,
      requestIds: response.requestIds,
    };
    if (response.usage.totalTokens !== undefined) metadata.totalTokens = response.usage.totalTokens;
    if (response.usage.searchUnits !== undefined) metadata.searchUnits = response.usage.searchUnits;
    const providerMetadata: SharedV3ProviderMetadata = { rerankit: metadata };
    const result: RerankingResult = {
      ranking: response.results.map(({ index, relevanceScore }) => ({ index, relevanceScore })),
      providerMetadata,
      warnings,
      response: { modelId: response.model, timestamp: new Date() },
    };
    if (response.requestIds[0] !== undefined) result.response!.id = response.requestIds[0];
    return result;
  }
}

/**
 * The retrieval order (topN applied) for `onError: "passthrough"`. The ranking needs a score: each
 * gets 0, `providerMetadata.rerankit.passthrough` is true, and a warning says why.
 */
function passthrough(count: number, topN: number | undefined, error: unknown, warnings: SharedV3Warning[]): RerankingResult {
  const name = RerankError.isInstance(error) ? error.name : "Error";
  const message = error instanceof Error ? error.message : String(error);
  warnings.push({ type: "other", message: `rerank failed (${name}: ${message}); the documents are in retrieval order, each with score 0` });
  const indices = retrievalOrder(
    Array.from({ length: count }, (_, i) => i),
    topN,
  );
  return {
    ranking: indices.map((index) => ({ index, relevanceScore: 0 })),
    providerMetadata: { rerankit: { passthrough: true, error: name } },
    warnings,
  };
}

/** Reads `providerOptions.rerankit`: a wrong type is a RerankInputError, an unknown key a warning. */
function readCallOptions(raw: unknown, warnings: SharedV3Warning[]): RerankitCallOptions {
  if (raw === undefined) return {};
  check(typeof raw === "object" && raw !== null && !Array.isArray(raw), "providerOptions.rerankit", "must be an object");
  const options = raw as Record<string, unknown>;
  for (const key of Object.keys(options)) {
    if (!CALL_OPTIONS.has(key)) {
      warnings.push({
        type: "unsupported",
        feature: `providerOptions.rerankit.${key}`,
        details: `Known options: ${[...CALL_OPTIONS].join(", ")}.`,
      });
    }
  }
  try {
    // The kit's one rule for minScore and instruct, the field named where the SDK user set it.
    checkCallSettings({ minScore: options.minScore, instruct: options.instruct });
  } catch (error) {
    const field = `providerOptions.rerankit.${(error as RerankInputError).field}`;
    throw new RerankInputError(`${field}${(error as Error).message.slice((error as RerankInputError).field.length)}`, { field });
  }
  const { timeoutMs, extraBody } = options;
  check(
    timeoutMs === undefined || (typeof timeoutMs === "number" && timeoutMs > 0),
    "providerOptions.rerankit.timeoutMs",
    "must be a positive number",
  );
  check(
    extraBody === undefined || (typeof extraBody === "object" && extraBody !== null && !Array.isArray(extraBody)),
    "providerOptions.rerankit.extraBody",
    "must be an object",
  );
  return options as RerankitCallOptions;
}

function check(ok: boolean, field: string, message: string): asserts ok {
  if (!ok) throw new RerankInputError(`${field} ${message}.`, { field });
}
