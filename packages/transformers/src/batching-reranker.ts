import {
  checkRankingRequest,
  type RerankErrorInit,
  RerankInputError,
  type Reranker,
  type RerankRequest,
  type RerankResponse,
  RerankServerError,
  type RerankUsage,
  rankingResponse,
} from "@rerankit/core";
import type { EncodedPair } from "./pair-encoding.js";
import { PROVIDER } from "./loader.js";

/** What {@link BatchingReranker} drives: a {@link CrossEncoderReranker}, or anything that scores pairs. */
export interface PairScorer {
  /** Reported as the response's `model`. */
  readonly model: string;
  /** Loads the model; later calls return at once. */
  load(): Promise<void>;
  /** Tokenizes `query` with each document. */
  encode(query: string, documents: readonly string[]): Promise<EncodedPair[]>;
  /** Scores a batch of pairs in one forward pass, as probabilities. */
  score(pairs: readonly EncodedPair[]): Promise<Float64Array>;
}

/** Options of {@link BatchingReranker}. Only `reranker` is required. */
export interface BatchingRerankerOptions {
  /** The model that scores the pairs. */
  reranker: PairScorer;
  /**
   * Largest forward pass, in padded tokens (pairs × the longest pair's tokens), as TEI's
   * `--max-batch-tokens`. A single pair longer than this still runs, alone.
   * @default 16384
   */
  maxBatchTokens?: number;
  /**
   * Requests that may wait for the model; one more is rejected at once with a
   * {@link RerankOverloadedError} (HTTP 503 with `Retry-After` behind `rerankit serve`).
   * @default 64
   */
  maxQueue?: number;
  /**
   * The wait suggested to a rejected caller (`retryAfterMs`, the server's `Retry-After`).
   * @default 1000
   */
  retryAfterMs?: number;
}

/**
 * The queue is full: the model is busy with as many requests as it may hold. A
 * {@link RerankServerError} with status 503, retryable, with the suggested wait in `retryAfterMs`.
 */
export class RerankOverloadedError extends RerankServerError {
  readonly retryAfterMs: number;
  constructor(message: string, init: RerankErrorInit & { retryAfterMs: number }) {
    super(message, { status: 503, retryable: true, ...init });
    this.retryAfterMs = init.retryAfterMs;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryAfterMs: this.retryAfterMs };
  }
}

interface Job {
  readonly pairs: readonly EncodedPair[];
  readonly scores: Float64Array;
  /** Pairs handed to a forward pass so far. */
  scheduled: number;
  /** Pairs scored so far. */
  scored: number;
  settled: boolean;
  /** Called once every pair has been handed to a forward pass: the call no longer waits. */
  started(): void;
  resolve(scores: Float64Array): void;
  reject(error: unknown): void;
}

/**
 * Dynamic batching for serving a cross-encoder, as TEI does: concurrent `rerank()` calls are
 * gathered and their pairs run together, up to `maxBatchTokens` padded tokens per forward pass, so
 * sixteen clients asking about ten documents each cost a few large passes instead of sixteen small
 * ones. Each caller gets its own scores and ranking. Calls wait in a bounded queue; when it is full
 * a call is rejected at once with a {@link RerankOverloadedError} (503, retryable, `retryAfterMs`).
 *
 * @example
 * const model = new CrossEncoderReranker({ model: "Xenova/ms-marco-MiniLM-L-6-v2" });
 * await model.load();
 * const server = await startRerankServer({ reranker: new BatchingReranker({ reranker: model }) });
 */
export class BatchingReranker implements Reranker {
  readonly maxBatchTokens: number;
  readonly maxQueue: number;
  readonly retryAfterMs: number;
  private readonly scorer: PairScorer;
  private readonly jobs: Job[] = [];
  private running = false;
  /** Admitted calls not yet fully handed to a forward pass (tokenizing, or waiting). */
  private waiting = 0;

  constructor(options: BatchingRerankerOptions) {
    const { reranker, maxBatchTokens = 16_384, maxQueue = 64, retryAfterMs = 1000 } = options;
    const bad = (field: string, what: string): never => {
      throw new RerankInputError(`BatchingReranker: ${field} ${what}.`, { field, provider: PROVIDER });
    };
    if (typeof reranker?.score !== "function" || typeof reranker.encode !== "function") bad("reranker", "must be a CrossEncoderReranker");
    if (!(Number.isSafeInteger(maxBatchTokens) && maxBatchTokens > 0)) bad("maxBatchTokens", "must be a positive integer");
    if (!(Number.isSafeInteger(maxQueue) && maxQueue > 0)) bad("maxQueue", "must be a positive integer");
    if (!(Number.isFinite(retryAfterMs) && retryAfterMs >= 0)) bad("retryAfterMs", "must be a number ≥ 0");
    this.scorer = reranker;
    this.maxBatchTokens = maxBatchTokens;
    this.maxQueue = maxQueue;
    this.retryAfterMs = retryAfterMs;
  }

