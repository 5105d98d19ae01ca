import { checkRankingRequest, RerankError, RerankInputError, type Reranker, type RerankRequest, type RerankResponse } from "@rerankit/core";
import type { PreTrainedModel, PreTrainedTokenizer, Tensor } from "@huggingface/transformers";
import { checkLoadingOptions, loadPretrained, messageOf, ModelSlot, PROVIDER } from "./loader.js";
import { cutForTokens, plainTextEncoder } from "./pair-encoding.js";
import { rankEncoded } from "./request.js";

/**
 * The instruction Qwen3-Reranker's model card uses when none is given: the one for web search.
 */
export const QWEN3_DEFAULT_INSTRUCT = "Given a web search query, retrieve relevant passages that answer the query";

/** The prompt before the instruct, query and document, verbatim from the model card. */
const PREFIX =
  "<|im_start|>system\nJudge whether the Document meets the requirements based on the Query and the Instruct provided. " +
  'Note that the answer can only be "yes" or "no".<|im_end|>\n<|im_start|>user\n';
/** The prompt after the document: the assistant's turn with an empty thinking block. */
const SUFFIX = "<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n";

/** Options of {@link Qwen3Reranker}. Only `model` is required. */
export interface Qwen3RerankerOptions {
  /**
   * A Hugging Face Hub id of an ONNX export of Qwen3-Reranker for transformers.js (a
   * `Qwen3ForCausalLM` with `onnx/model.onnx` or `onnx/model_<dtype>.onnx`), downloaded once into
   * `cacheDir`, or a local folder in that layout (`config.json`, `tokenizer.json`,
   * `tokenizer_config.json`, `onnx/…`). A value starting with `.`, `/` or `~`, or naming an
   * existing folder, is a folder.
   * @example "./models/Qwen3-Reranker-0.6B-ONNX"
   */
  model: string;
  /**
   * Which ONNX weights to load: `"fp32"` is `onnx/model.onnx`, `"q8"` is
   * `onnx/model_quantized.onnx`, `"fp16"`, `"int8"`, `"uint8"`, `"q4"`, `"bnb4"`, `"q4f16"` likewise.
   * @default "fp32"
   */
  dtype?: string;
  /**
   * Prompts per forward pass (each batch is padded to its longest prompt; prompts of similar
   * lengths are batched together).
   * @default 8
   */
  batchSize?: number;
  /**
   * Longest prompt in tokens, the fixed prefix and suffix included. A longer prompt loses tokens
   * from the end of its `<Instruct>/<Query>/<Document>` body (in practice, the end of the
   * document), as the model card's `process_inputs` does.
   * @default 8192 (the model card's), or the model's `max_position_embeddings` if smaller
   */
  maxLength?: number;
  /**
   * The instruction used when a request has no `instruct`.
   * @default "Given a web search query, retrieve relevant passages that answer the query"
   */
  instruct?: string;
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

interface LoadedQwen3 {
  readonly tokenizer: PreTrainedTokenizer;
  readonly model: PreTrainedModel;
  readonly prefixIds: readonly number[];
  readonly suffixIds: readonly number[];
  readonly maxLength: number;
  readonly yesId: number;
  readonly noId: number;
  readonly padId: number;
  readonly keepsLogits: boolean;
  readonly TensorClass: typeof Tensor;
}

const DEFAULT_BATCH_SIZE = 8;
/** The model card's `max_length`. */
const CARD_MAX_LENGTH = 8192;
const WHO = "Qwen3Reranker";

/**
 * Qwen3-Reranker (0.6B/4B/8B) run in-process through transformers.js, scored as its model card
 * specifies: each document is put into the card's chat prompt with the instruction and the query
 * (`<Instruct>: …\n<Query>: …\n<Document>: …`, ending at the assistant's empty `<think>` block), and
 * the score is P("yes"), the softmax over the last position's logits for the tokens "yes" and "no".
 * `scoreKind` is `"probability"`. The request's `instruct` (else the `instruct` option) is the
 * instruction.
 *
 * Prompts are right-padded in a batch and each is scored at its own last token (the same scores as
 * the card's left padding, and what ONNX Runtime's GroupQueryAttention, used by onnx-community's
 * exports, expects); when the graph takes `num_logits_to_keep`, only the last few positions'
 * logits are computed.
 *
 * @example
 * const reranker = new Qwen3Reranker({ model: "./models/Qwen3-Reranker-0.6B-ONNX", localOnly: true });
 * const { results } = await reranker.rerank({ query: "capital of France", documents, instruct: "Given a question, retrieve passages that answer it" });
 */
export class Qwen3Reranker implements Reranker {
  /** The model as given (Hub id or folder); reported as the response's `model`. */
  readonly model: string;
  readonly dtype: string;
  readonly batchSize: number;
  readonly instruct: string;
  readonly localOnly: boolean;
  private readonly options: Qwen3RerankerOptions;
  /** Loaded once; forward passes run one after another. */
  private readonly slot = new ModelSlot<LoadedQwen3>(() => this.loadModel());

