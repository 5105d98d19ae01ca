import { type Callbacks, CallbackManager } from "@langchain/core/callbacks/manager";
import { Document, type DocumentInterface } from "@langchain/core/documents";
import { BaseDocumentCompressor } from "@langchain/core/retrievers/document_compressors";
import { type Runnable, RunnableLambda } from "@langchain/core/runnables";
import {
  type AdapterCallHooks,
  adapterOptionError,
  type RerankAdapterSettings,
  RerankAdapterCore,
  type RerankClientOptions,
  type Reranker,
  type RerankResponse,
  retrievalOrder,
} from "@rerankit/core";

/**
 * Options of {@link RerankCompressor} that are not client options: the settings every Rerankit
 * adapter shares (`reranker`, `topN`, `minScore`, `instruct`, `onError`: see
 * `RerankAdapterSettings` in `@rerankit/core`, checked by the same rules in every adapter) and
 * `scoreKey`.
 *
 * `onError: "passthrough"` reports the error to the callbacks (`handleChainError`) and returns
 * copies of the input documents in their original order (topN applied, no score key); so it does
 * for a blank query and for a reranker that loses documents. Other bad input (e.g. a blank
 * `pageContent`), a closed client, an abort and a non-Rerank error always throw.
 */
export interface RerankCompressorSettings extends RerankAdapterSettings {
  /**
   * The metadata key the score is written under on each returned document. A non-empty string.
   * @default "relevanceScore"
   * @example "rerankScore"
   */
  scoreKey?: string;
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
  readonly #core: RerankAdapterCore<"scoreKey">;

  /** @throws RerankInputError naming the first bad option. */
  constructor(options: RerankCompressorOptions) {
    super();
    const core = new RerankAdapterCore(options, ["scoreKey"]);
    const { scoreKey = "relevanceScore" } = core.framework;
    if (typeof scoreKey !== "string" || scoreKey === "") {
      void core.close();
      throw adapterOptionError("scoreKey", "a non-empty string", scoreKey);
    }
    this.#core = core;
    this.reranker = core.reranker;
    this.topN = core.settings.topN;
    this.minScore = core.settings.minScore;
    this.instruct = core.settings.instruct;
    this.onError = core.settings.onError;
    this.scoreKey = scoreKey;
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
    if (!Array.isArray(documents)) throw adapterOptionError("documents", "an array of Documents", documents);
    if (documents.length === 0) return [];
    const trace = this.#trace(callbacks, query);
    const outcome = await this.#core.run({ query, documents: documents.map((doc) => doc?.pageContent), signal }, trace.hooks);
    if (outcome.passedThrough) return retrievalOrder(documents, this.topN).map((doc) => copyDocument(doc, doc.metadata));
    const reranked = outcome.response.results.map(({ index, relevanceScore }) => {
      const doc = documents[index]!;
      return copyDocument(doc, { ...doc.metadata, [this.scoreKey]: relevanceScore });
    });
    await trace.end(reranked);
    return reranked;
  }

  /**
   * The child run on `callbacks`, fed by the adapter kit's call hooks. A "chain" run, not a
   * "retriever" one: a chain run's outputs can carry usage, latency and request ids (a retriever
   * run ends with documents only), and `streamEvents` reports it as on_chain_start / on_chain_end.
   * Each HTTP attempt of a `RerankClient` (owned or borrowed) is a custom event on the run
   * (`rerank_attempt` per response, `rerank_retry` per retry: `on_custom_event` in `streamEvents`),
   * and the run's outputs list them (`attempts`, `retries`), so a trace shows what a call retried.
   */
  #trace(callbacks: Callbacks | undefined, query: string): { hooks: AdapterCallHooks; end(documents: Document[]): Promise<void> } {
    const manager = CallbackManager.configure(callbacks);
    if (manager === undefined) return { hooks: {}, end: async () => {} };
    let run: Awaited<ReturnType<CallbackManager["handleChainStart"]>> | undefined;
    let result: { response: RerankResponse; durationMs: number } | undefined;
    const attempts: TraceAttempt[] = [];
    const retries: TraceRetry[] = [];
    // Client hooks are synchronous: the custom events they send are awaited before the run ends.
    const pending: Promise<void>[] = [];
    const emit = (name: string, data: TraceAttempt | TraceRetry) => {
      if (run) pending.push(run.handleCustomEvent(name, data).catch(() => {}));
    };
    const settle = async () => {
      await Promise.all(pending);
    };
    const hooks: AdapterCallHooks = {
      async onCallStart({ call }) {
        run = await manager.handleChainStart(
          { lc: 1, type: "not_implemented", id: ["rerankit", "RerankCompressor"] },
          {
            query,
            documentCount: call.documents,
            topN: call.topN,
            minScore: call.minScore,
            ...(call.provider === undefined ? {} : { provider: call.provider }),
            ...(call.model === undefined ? {} : { model: call.model }),
          },
          undefined,
          undefined,
          undefined,
          undefined,
          "RerankCompressor",
        );
      },
      onResponse({ attempt, batch, status, durationMs, requestId }) {
        const data: TraceAttempt = { batch, attempt, status, durationMs: round(durationMs) };
        if (requestId !== undefined) data.requestId = requestId;
        attempts.push(data);
        emit("rerank_attempt", data);
      },
      onRetry({ attempt, batch, delayMs, error }) {
        const data: TraceRetry = { batch, attempt, delayMs: Math.round(delayMs), error: `${error.name}: ${error.message}` };
        retries.push(data);
        emit("rerank_retry", data);
      },
      async onError({ error }) {
        await settle();
        await run?.handleChainError(error);
      },
      onResult(event) {
        result = event;
      },
    };
    return {
      hooks,
      // The run ends with the Documents compressDocuments returns: the step's output in the trace.
      end: async (documents) => {
        await settle();
        if (result) await run?.handleChainEnd(traceOutput(documents, result.response, result.durationMs, attempts, retries));
      },
    };
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
    if (!Array.isArray(documents)) throw adapterOptionError("documents", "an array", documents);
    const texts = documents.map((doc) => (typeof doc === "string" ? doc : doc?.pageContent));
    const outcome = await this.#core.run({ ...options, query, documents: texts, onError: "throw" });
    if (outcome.passedThrough) throw outcome.error; // not reached: onError is "throw"
    return outcome.response.results.map(({ index, relevanceScore }) => ({ index, relevanceScore }));
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
  close(): Promise<void> {
    return this.#core.close();
  }
}

function copyDocument(doc: DocumentInterface, metadata: Record<string, unknown>): Document {
  return new Document({ pageContent: doc.pageContent, metadata: { ...metadata }, id: doc.id });
}

/** One HTTP attempt that got a response, as the trace records it. */
interface TraceAttempt {
  batch: number;
  attempt: number;
  status: number;
  durationMs: number;
  requestId?: string;
}

/** One retry, as the trace records it (the error's name and message: never a key). */
interface TraceRetry {
  batch: number;
  attempt: number;
  delayMs: number;
  error: string;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function traceOutput(documents: Document[], response: RerankResponse, latencyMs: number, attempts: TraceAttempt[], retries: TraceRetry[]) {
  return {
    documents,
    provider: response.provider,
    model: response.model,
    scoreKind: response.scoreKind,
    usage: { ...response.usage },
    requestIds: [...response.requestIds],
    latencyMs: round(latencyMs),
    attempts,
    retries,
  };
}
