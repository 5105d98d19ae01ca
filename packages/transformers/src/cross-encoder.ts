import { checkRankingRequest, RerankError, RerankInputError, type Reranker, type RerankRequest, type RerankResponse } from "@rerankit/core";
import type { PreTrainedModel, PreTrainedTokenizer, Tensor } from "@huggingface/transformers";
import { checkLoadingOptions, loadPretrained, messageOf, ModelSlot, PROVIDER } from "./loader.js";
import {
  cutForTokens,
  type EncodedPair,
  encodePair,
  type PairTemplate,
  padBatch,
  plainTextEncoder,
  readPairTemplate,
} from "./pair-encoding.js";
import { rankEncoded } from "./request.js";

/** Options of {@link CrossEncoderReranker}. Only `model` is required. */
export interface CrossEncoderRerankerOptions {
  /**
   * A Hugging Face Hub id of an ONNX cross-encoder (downloaded once into `cacheDir`), or a local
   * folder in the Hugging Face layout: `config.json`, `tokenizer.json`, `tokenizer_config.json`,
   * `onnx/model.onnx` (or `onnx/model_<dtype>.onnx`). A value starting with `.`, `/` or `~`, or
   * naming an existing folder, is a folder.
   * @example "Xenova/ms-marco-MiniLM-L-6-v2"
   * @example "./models/bge-reranker-base"
   */
  model: string;
  /**
   * Which ONNX weights to load: `"fp32"` is `onnx/model.onnx`, `"q8"` is
   * `onnx/model_quantized.onnx`, `"fp16"`, `"int8"`, `"uint8"`, `"q4"`, `"bnb4"`, `"q4f16"` likewise.
   * @default "fp32"
   * @example "q8" // about 4× smaller and faster on CPU, scores within about 0.01
   */
  dtype?: string;
  /**
   * Pairs per forward pass. Larger batches amortise overhead; each batch is padded to its longest pair.
   * @default 32
   */
  batchSize?: number;
  /**
   * Longest pair in tokens, special tokens included. Longer pairs are truncated on the document side
   * (the query is cut only when it alone fills the limit) and keep their closing separator.
   * @default the model's own limit (`model_max_length` in tokenizer_config.json, else the
   * config's `max_position_embeddings`), e.g. 512
   */
  maxLength?: number;
  /**
   * ONNX Runtime intra-op threads for this model.
   * @default ONNX Runtime's default (one per physical core)
   */
  threads?: number;
  /**
   * Never touch the network: the model must be in the folder, or already in `cacheDir` for a Hub id.
   * A missing model then fails with a {@link RerankInputError} (`field: "model"`) naming the model
   * and where it was looked for.
   * @default false
   */
  localOnly?: boolean;
  /**
   * Where models downloaded from the Hub are kept (and looked for with `localOnly`).
   * @default `RERANKIT_MODELS_DIR`, else a per-user cache folder (`~/.cache/rerankit/models`): see {@link defaultModelCacheDir}
   */
  cacheDir?: string;
}

/** What a loaded model needs to score pairs. */
interface Loaded {
  readonly tokenizer: PreTrainedTokenizer;
  readonly model: PreTrainedModel;
  readonly template: PairTemplate;
  readonly maxLength: number;
  readonly padId: number;
  readonly inputNames: ReadonlySet<string>;
  readonly TensorClass: typeof Tensor;
}

const DEFAULT_BATCH_SIZE = 32;
/** Fallback when neither the tokenizer nor the config states a limit. */
const FALLBACK_MAX_LENGTH = 512;
/** tokenizer_config.json's `model_max_length` when a model sets none (Python's `int(1e30)`). */
const UNSET_MAX_LENGTH = 1e29;

/**
 * A local neural reranker: an ONNX cross-encoder run in-process through transformers.js (ONNX
 * Runtime for Node). No API key, no network once the model is on disk.
 *
 * Each document is read together with the query as a text pair (query first), so the model sees
 * both at once; the head's logits become probabilities: the sigmoid of a one-logit head
 * (ms-marco MiniLM/TinyBERT, bge-reranker, jina-reranker v1/v2, mxbai-rerank v1) or the softmax of
 * the second logit of a two-logit head. `scoreKind` is therefore `"probability"`.
 *
 * The model loads on the first `rerank()` (or `load()`), once. Batches run one at a time per
 * instance; for serving many concurrent callers wrap it in a {@link BatchingReranker}.
 *
 * @example
 * const reranker = new CrossEncoderReranker({ model: "Xenova/ms-marco-MiniLM-L-6-v2" });
 * const { results } = await reranker.rerank({ query: "capital of France", documents, topN: 3 });
 */
