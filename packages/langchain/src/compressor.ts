import { type Callbacks, CallbackManager } from "@langchain/core/callbacks/manager";
import { Document, type DocumentInterface } from "@langchain/core/documents";
import { BaseDocumentCompressor } from "@langchain/core/retrievers/document_compressors";
import { type Runnable, RunnableLambda } from "@langchain/core/runnables";
import {
  checkRerankResponse,
  isPassthroughError,
  RerankClient,
  type RerankClientOptions,
  RerankError,
  RerankInputError,
  type Reranker,
  type RerankRequest,
  type RerankResponse,
} from "@rerankit/core";

/** Options of {@link RerankCompressor} that are not client options. */
export interface RerankCompressorSettings {
  /**
   * Any reranker: a {@link RerankClient} you share, a `Bm25Reranker`, or your own. Give either this
   * or `provider` (with the other client options), not both. A reranker you pass is yours to close.
   * @default a RerankClient built from the client options, owned and closed by {@link RerankCompressor.close}
   */
  reranker?: Reranker;
  /**
   * Keep only the best `topN` documents. A positive integer.
   * @default all documents
   * @example 5
   */
  topN?: number;
  /**
   * Drop documents scoring below this, on the provider's own scale (see `scoreKind` in the trace).
   * @default no threshold
   * @example 0.3
   */
  minScore?: number;
  /**
   * A task instruction for instruction-following rerankers (Qwen3), sent in the provider's field.
   * @default none
   * @example "Given a web search query, retrieve relevant passages that answer the query."
   */
  instruct?: string;
  /**
   * The metadata key the score is written under on each returned document.
   * @default "relevanceScore"
   * @example "rerankScore"
   */
  scoreKey?: string;
  /**
   * What `compressDocuments` does when the rerank API fails with a {@link RerankError}: `"throw"`
   * rethrows it; `"passthrough"` reports it to the callbacks (`handleChainError`) and returns
   * copies of the input documents in their original order (topN applied, no score key); so it
   * does for a blank query. Any other {@link RerankInputError} (bad arguments or configuration,
   * e.g. a blank `pageContent`), an abort and a non-Rerank error always throw: falling back would
   * hide a bug rather than ride out an outage (core's `isPassthroughError`).
   * @default "throw"
   */
  onError?: "throw" | "passthrough";
}

/** Options of {@link RerankCompressor}: a `reranker`, or the {@link RerankClientOptions} to build one. */
export type RerankCompressorOptions = RerankCompressorSettings & Partial<RerankClientOptions>;

/** Options of {@link RerankCompressor.rerank}; unset fields fall back to the compressor's. */
export interface RerankCallOptions {
  /** Keep only the best `topN` results. @default the compressor's topN (all documents when unset) */
  topN?: number;
  /** Drop results scoring below this. @default the compressor's minScore */
  minScore?: number;
  /** Task instruction for instruction-following rerankers. @default the compressor's instruct */
  instruct?: string;
  /** Model override for this call. @default the client's model */
  model?: string;
  /** Cancels the call; it rejects with the signal's reason. @default none */
  signal?: AbortSignal;
}

/** The input of {@link RerankCompressor.asRunnable}. */
export interface RerankRunnableInput {
  /** The search query the documents are ranked against. */
  query: string;
  /** The candidates, usually a retriever's output. */
  documents: DocumentInterface[];
}

const SETTINGS = new Set(["reranker", "topN", "minScore", "instruct", "scoreKey", "onError"]);

/**
 * A LangChain.js document compressor that reranks a retriever's documents through any rerank API
 * (DMXAPI, SiliconFlow, DashScope, Cohere, Jina, vLLM, TEI, a local `rerankit serve`, …), or any
 * {@link Reranker}. It returns new `Document`s, best first, each with the same `pageContent` and
 * `id`, a copy of the metadata, and the score under `scoreKey`; the inputs are never mutated.
 *
 * @example
 * import { ContextualCompressionRetriever } from "@langchain/classic/retrievers/contextual_compression";
 * // langchain 0.3: import { ContextualCompressionRetriever } from "langchain/retrievers/contextual_compression";
 * import { RerankCompressor } from "@rerankit/langchain";
 *
 * const retriever = new ContextualCompressionRetriever({
 *   baseRetriever: vectorStore.asRetriever({ k: 20 }),
 *   baseCompressor: new RerankCompressor({ provider: "siliconflow", model: "Qwen/Qwen3-Reranker-8B", topN: 5 }),
 * });
 * const docs = await retriever.invoke("如何预防感冒"); // docs[0].metadata.relevanceScore
 */
