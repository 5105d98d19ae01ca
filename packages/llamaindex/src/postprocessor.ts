import type { MessageContent } from "@llamaindex/core/llms";
import type { BaseNodePostprocessor } from "@llamaindex/core/postprocessor";
import type { QueryBundle } from "@llamaindex/core/query-engine";
import { MetadataMode, type NodeWithScore } from "@llamaindex/core/schema";
import { extractText } from "@llamaindex/core/utils";
import {
  RerankClient,
  RerankInputError,
  checkRerankResponse,
  isPassthroughError,
  type RerankClientOptions,
  type Reranker,
  type RerankResponse,
} from "@rerankit/core";

/** Options of {@link RerankPostprocessor}: a `reranker`, or the options of a {@link RerankClient} it creates. */
export interface RerankPostprocessorOptions extends Partial<RerankClientOptions> {
  /**
   * Any {@link Reranker}: a shared `RerankClient`, a `Bm25Reranker`, or your own. When set, leave
   * the client options (`provider`, `model`, …) out; `close()` then leaves it open.
   * @default a `RerankClient` built from the client options, owned (and closed) by the postprocessor
   */
  reranker?: Reranker;
  /**
   * Keep only the best `topN` nodes. A positive integer. Raise the retriever's `similarityTopK`
   * above it, or there is little to rerank.
   * @default every node the retriever found
   * @example 3
   */
  topN?: number;
  /**
   * Drop nodes whose relevance score is below this, compared as the provider reports it
   * (see `RerankResponse.scoreKind`: a probability threshold means nothing for a logit scorer).
   * @default no threshold
   * @example 0.2
   */
  minScore?: number;
  /**
   * Task instruction for instruction-following rerankers (Qwen3), sent in the provider's own field.
   * @default none
   * @example "Given a question, retrieve passages that answer it."
   */
  instruct?: string;
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

interface Resolved {
  topN: number | undefined;
  minScore: number | undefined;
  instruct: string | undefined;
  metadataMode: MetadataMode;
  passthrough: boolean;
  onPassthrough: ((error: unknown) => void) | undefined;
  onResult: ((response: RerankResponse) => void) | undefined;
}

function invalid(field: string, message: string): RerankInputError {
  return new RerankInputError(`Invalid RerankPostprocessor option: ${field} ${message}.`, { field });
}

function optionalFunction<T>(options: RerankPostprocessorOptions, field: "onPassthrough" | "onResult"): T | undefined {
  const value = options[field];
  if (value !== undefined && typeof value !== "function") throw invalid(field, "must be a function");
  return value as T | undefined;
}

/** Checks every option once, up front, so a typo fails at startup rather than on the first query. */
function readSettings(options: RerankPostprocessorOptions): Resolved {
  const { topN, minScore, instruct, metadataMode = MetadataMode.EMBED, onError = "throw" } = options;
  if (topN !== undefined && (!Number.isInteger(topN) || topN < 1)) throw invalid("topN", "must be a positive integer");
  if (minScore !== undefined && (typeof minScore !== "number" || !Number.isFinite(minScore))) {
    throw invalid("minScore", "must be a finite number");
  }
  if (instruct !== undefined && (typeof instruct !== "string" || instruct.trim() === "")) {
    throw invalid("instruct", "must be a non-empty string");
  }
  if (!METADATA_MODES.includes(metadataMode))
    throw invalid("metadataMode", `must be one of MetadataMode.${METADATA_MODES.join(", MetadataMode.")}`);
  if (onError !== "throw" && onError !== "passthrough") throw invalid("onError", `must be "throw" or "passthrough"`);
  return {
    topN,
    minScore,
    instruct,
    metadataMode,
    passthrough: onError === "passthrough",
    onPassthrough: optionalFunction(options, "onPassthrough"),
    onResult: optionalFunction(options, "onResult"),
  };
}

function buildReranker(options: RerankPostprocessorOptions): { reranker: Reranker; owned: RerankClient | undefined } {
  // Everything that is not a postprocessor option is a client option, so new core options pass through.
  const { reranker, topN, minScore, instruct, metadataMode, onError, onPassthrough, onResult, ...clientOptions } = options;
  if (reranker !== undefined) {
    if (typeof reranker !== "object" || reranker === null || typeof reranker.rerank !== "function") {
      throw invalid("reranker", "must be an object with a rerank(request) method");
    }
    const clash = Object.keys(clientOptions).find((key) => (clientOptions as Record<string, unknown>)[key] !== undefined);
    if (clash !== undefined) throw invalid(clash, "is a client option: configure the reranker you pass instead");
    return { reranker, owned: undefined };
  }
  // RerankClient validates its own options (a missing or unknown provider is a RerankInputError).
  const client = new RerankClient(clientOptions as RerankClientOptions);
  return { reranker: client, owned: client };
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
  readonly #owned: RerankClient | undefined;
  readonly #settings: Resolved;

  /** @throws RerankInputError naming the first invalid option. */
  constructor(options: RerankPostprocessorOptions) {
    if (typeof options !== "object" || options === null) {
      throw new RerankInputError("RerankPostprocessor needs an options object with a reranker or a provider.", { field: "options" });
    }
    this.#settings = readSettings(options);
    const { reranker, owned } = buildReranker(options);
    this.reranker = reranker;
    this.#owned = owned;
  }

  /**
   * Reranks `nodes` against `query` (a string, `MessageContent` or query bundle; its text parts
   * are used). Resolves to new wrappers, best first, `topN` and `minScore` applied. No nodes:
   * `[]`, and nothing is sent.
   */
  async postprocessNodes(nodes: NodeWithScore[], query?: RerankQuery): Promise<RerankedNodeWithScore[]> {
    if (nodes.length === 0) return [];
    const s = this.#settings;
    let response: RerankResponse;
    try {
      response = await this.reranker.rerank({
        query: queryText(query),
        documents: nodes.map(({ node }) => node.getContent(s.metadataMode)),
        topN: s.topN,
        minScore: s.minScore,
        instruct: s.instruct,
      });
      checkRerankResponse(response, nodes.length);
    } catch (error) {
      if (!s.passthrough || !isPassthroughError(error)) throw error;
      s.onPassthrough?.(error);
      return nodes.slice(0, s.topN).map((input) => wrap(input, input.score));
    }
    s.onResult?.(response);
    return response.results.map((result) => wrap(nodes[result.index]!, result.relevanceScore));
  }

  /** Closes the connection pool of the client this postprocessor created (never a `reranker` you passed). */
  async close(): Promise<void> {
    await this.#owned?.close();
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