  constructor(options: Qwen3RerankerOptions) {
    const bad = (field: string, what: string): never => {
      throw new RerankInputError(`${WHO}: ${field} ${what}.`, { field, provider: PROVIDER });
    };
    if (typeof options !== "object" || options === null) bad("options", "must be an object");
    const { model, dtype = "fp32", batchSize = DEFAULT_BATCH_SIZE, maxLength, threads, localOnly = false } = options;
    const { instruct = QWEN3_DEFAULT_INSTRUCT } = options;
    checkLoadingOptions({ model, dtype, batchSize, maxLength, threads, localOnly }, bad);
    if (typeof instruct !== "string" || instruct.trim() === "") bad("instruct", "must be a string with some non-space text");
    this.options = { ...options };
    this.model = model;
    this.dtype = dtype;
    this.batchSize = batchSize;
    this.instruct = instruct;
    this.localOnly = localOnly;
  }

  /**
   * Loads the tokenizer and the model (once; later calls return the same promise). Rejects with a
   * {@link RerankInputError} (`field: "model"`) when the model cannot be found, or a
   * {@link RerankError} when it cannot be loaded or is no Qwen3-Reranker (no "yes"/"no" tokens).
   * A failed load is retried by the next call.
   */
  load(): Promise<void> {
    return this.slot.get().then(() => undefined);
  }

  /** The longest prompt in tokens, once loaded. */
  async maxLength(): Promise<number> {
    return (await this.slot.get()).maxLength;
  }

  /** Reranks `documents` against `query` under `instruct`: see {@link RerankRequest}. */
  async rerank(request: RerankRequest): Promise<RerankResponse> {
    const ranking = checkRankingRequest(request, PROVIDER);
    const instruct = ranking.instruct ?? this.instruct;
    const prompts = ranking.unique.length === 0 ? [] : await this.encode(ranking.query, ranking.unique, instruct);
    return rankEncoded(
      ranking,
      prompts,
      (prompt) => prompt.length,
      this.batchSize,
      (batch) => this.score(batch),
      this.model,
    );
  }

  /**
   * The prompt's token ids for each document, as the model card's `process_inputs` builds them:
   * the prefix, the `<Instruct>/<Query>/<Document>` body (cut at the end to fit `maxLength`) and
   * the suffix, each tokenized on its own.
   *
   * The body's head (`<Instruct>: …\n<Query>: …\n<Document>:`) is tokenized once per request and
   * each document (` document`) on its own: the byte-level pre-tokenizer always splits between
   * the `:` and the space, so the ids are those of the whole body. User text is cut to a character
   * budget covering `maxLength` tokens before tokenising, and read as plain characters (a
   * `<|im_end|>` in a document cannot close its turn).
   */
  async encode(query: string, documents: readonly string[], instruct: string = this.instruct): Promise<number[][]> {
    const { tokenizer, prefixIds, suffixIds, maxLength } = await this.slot.get();
    const encode = plainTextEncoder(tokenizer);
    const room = maxLength - prefixIds.length - suffixIds.length;
    const head = encode(`<Instruct>: ${cutForTokens(instruct, room)}\n<Query>: ${cutForTokens(query, room)}\n<Document>:`);
    return documents.map((doc) => {
      const body = head.length >= room ? head : [...head, ...encode(` ${cutForTokens(doc, room)}`)];
      return [...prefixIds, ...body.slice(0, room), ...suffixIds];
    });
  }

  /** P("yes") of already encoded prompts, in one forward pass, after any pass already under way. */
  async score(prompts: readonly (readonly number[])[]): Promise<Float64Array> {
    if (prompts.length === 0) return new Float64Array(0);
    return this.slot.run((loaded) => this.forward(loaded, prompts));
  }