export class RerankCompressor extends BaseDocumentCompressor {
  /** The reranker every call goes through. */
  readonly reranker: Reranker;
  /** See {@link RerankCompressorSettings.topN}. */
  readonly topN: number | undefined;
  /** See {@link RerankCompressorSettings.minScore}. */
  readonly minScore: number | undefined;
  /** See {@link RerankCompressorSettings.instruct}. */
  readonly instruct: string | undefined;
  /** See {@link RerankCompressorSettings.scoreKey}. */
  readonly scoreKey: string;
  /** See {@link RerankCompressorSettings.onError}. */
  readonly onError: "throw" | "passthrough";
  readonly #model: string | undefined;
  readonly #ownsReranker: boolean;

  constructor(options: RerankCompressorOptions) {
    super();
    if (typeof options !== "object" || options === null) {
      throw new RerankInputError("RerankCompressor needs an options object with a reranker or a provider.", { field: "options" });
    }
    const { reranker, topN, minScore, instruct, scoreKey = "relevanceScore", onError = "throw" } = options;
    check(topN === undefined || (Number.isInteger(topN) && topN > 0), "topN", "must be a positive integer");
    check(minScore === undefined || (typeof minScore === "number" && Number.isFinite(minScore)), "minScore", "must be a finite number");
    check(instruct === undefined || (typeof instruct === "string" && instruct !== ""), "instruct", "must be a non-empty string");
    check(typeof scoreKey === "string" && scoreKey !== "", "scoreKey", "must be a non-empty string");
    check(onError === "throw" || onError === "passthrough", "onError", 'must be "throw" or "passthrough"');
    const clientOptions = Object.fromEntries(Object.entries(options).filter(([key, value]) => !SETTINGS.has(key) && value !== undefined));
    if (reranker !== undefined) {
      check(typeof (reranker as Partial<Reranker> | null)?.rerank === "function", "reranker", "must have a rerank(request) method");
      const extra = Object.keys(clientOptions).filter((key) => key !== "model");
      check(extra.length === 0, extra[0] ?? "reranker", "is a client option: pass either a reranker or client options, not both");
      this.reranker = reranker;
      this.#model = options.model;
    } else {
      check(options.provider !== undefined, "provider", "is required when no reranker is given");
      this.reranker = new RerankClient(clientOptions as unknown as RerankClientOptions);
    }
    this.#ownsReranker = reranker === undefined;
    this.topN = topN;
    this.minScore = minScore;
    this.instruct = instruct;
    this.scoreKey = scoreKey;
    this.onError = onError;
  }

  /**
   * Reranks `documents` against `query` and returns new Documents, best first (see the class doc).
   * Empty input gives `[]` without a request. Opens a child run named `"RerankCompressor"` on
   * `callbacks`, so the step shows in LangSmith and `streamEvents`.
   */
  async compressDocuments(documents: DocumentInterface[], query: string, callbacks?: Callbacks): Promise<DocumentInterface[]> {
    return this.#compress(documents, query, callbacks, undefined);
  }

