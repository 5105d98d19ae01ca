import type { MessageContent } from "@llamaindex/core/llms";
import type { BaseNodePostprocessor } from "@llamaindex/core/postprocessor";
import type { QueryBundle } from "@llamaindex/core/query-engine";
import { MetadataMode, type NodeWithScore } from "@llamaindex/core/schema";
import { extractText } from "@llamaindex/core/utils";
import {
  adapterOptionError,
  type RerankAdapterSettings,
  RerankAdapterCore,
  type RerankClientOptions,
  type RerankHooks,
  RerankInputError,
  type Reranker,
  type RerankResponse,
  retrievalOrder,
} from "@rerankit/core";

/**
 * Options of {@link RerankPostprocessor}: the settings every Rerankit adapter shares (`reranker`,
 * `topN`, `minScore`, `instruct`, `onError`: see `RerankAdapterSettings` in `@rerankit/core`,
 * checked by the same rules in every adapter), this adapter's own (`metadataMode`,
 * `onPassthrough`, `onResult`, `onAttempt`, `onRetry`), and, without a `reranker`, the options of the `RerankClient` it
 * creates.
 *
 * Raise the retriever's `similarityTopK` above `topN`, or there is little to rerank.
 * `onError: "passthrough"` returns the nodes in retrieval order, `topN` applied, when the rerank
 * API fails (any `RerankError`), the query is missing or the reranker loses nodes; other bad
 * input, a closed client, an abort and a bug still throw.
 */
export interface RerankPostprocessorOptions extends RerankAdapterSettings, Partial<RerankClientOptions> {
  /**
   * Which node text is sent to the rerank API, as `node.getContent(metadataMode)`. The default
   * sends the text with the metadata the node lets into its embedding, so keys listed in
   * `excludedEmbedMetadataKeys` never leave the process. `MetadataMode.NONE` sends bare text.
   * @default MetadataMode.EMBED
   */
  metadataMode?: MetadataMode;
  /**
   * What a failed rerank does: `"throw"` rejects with the error (a `RerankError` from a
   * `RerankClient`); `"passthrough"` returns the nodes in retrieval order, `topN` applied, so
   * the query still gets an answer, when the rerank API fails (any `RerankError`) or the query is
   * missing. Other bad input, an abort and a bug still throw (core's `isPassthroughError`).
   * @default "throw"
   */
  onError?: "throw" | "passthrough";
  /**
   * Called with the error a `"passthrough"` swallowed, so an outage is still seen (log it,
   * count it). Not called in `"throw"` mode.
   * @example (error) => logger.warn({ err: error }, "rerank skipped")
   */
  onPassthrough?: (error: unknown) => void;
  /**
   * Called after each successful rerank with the core response: `usage` (requests, tokens,
   * search units), `requestIds`, `model`, `provider`, `scoreKind`. An error it throws rejects
   * the call, in either `onError` mode.
   * @example ({ usage, requestIds }) => metrics.record(usage.totalTokens, requestIds)
   */
  onResult?: (response: RerankResponse) => void;
  /**
   * Called after each HTTP attempt that got a response (any status), with core's `onResponse`
   * event: `attempt` (from 1 per batch), `batch`, `status`, `durationMs`, `requestId`, and `call`
   * (this postprocessor's call). Fired by a `RerankClient`, owned or passed as `reranker`, for this
   * postprocessor's calls only. Like a client hook, one that throws never breaks the call.
   * @default none
   * @example ({ attempt, status, durationMs }) => metrics.attempt(attempt, status, durationMs)
   */
  onAttempt?: RerankHooks["onResponse"];
  /**
   * Called when a failed attempt will be retried, with core's `onRetry` event: `attempt`,
   * `batch`, `delayMs`, `error`, `call`. Same rules as `onAttempt`.
   * @default none
   * @example ({ attempt, delayMs, error }) => logger.warn({ attempt, delayMs, err: error }, "rerank retry")
   */
  onRetry?: RerankHooks["onRetry"];
}

/**
 * A node as {@link RerankPostprocessor} returns it: a new wrapper around the same (unmutated) node,
 * whose `score` is the reranker's relevance score.
 */
export interface RerankedNodeWithScore extends NodeWithScore {
  /**
   * The retriever's similarity score. When the node went through another RerankPostprocessor first,
   * the retrieval score it recorded is kept.
   */
  retrievalScore?: number | undefined;
}

/** The query a postprocessor may get: a string, multi-modal `MessageContent`, or a query bundle. */
export type RerankQuery = MessageContent | QueryBundle;

const METADATA_MODES: readonly string[] = Object.values(MetadataMode);
const OWN_KEYS = ["metadataMode", "onPassthrough", "onResult", "onAttempt", "onRetry"] as const;

interface OwnSettings {
  metadataMode: MetadataMode;
  onPassthrough: ((error: unknown) => void) | undefined;
  onResult: ((response: RerankResponse) => void) | undefined;
  onAttempt: RerankHooks["onResponse"];
  onRetry: RerankHooks["onRetry"];
}

/** Checks this adapter's own options (the kit checks the shared ones). */
function readOwnSettings(own: { [K in (typeof OWN_KEYS)[number]]?: unknown }): OwnSettings {
  const { metadataMode = MetadataMode.EMBED, onPassthrough, onResult, onAttempt, onRetry } = own;
  if (typeof metadataMode !== "string" || !METADATA_MODES.includes(metadataMode)) {
    throw adapterOptionError("metadataMode", `one of MetadataMode.${METADATA_MODES.join(", MetadataMode.")}`, metadataMode);
  }
  if (onPassthrough !== undefined && typeof onPassthrough !== "function")
    throw adapterOptionError("onPassthrough", "a function", onPassthrough);
  if (onResult !== undefined && typeof onResult !== "function") throw adapterOptionError("onResult", "a function", onResult);
  if (onAttempt !== undefined && typeof onAttempt !== "function") throw adapterOptionError("onAttempt", "a function", onAttempt);
  if (onRetry !== undefined && typeof onRetry !== "function") throw adapterOptionError("onRetry", "a function", onRetry);
  return {
    metadataMode: metadataMode as MetadataMode,
    onPassthrough: onPassthrough as OwnSettings["onPassthrough"],
    onResult: onResult as OwnSettings["onResult"],
    onAttempt: onAttempt as OwnSettings["onAttempt"],
    onRetry: onRetry as OwnSettings["onRetry"],
  };
}