  private async forward(loaded: LoadedQwen3, prompts: readonly (readonly number[])[]): Promise<Float64Array> {
    const rows = prompts.length;
    const lengths = prompts.map((p) => p.length);
    const columns = Math.max(...lengths);
    const shortest = Math.min(...lengths);
    const inputIds = new BigInt64Array(rows * columns).fill(BigInt(loaded.padId));
    const attentionMask = new BigInt64Array(rows * columns);
    const positionIds = new BigInt64Array(rows * columns).fill(1n);
    // Right padding, each row's score read at its own last token. The model card pads on the left,
    // which gives the same scores in PyTorch (padding is masked), but ONNX exports that fuse the
    // attention into ONNX Runtime's GroupQueryAttention (onnx-community's) take the number of real
    // tokens per row and assume they come first: with left padding they would read the padding.
    prompts.forEach((prompt, r) => {
      prompt.forEach((id, k) => {
        inputIds[r * columns + k] = BigInt(id);
        attentionMask[r * columns + k] = 1n;
        positionIds[r * columns + k] = BigInt(k);
      });
    });
    const { TensorClass } = loaded;
    const dims = [rows, columns];
    const inputs: Record<string, Tensor> = {
      input_ids: new TensorClass("int64", inputIds, dims),
      attention_mask: new TensorClass("int64", attentionMask, dims),
      position_ids: new TensorClass("int64", positionIds, dims),
    };
    // Every row's last token lies in the last `columns - shortest + 1` positions: a graph that can
    // skip the others' logits (each vocabulary-sized) is told to. Batches are grouped by length, so
    // this is a few positions rather than the whole prompt.
    if (loaded.keepsLogits) inputs.num_logits_to_keep = new TensorClass("int64", BigInt64Array.of(BigInt(columns - shortest + 1)), []);
    let logits: Tensor;
    try {
      ({ logits } = (await loaded.model(inputs)) as { logits: Tensor });
    } catch (error) {
      throw new RerankError(`${WHO}: the model "${this.model}" failed to run: ${messageOf(error)}`, { provider: PROVIDER, cause: error });
    }
    const [, positions, vocab] = logits.dims as [number, number, number];
    // The logits cover the last `positions` columns (all of them without num_logits_to_keep).
    const first = columns - positions;
    const data = logits.data as Float32Array;
    const scores = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      const last = (r * positions + lengths[r]! - 1 - first) * vocab;
      // softmax([no, yes])[1] = 1 / (1 + e^(no − yes)): stable for any logits.
      scores[r] = 1 / (1 + Math.exp(data[last + loaded.noId]! - data[last + loaded.yesId]!));
    }
    return scores;
  }

  private async loadModel(): Promise<LoadedQwen3> {
    const { threads, cacheDir } = this.options;
    const { transformers, tokenizer, model, inputNames } = await loadPretrained({
      who: WHO,
      model: this.model,
      dtype: this.dtype,
      threads,
      localOnly: this.localOnly,
      cacheDir,
      head: "AutoModelForCausalLM",
    });
    const yesId = tokenizer.convert_tokens_to_ids("yes") as unknown;
    const noId = tokenizer.convert_tokens_to_ids("no") as unknown;
    if (typeof yesId !== "number" || typeof noId !== "number") {
      throw new RerankError(`${WHO}: the tokenizer of "${this.model}" has no single "yes" and "no" tokens; is it a Qwen3-Reranker?`, {
        provider: PROVIDER,
      });
    }
    const prefixIds = tokenizer.encode(PREFIX, { add_special_tokens: false });
    const suffixIds = tokenizer.encode(SUFFIX, { add_special_tokens: false });
    const config = model.config as unknown as Record<string, unknown>;
    const positions = typeof config.max_position_embeddings === "number" ? config.max_position_embeddings : CARD_MAX_LENGTH;
    const maxLength = this.options.maxLength ?? Math.min(CARD_MAX_LENGTH, positions);
    if (maxLength <= prefixIds.length + suffixIds.length) {
      throw new RerankInputError(
        `${WHO}: maxLength ${maxLength} leaves no room for the query and document: the prompt's fixed part alone is ${prefixIds.length + suffixIds.length} tokens.`,
        { field: "maxLength", provider: PROVIDER },
      );
    }
    return {
      tokenizer,
      model,
      prefixIds,
      suffixIds,
      maxLength,
      yesId,
      noId,
      padId: tokenizer.pad_token_id ?? 0,
      keepsLogits: inputNames?.includes("num_logits_to_keep") ?? false,
      TensorClass: transformers.Tensor,
    };
  }
}