  /** The scorer's model, reported by `/health` behind `rerankit serve`. */
  get model(): string {
    return this.scorer.model;
  }

  /** Loads the model now rather than on the first call. */
  load(): Promise<void> {
    return this.scorer.load();
  }

  /** Requests waiting for the model (not yet fully handed to a forward pass). */
  get queued(): number {
    return this.waiting;
  }

  async rerank(request: RerankRequest): Promise<RerankResponse> {
    const ranking = checkRankingRequest(request, PROVIDER);
    const init = { model: this.scorer.model, provider: PROVIDER, scoreKind: "probability" as const, usage: { requests: 0 } as RerankUsage };
    if (ranking.unique.length === 0) return rankingResponse(ranking, [], init);
    if (this.waiting >= this.maxQueue) {
      throw new RerankOverloadedError(
        `BatchingReranker: ${this.waiting} requests are already waiting for the model (maxQueue ${this.maxQueue}); retry in ${this.retryAfterMs} ms.`,
        { provider: PROVIDER, retryAfterMs: this.retryAfterMs },
      );
    }
    this.waiting++;
    let counted = true;
    const release = () => {
      if (counted) this.waiting--;
      counted = false;
    };
    let scores: Float64Array;
    try {
      const pairs = await this.scorer.encode(ranking.query, ranking.unique);
      request.signal?.throwIfAborted();
      init.usage.totalTokens = pairs.reduce((sum, p) => sum + p.inputIds.length, 0);
      scores = await this.enqueue(pairs, request.signal, release);
    } finally {
      release();
    }
    return rankingResponse(ranking, scores, init);
  }

  private enqueue(pairs: readonly EncodedPair[], signal: AbortSignal | undefined, started: () => void): Promise<Float64Array> {
    return new Promise<Float64Array>((resolve, reject) => {
      const job: Job = { pairs, scores: new Float64Array(pairs.length), scheduled: 0, scored: 0, settled: false, started, resolve, reject };
      const onAbort = () => this.settle(job, signal?.reason, true);
      signal?.addEventListener("abort", onAbort, { once: true });
      job.resolve = (scores) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(scores);
      };
      job.reject = (error) => {
        signal?.removeEventListener("abort", onAbort);
        reject(error);
      };
      this.jobs.push(job);
      // Start on the next turn of the event loop, so that calls arriving together share a pass.
      if (!this.running) setImmediate(() => void this.pump());
    });
  }

  private settle(job: Job, error: unknown, failed: boolean): void {
    if (job.settled) return;
    job.settled = true;
    const at = this.jobs.indexOf(job);
    if (at >= 0) this.jobs.splice(at, 1);
    if (failed) job.reject(error);
    else job.resolve(job.scores);
  }

  /** One forward pass's worth of pairs, first come first served, within `maxBatchTokens`. */
  private nextBatch(): { job: Job; from: number; to: number }[] {
    const slices: { job: Job; from: number; to: number }[] = [];
    let rows = 0;
    let longest = 0;
    for (const job of this.jobs) {
      const from = job.scheduled;
      while (job.scheduled < job.pairs.length) {
        const length = job.pairs[job.scheduled]!.inputIds.length;
        if (rows > 0 && (rows + 1) * Math.max(longest, length) > this.maxBatchTokens) break;
        longest = Math.max(longest, length);
        rows++;
        job.scheduled++;
      }
      if (job.scheduled > from) slices.push({ job, from, to: job.scheduled });
      if (job.scheduled === job.pairs.length) job.started();
      if (job.scheduled < job.pairs.length) break;
    }
    return slices;
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let slices = this.nextBatch(); slices.length > 0; slices = this.nextBatch()) {
        const batch = slices.flatMap(({ job, from, to }) => job.pairs.slice(from, to));
        let scores: Float64Array;
        try {
          scores = await this.scorer.score(batch);
        } catch (error) {
          for (const { job } of slices) this.settle(job, error, true);
          continue;
        }
        let offset = 0;
        for (const { job, from, to } of slices) {
          job.scores.set(scores.subarray(offset, offset + (to - from)), from);
          offset += to - from;
          job.scored += to - from;
          if (job.scored === job.pairs.length) this.settle(job, undefined, false);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