  async #compress(documents: DocumentInterface[], query: string, callbacks: Callbacks | undefined, signal: AbortSignal | undefined) {
    check(Array.isArray(documents), "documents", "must be an array of Documents");
    if (documents.length === 0) return [];
    const request = this.#request(
      documents.map((doc) => doc?.pageContent),
      query,
      signal === undefined ? {} : { signal },
    );
    // A "chain" run, not a "retriever" one: a chain run's outputs can carry usage, latency and
    // request ids (a retriever run ends with documents only), and `streamEvents` reports it as
    // on_chain_start / on_chain_end. The base tracer only ends runs of type "chain" this way.
    const runManager = await CallbackManager.configure(callbacks)?.handleChainStart(
      { lc: 1, type: "not_implemented", id: ["rerankit", "RerankCompressor"] },
      { query, documentCount: documents.length, topN: this.topN, minScore: this.minScore, ...this.#describe() },
      undefined,
      undefined,
      undefined,
      undefined,
      "RerankCompressor",
    );
    const started = performance.now();
    let response: RerankResponse;
    try {
      // Core answers a blank query with no results; a compressor would then drop every document.
      if (typeof query !== "string" || query.trim() === "") {
        throw new RerankInputError("RerankCompressor needs a query: compressDocuments(documents, query) got a blank one.", {
          field: "query",
        });
      }
      response = await this.reranker.rerank(request);
      checkRerankResponse(response, documents.length);
    } catch (error) {
      await runManager?.handleChainError(error);
      if (this.onError === "passthrough" && isPassthroughError(error)) {
        return documents.slice(0, this.topN ?? documents.length).map((doc) => copyDocument(doc, doc.metadata));
      }
      throw error;
    }
    const reranked = response.results.map(({ index, relevanceScore }) => {
      const doc = documents[index]!;
      return copyDocument(doc, { ...doc.metadata, [this.scoreKey]: relevanceScore });
    });
    await runManager?.handleChainEnd(traceOutput(reranked, response, performance.now() - started));
    return reranked;
  }

  /**
   * Ranks `documents` (Documents, `{ pageContent }` objects or strings) and returns
   * `{ index, relevanceScore }[]` best first, like `CohereRerank.rerank` from `@langchain/cohere`.
   * Always throws on failure (`onError` applies to `compressDocuments` only).
   */
  async rerank(
    documents: Array<DocumentInterface | string | { pageContent: string }>,
    query: string,
    options: RerankCallOptions = {},
  ): Promise<Array<{ index: number; relevanceScore: number }>> {
    check(Array.isArray(documents), "documents", "must be an array");
    const texts = documents.map((doc) => (typeof doc === "string" ? doc : doc?.pageContent));
    const response = await this.reranker.rerank(this.#request(texts as string[], query, options));
    checkRerankResponse(response, texts.length);
    return response.results.map(({ index, relevanceScore }) => ({ index, relevanceScore }));
  }

  /**
   * This compressor as a Runnable for LCEL chains: `{ query, documents }` in, reranked Documents
   * out, traced as a child of the chain.
   *
   * @example
   * const chain = RunnableSequence.from([
   *   { query: new RunnablePassthrough(), documents: retriever },
   *   compressor.asRunnable(),
   * ]);
   * const docs = await chain.invoke("如何预防感冒");
   */
  asRunnable(): Runnable<RerankRunnableInput, DocumentInterface[]> {
    return RunnableLambda.from((input: RerankRunnableInput, config?: { callbacks?: Callbacks; signal?: AbortSignal }) =>
      this.#compress(input.documents, input.query, config?.callbacks, config?.signal),
    ).withConfig({ runName: "RerankRunnable" });
  }

  /** Closes the client this compressor built from client options (not a `reranker` you passed). */
  async close(): Promise<void> {
    if (this.#ownsReranker) await (this.reranker as RerankClient).close();
  }

  #request(documents: string[], query: string, options: RerankCallOptions): RerankRequest {
    const request: RerankRequest = { query, documents };
    const topN = options.topN ?? this.topN;
    const minScore = options.minScore ?? this.minScore;
    const instruct = options.instruct ?? this.instruct;
    const model = options.model ?? this.#model;
    if (topN !== undefined) request.topN = topN;
    if (minScore !== undefined) request.minScore = minScore;
    if (instruct !== undefined) request.instruct = instruct;
    if (model !== undefined) request.model = model;
    if (options.signal !== undefined) request.signal = options.signal;
    return request;
  }

  /** Provider and model before the call, when the reranker exposes them (a RerankClient does). */
  #describe(): { provider?: string; model?: string } {
    const { provider, model } = this.reranker as { provider?: unknown; model?: unknown };
    return {
      ...(typeof provider === "string" ? { provider } : {}),
      ...(typeof (this.#model ?? model) === "string" ? { model: (this.#model ?? model) as string } : {}),
    };
  }
}

function check(ok: boolean, field: string, problem: string): asserts ok {
  if (!ok) throw new RerankInputError(`RerankCompressor: ${field} ${problem}.`, { field });
}

function copyDocument(doc: DocumentInterface, metadata: Record<string, unknown>): Document {
  return new Document({ pageContent: doc.pageContent, metadata: { ...metadata }, id: doc.id });
}

function traceOutput(documents: Document[], response: RerankResponse, latencyMs: number) {
  return {
    documents,
    provider: response.provider,
    model: response.model,
    scoreKind: response.scoreKind,
    usage: { ...response.usage },
    requestIds: [...response.requestIds],
    latencyMs: Math.round(latencyMs * 10) / 10,
  };
}
