/** Test helpers: a deterministic reranker, a local embedding class, a recording callback handler. */
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { Serialized } from "@langchain/core/load/serializable";
import { Document } from "@langchain/core/documents";
import { Embeddings } from "@langchain/core/embeddings";
import type { Reranker, RerankRequest, RerankResponse } from "@rerankit/core";

/** Share of the query's distinct non-space characters found in the document: works for any script. */
export function overlapScore(query: string, document: string): number {
  const chars = [...new Set([...query.toLowerCase()].filter((c) => c.trim() !== ""))];
  if (chars.length === 0) return 0;
  const text = document.toLowerCase();
  return chars.filter((c) => text.includes(c)).length / chars.length;
}

/** Indices of `texts` best first by {@link overlapScore}, ties by index: what the server must yield. */
export function expectedOrder(query: string, texts: string[]): number[] {
  return texts
    .map((text, index) => ({ index, score: overlapScore(query, text) }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((r) => r.index);
}

/** Tokens this reranker reports per document, so usage in traces is an exact, known number. */
export const TOKENS_PER_DOCUMENT = 7;

/** A deterministic reranker for the local server: scores by {@link overlapScore}, records queries. */
export class OverlapReranker implements Reranker {
  readonly queries: string[] = [];
  async rerank(request: RerankRequest): Promise<RerankResponse> {
    this.queries.push(request.query);
    const texts = request.documents.map((d) => (typeof d === "string" ? d : d.text));
    const results = texts
      .map((text, index) => ({ index, relevanceScore: overlapScore(request.query, text) }))
      .sort((a, b) => b.relevanceScore - a.relevanceScore || a.index - b.index)
      .slice(0, request.topN ?? texts.length);
    return {
      results,
      model: "overlap-test",
      provider: "test",
      scoreKind: "probability",
      usage: { requests: 1, totalTokens: TOKENS_PER_DOCUMENT * texts.length },
      requestIds: [],
    };
  }
}

/** A reranker that always fails: the local server answers HTTP 500 for it. */
export class FailingReranker implements Reranker {
  calls = 0;
  async rerank(): Promise<RerankResponse> {
    this.calls++;
    throw new Error("model crashed");
  }
}

/** A deterministic local embedding: hashed bag of words (and of single CJK characters), normalised. */
export class HashEmbeddings extends Embeddings {
  constructor() {
    super({});
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map(embed);
  }
  async embedQuery(text: string): Promise<number[]> {
    return embed(text);
  }
}

function embed(text: string): number[] {
  const vector = new Array<number>(64).fill(0);
  const tokens = text.toLowerCase().match(/[\p{scx=Han}]|[\p{L}\p{N}]+/gu) ?? [];
  for (const token of tokens) {
    let hash = 2166136261;
    for (const char of token) hash = Math.imul(hash ^ char.codePointAt(0)!, 16777619);
    vector[(hash >>> 0) % 64]! += 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((v) => v / norm);
}

/** A small corpus with ids and nested metadata. */
export function corpus(): Document[] {
  const texts = [
    "The cat sat on the warm mat all afternoon.",
    "Rerankers reorder retrieved passages by relevance to a query.",
    "感冒时多喝水，注意休息，保持室内通风。",
    "Stock markets rallied after the central bank decision.",
    "A cross-encoder reranker scores each query and passage pair.",
    "预防感冒要勤洗手，适当锻炼，增强免疫力。",
    "Bananas are rich in potassium and easy to digest.",
  ];
  return texts.map(
    (pageContent, i) =>
      new Document({ pageContent, id: `doc-${i}`, metadata: { source: `file-${i}.md`, tags: ["t", i], nested: { page: i } } }),
  );
}

/** Freezes an object graph so any mutation throws in strict mode. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  }
  return value;
}

export interface RecordedRun {
  runId: string;
  parentRunId: string | undefined;
  runName: string | undefined;
  runType: string | undefined;
  inputs: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  error?: unknown;
}

/** Records chain and retriever runs; awaited, so they are complete when `invoke` resolves. */
export class RecordingHandler extends BaseCallbackHandler {
  name = "recording-handler";
  readonly runs = new Map<string, RecordedRun>();
  readonly retrieverRunIds: string[] = [];

  constructor() {
    super({ _awaitHandler: true });
  }

  override handleChainStart(
    _chain: Serialized,
    inputs: Record<string, unknown>,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    _metadata?: Record<string, unknown>,
    runType?: string,
    runName?: string,
  ): void {
    this.runs.set(runId, { runId, parentRunId, runName, runType, inputs });
  }
  override handleChainEnd(outputs: Record<string, unknown>, runId: string): void {
    this.runs.get(runId)!.outputs = outputs;
  }
  override handleChainError(error: unknown, runId: string): void {
    this.runs.get(runId)!.error = error;
  }
  override handleRetrieverStart(_retriever: Serialized, _query: string, runId: string): void {
    this.retrieverRunIds.push(runId);
  }

  rerankRuns(): RecordedRun[] {
    return [...this.runs.values()].filter((run) => run.runName === "RerankCompressor");
  }
}