function queryText(query: RerankQuery | undefined): string {
  let content: unknown = query;
  // A query bundle (possibly nested) holds its MessageContent in `query`.
  while (typeof content === "object" && content !== null && !Array.isArray(content) && "query" in content) content = content.query;
  const usable = typeof content === "string" || Array.isArray(content);
  const text = usable ? extractText(content as MessageContent) : "";
  if (text.trim() === "") {
    throw new RerankInputError(
      `RerankPostprocessor needs a query: postprocessNodes(nodes, query) got ${usable ? "one without text" : String(content)}. ` +
        "Query engines and chat engines pass it; pass it yourself when you call the postprocessor directly.",
      { field: "query" },
    );
  }
  return text;
}

/**
 * Reranks the nodes a LlamaIndex.TS retriever found through any rerank API (or any
 * {@link Reranker}), as a node postprocessor of a query engine or chat engine.
 *
 * It returns new `NodeWithScore` wrappers, best first, whose `score` is the relevance score and
 * whose `retrievalScore` keeps the retriever's score. Nodes and their metadata are never mutated.
 *
 * @example
 * const reranker = new RerankPostprocessor({ provider: "siliconflow", model: "BAAI/bge-reranker-v2-m3", topN: 3 });
 * const queryEngine = index.asQueryEngine({
 *   similarityTopK: 20, // the default is 2: give the reranker candidates to choose from
 *   nodePostprocessors: [reranker],
 * });
 * const { message, sourceNodes } = await queryEngine.query({ query: "How do I prevent a cold?" });
 * await reranker.close();
 */
export class RerankPostprocessor implements BaseNodePostprocessor {
  /** The reranker this postprocessor calls. */
  readonly reranker: Reranker;
  readonly #core: RerankAdapterCore<(typeof OWN_KEYS)[number]>;
  readonly #own: OwnSettings;

  /** @throws RerankInputError naming the first invalid option. */
  constructor(options: RerankPostprocessorOptions) {
    const core = new RerankAdapterCore(options, OWN_KEYS);
    try {
      this.#own = readOwnSettings(core.framework);
    } catch (error) {
      void core.close();
      throw error;
    }
    this.#core = core;
    this.reranker = core.reranker;
  }

  /**
   * Reranks `nodes` against `query` (a string, `MessageContent` or query bundle; its text parts
   * are used). Resolves to new wrappers, best first, `topN` and `minScore` applied. No nodes:
   * `[]`, and nothing is sent.
   * @throws RerankInputError when `nodes` is not an array of `NodeWithScore` (in every mode).
   */
  async postprocessNodes(nodes: NodeWithScore[], query?: RerankQuery): Promise<RerankedNodeWithScore[]> {
    if (!Array.isArray(nodes)) throw adapterOptionError("nodes", "an array of NodeWithScore", nodes);
    if (nodes.length === 0) return [];
    const { metadataMode, onPassthrough, onResult, onAttempt, onRetry } = this.#own;
    const documents = nodes.map((input, i) => {
      if (typeof (input as Partial<NodeWithScore> | null)?.node?.getContent !== "function") {
        throw new RerankInputError(`nodes[${i}] must be a NodeWithScore ({ node, score }) whose node has getContent().`, {
          field: `nodes[${i}]`,
        });
      }
      return input.node.getContent(metadataMode);
    });
    // The events are the kit's call hooks (an error onResult or onPassthrough throws rejects the
    // call, in either mode; the attempt events are client hooks, which never break it).
    const outcome = await this.#core.run(
      { query: () => queryText(query), documents },
      {
        onResult: onResult && (({ response }) => onResult(response)),
        onError: onPassthrough && (({ error, passthrough }) => (passthrough ? onPassthrough(error) : undefined)),
        onResponse: onAttempt,
        onRetry,
      },
    );
    if (outcome.passedThrough) return retrievalOrder(nodes, this.#core.settings.topN).map((input) => wrap(input, input.score));
    return outcome.response.results.map((result) => wrap(nodes[result.index]!, result.relevanceScore));
  }

  /** Closes the connection pool of the client this postprocessor created (never a `reranker` you passed). */
  close(): Promise<void> {
    return this.#core.close();
  }
}

function wrap(input: NodeWithScore, score: number | undefined): RerankedNodeWithScore {
  const earlier = (input as RerankedNodeWithScore).retrievalScore;
  const retrievalScore = typeof earlier === "number" ? earlier : input.score;
  // The usual wrapper, `{ node, score }` and nothing else, is built directly: the same object the
  // spread below makes (same keys, same order), without the spread's ~0.5 µs a node.
  if (isBareNodeWithScore(input)) return { node: input.node, score, retrievalScore };
  return { ...input, score, retrievalScore };
}

/** Own enumerable keys exactly `node` then `score` (or `node` alone), and no symbol keys. */
function isBareNodeWithScore(input: NodeWithScore): boolean {
  const keys = Object.keys(input);
  const bare = keys.length === 2 ? keys[0] === "node" && keys[1] === "score" : keys.length === 1 && keys[0] === "node";
  return bare && Object.getOwnPropertySymbols(input).length === 0;
}