export class CrossEncoderReranker implements Reranker {
  /** The model as given (Hub id or folder); reported as the response's `model`. */
  readonly model: string;
  readonly dtype: string;
  readonly batchSize: number;
  readonly localOnly: boolean;
  private readonly options: CrossEncoderRerankerOptions;
  /** Loaded once; forward passes run one after another (ONNX Runtime already uses every thread for one). */
  private readonly slot = new ModelSlot<Loaded>(() => this.loadModel());

  constructor(options: CrossEncoderRerankerOptions) {
    const bad = (field: string, what: string): never => {
      throw new RerankInputError(`CrossEncoderReranker: ${field} ${what}.`, { field, provider: PROVIDER });
    };
    if (typeof options !== "object" || options === null) bad("options", "must be an object");
    const { model, dtype = "fp32", batchSize = DEFAULT_BATCH_SIZE, maxLength, threads, localOnly = false } = options;
    checkLoadingOptions({ model, dtype, batchSize, maxLength, threads, localOnly }, bad);
    this.options = { ...options };
    this.model = model;
    this.dtype = dtype;
    this.batchSize = batchSize;
    this.localOnly = localOnly;
  }

  /**
   * Loads the tokenizer and the model (once; later calls return the same promise). Rejects with a
   * {@link RerankInputError} (`field: "model"`) when the model cannot be found, or a
   * {@link RerankError} when it cannot be loaded. A failed load is retried by the next call.
   */
  load(): Promise<void> {
    return this.slot.get().then(() => undefined);
  }

  /** The longest pair in tokens, once loaded. */
  async maxLength(): Promise<number> {
    return (await this.slot.get()).maxLength;
  }

  /** Reranks `documents` against `query`: see {@link RerankRequest}. `instruct` is ignored. */
  async rerank(request: RerankRequest): Promise<RerankResponse> {
    const ranking = checkRankingRequest(request, PROVIDER);
    const pairs = ranking.unique.length === 0 ? [] : await this.encode(ranking.query, ranking.unique);
    return rankEncoded(
      ranking,
      pairs,
      (pair) => pair.inputIds.length,
      this.batchSize,
      (batch) => this.score(batch),
      this.model,
    );
  }

  /**
   * Tokenizes `query` (once) with each document into model-ready pairs (truncated to
   * `maxLength`). Each text is cut to a character budget covering `maxLength` tokens before the
   * tokenizer reads it, and read as plain characters (a `[SEP]` in a document is not a separator).
   */
  async encode(query: string, documents: readonly string[]): Promise<EncodedPair[]> {
    const { tokenizer, template, maxLength } = await this.slot.get();
    const encode = plainTextEncoder(tokenizer);
    const queryIds = encode(cutForTokens(query, maxLength));
    return documents.map((doc) => encodePair(template, queryIds, encode(cutForTokens(doc, maxLength)), maxLength));
  }

  /**
   * Relevance probabilities of already encoded pairs, in one forward pass (the caller picks the
   * batch). Runs after any pass already under way on this instance.
   */
  async score(pairs: readonly EncodedPair[]): Promise<Float64Array> {
    if (pairs.length === 0) return new Float64Array(0);
    return this.slot.run((loaded) => this.forward(loaded, pairs));
  }

