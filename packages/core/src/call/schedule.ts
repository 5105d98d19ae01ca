/**
 * Stage 2 of a call: the batches of a plan, each body built here (ahead of its turn where it can),
 * sent with bounded concurrency (`sendBatch`, attempt.ts), and its scores put into the table.
 */
import { estimateRerankTokens } from "../usage.js";
import type { ScoreTable } from "./merge.js";
import type { CallPlan } from "./prepare.js";
import { type CallState, type ClientRuntime, type PreparedBatch, sendBatch } from "./attempt.js";

/** What the batches of a call reported, besides their scores. */
export interface Scheduled {
  /** The planner's token estimate of what was sent (counted only when a rate limiter needs it: 0 otherwise). */
  estimatedTokens: number;
  /** The model a reply named, for a call that named none (`serverNamesModel`). */
  model: string | undefined;
}

/**
 * Sends every batch of `plan` (positions in `plan.unique`) and fills `table` with the scores, and
 * `state.usage` with what the replies reported. Each reply's list dependence and model go into
 * `rt.facts`. `onFailure` runs at the first failure (the caller aborts the call's other batches).
 */
export async function scheduleBatches(
  rt: ClientRuntime,
  state: CallState,
  plan: CallPlan,
  table: ScoreTable,
  onFailure: (error: unknown) => void,
): Promise<Scheduled> {
  const { o } = rt;
  const { unique, query, model, instruct, topN, batches, extraBody } = plan;
  const usage = state.usage;
  const scheduled: Scheduled = { estimatedTokens: 0, model: undefined };
  let batchNumber = 0;
  const prepare = (positions: number[]): PreparedBatch => {
    const documents = positions.map((p) => unique[p]!);
    // The batch planner's token estimate, for the rate limiter (not counted without one).
    const tokens = rt.limiter === undefined ? 0 : estimateRerankTokens(query, documents);
    const wire = {
      query,
      documents,
      model,
      // A provider's top-N would cut windows: a document's best window may rank below another
      // document's windows within one batch.
      topN: topN === undefined || plan.longDocuments ? undefined : Math.min(topN, documents.length),
      instruct,
      extraBody,
    };
    return { positions, batch: batchNumber++, wire, body: JSON.stringify(o.preset.dialect.buildBody(wire)), tokens };
  };
  const runBatch = async (prepared: PreparedBatch) => {
    scheduled.estimatedTokens += prepared.tokens ?? 0;
    const batch = await sendBatch(rt, state, prepared);
    const { positions } = prepared;
    for (const r of batch.results) table.set(positions[r.index]!, r.score);
    if (batch.totalTokens !== undefined) usage.totalTokens = (usage.totalTokens ?? 0) + batch.totalTokens;
    if (batch.searchUnits !== undefined) usage.searchUnits = (usage.searchUnits ?? 0) + batch.searchUnits;
    if (batch.model !== undefined) {
      scheduled.model ??= batch.model;
      rt.facts.servedModel = batch.model;
    }
    if (batch.listDependent !== undefined) rt.facts.listDependent = batch.listDependent;
  };
  if (batches.length === 1) await runBatch(prepare(batches[0]!));
  else if (batches.length > 1) await runPipeline(batches, o.concurrency, prepare, runBatch, onFailure);
  return scheduled;
}

/** The next event-loop turn: `setImmediate` where the runtime has it (Node, Bun, Deno), else a 0 ms timer (edge runtimes). */
const onNextTurn: (callback: () => void) => void =
  typeof globalThis.setImmediate === "function" ? (callback) => globalThis.setImmediate(callback) : (callback) => setTimeout(callback, 0);

const nextTurn = () => new Promise<void>((resolve) => onNextTurn(resolve));

/** Bodies built ahead of their turn hold at most this many bytes (and always one body may be). */
const AHEAD_BYTES = 4 * 1024 * 1024;

/**
 * Runs `work` over `items` with at most `limit` in flight; the first failure stops the rest.
 * `prepare` (serialising a batch's body, ~2 ms for 1,000 documents of ~200 tokens) runs off the
 * critical path where it can: the workers start one event-loop turn apart, so a dispatched request
 * is written to its socket before the next body is built (started together, every first-wave
 * request waited for all the first wave's bodies), and while requests are in flight the next
 * bodies are built ahead, one per event-loop turn, up to `AHEAD_BYTES` (at least one body), so a
 * worker freed by a reply sends at once.
 */
export async function runPipeline<T, P extends { body: string }>(
  items: readonly T[],
  limit: number,
  prepare: (item: T) => P,
  work: (prepared: P) => Promise<void>,
  onFailure: (error: unknown) => void,
): Promise<void> {
  /** Next item to send. */
  let next = 0;
  let failed = false;
  let firstError: unknown;
  /** Bodies of `items[next]`, `items[next + 1]`, …, built ahead. */
  const ahead: P[] = [];
  let aheadBytes = 0;
  let aheadScheduled = false;
  const fail = (error: unknown) => {
    if (failed) return;
    failed = true;
    firstError = error;
    ahead.length = 0;
    onFailure(error);
  };
  const scheduleAhead = () => {
    if (aheadScheduled || failed || next + ahead.length >= items.length) return;
    if (ahead.length > 0 && aheadBytes >= AHEAD_BYTES) return;
    aheadScheduled = true;
    onNextTurn(buildAhead);
  };
  const buildAhead = () => {
    aheadScheduled = false;
    if (failed || next + ahead.length >= items.length) return;
    try {
      const prepared = prepare(items[next + ahead.length]!);
      ahead.push(prepared);
      aheadBytes += prepared.body.length;
    } catch (error) {
      fail(error);
      return;
    }
    scheduleAhead();
  };
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        const built = ahead.shift();
        if (built !== undefined) aheadBytes -= built.body.length;
        const pending = work(built ?? prepare(item)); // dispatches before its first await
        scheduleAhead();
        await pending;
      } catch (error) {
        fail(error);
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let k = 0; k < Math.min(limit, items.length); k++) {
    if (k > 0) await nextTurn();
    if (failed || next >= items.length) break;
    workers.push(worker());
  }
  await Promise.all(workers);
  if (failed) throw firstError;
}