  private async forward(loaded: Loaded, pairs: readonly EncodedPair[]): Promise<Float64Array> {
    const batch = padBatch(pairs, loaded.padId);
    const dims = [batch.rows, batch.columns];
    const inputs: Record<string, Tensor> = {
      input_ids: new loaded.TensorClass("int64", batch.inputIds, dims),
      attention_mask: new loaded.TensorClass("int64", batch.attentionMask, dims),
    };
    if (loaded.inputNames.has("token_type_ids")) inputs.token_type_ids = new loaded.TensorClass("int64", batch.tokenTypeIds, dims);
    let logits: Tensor;
    try {
      ({ logits } = (await loaded.model(inputs)) as { logits: Tensor });
    } catch (error) {
      throw new RerankError(`CrossEncoderReranker: the model "${this.model}" failed to run: ${messageOf(error)}`, {
        provider: PROVIDER,
        cause: error,
      });
    }
    return headScores(logits.data as Float32Array, batch.rows, this.model);
  }

  private async loadModel(): Promise<Loaded> {
    const { threads, cacheDir } = this.options;
    const { transformers, tokenizer, model, inputNames } = await loadPretrained({
      who: "CrossEncoderReranker",
      model: this.model,
      dtype: this.dtype,
      threads,
      localOnly: this.localOnly,
      cacheDir,
      head: "AutoModelForSequenceClassification",
    });
    const template = pairTemplateOf(tokenizer, this.model);
    const config = model.config as unknown as Record<string, unknown>;
    const maxLength = this.options.maxLength ?? modelMaxLength(tokenizer, config);
    return {
      tokenizer,
      model,
      template,
      maxLength,
      padId: tokenizer.pad_token_id ?? 0,
      inputNames: new Set(inputNames ?? ["input_ids", "attention_mask", "token_type_ids"]),
      TensorClass: transformers.Tensor,
    };
  }
}

/** Probabilities from a `[rows, labels]` logits matrix: sigmoid for one label, softmax's second for two. */
export function headScores(logits: ArrayLike<number>, rows: number, model = "the model"): Float64Array {
  const labels = logits.length / rows;
  const scores = new Float64Array(rows);
  if (labels === 1) {
    for (let r = 0; r < rows; r++) scores[r] = 1 / (1 + Math.exp(-logits[r]!));
  } else if (labels === 2) {
    // softmax([a, b])[1] = 1 / (1 + e^(a − b)): the sigmoid of the difference, stable for any logits.
    for (let r = 0; r < rows; r++) scores[r] = 1 / (1 + Math.exp(logits[2 * r]! - logits[2 * r + 1]!));
  } else {
    throw new RerankError(
      `CrossEncoderReranker: ${model} has a head with ${labels} outputs; a reranker has one (a relevance logit) or two (not relevant, relevant).`,
      { provider: PROVIDER },
    );
  }
  return scores;
}

/** Reads the tokenizer's pair template from a probe pair of two one-token texts. */
function pairTemplateOf(tokenizer: PreTrainedTokenizer, model: string): PairTemplate {
  const probes = ["a", "b", "x", "y", "1", "2"];
  const single = probes
    .map((text) => ({ text, ids: tokenizer.encode(text, { add_special_tokens: false }) }))
    .filter((p) => p.ids.length === 1);
  for (let i = 0; i + 1 < single.length; i++) {
    const first = single[i]!;
    const second = single[i + 1]!;
    if (first.ids[0] === second.ids[0]) continue;
    const encoded = tokenizer(first.text, { text_pair: second.text, return_tensor: false, return_token_type_ids: true }) as unknown as {
      input_ids: number[];
      token_type_ids?: number[];
    };
    const template = readPairTemplate(encoded.input_ids, encoded.token_type_ids, first.ids, second.ids);
    if (template !== undefined) return template;
  }
  throw new RerankError(
    `CrossEncoderReranker: the tokenizer of ${model} does not encode text pairs as "prefix query separator document suffix".`,
    {
      provider: PROVIDER,
    },
  );
}

function modelMaxLength(tokenizer: PreTrainedTokenizer, config: Record<string, unknown>): number {
  const fromTokenizer = tokenizer.model_max_length;
  if (Number.isFinite(fromTokenizer) && fromTokenizer > 0 && fromTokenizer < UNSET_MAX_LENGTH) return fromTokenizer;
  const positions = config.max_position_embeddings;
  if (typeof positions === "number" && positions > 0) {
    // RoBERTa-family position ids start after the padding index, two slots in.
    return /roberta|camembert/.test(String(config.model_type)) ? positions - 2 : positions;
  }
  return FALLBACK_MAX_LENGTH;
}
