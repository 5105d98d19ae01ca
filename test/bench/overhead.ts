/**
 * The client's own CPU per call, without the network: RerankClient over a Dispatcher that answers
 * at once from a prepared reply, against the floor's unavoidable work on the same data
 * (`JSON.stringify` of the body, `JSON.parse` of the reply). Interleaved rounds, medians.
 *
 *   node --conditions=@rerankit/source --import tsx --expose-gc test/bench/overhead.ts [docs] [rounds] [--baseline DIR]
 *
 * `--baseline DIR` (a copy of core's src, as for `pnpm bench --baseline`) also measures that
 * copy's RerankClient in the same interleaved rounds.
 *
 * Used to size each hot-path change in microseconds; the side-by-side HTTP runs in `pnpm bench`
 * confirm them.
 */
import { pathToFileURL } from "node:url";
import { RerankClient } from "@rerankit/core";
import type { Dispatcher } from "undici";
import { makeDocuments, QUERY } from "./corpus.js";
import { scoreText } from "./server.js";
import { median } from "./stats.js";

const args = process.argv.slice(2);
const baselineAt = args.indexOf("--baseline");
const baselineDir = baselineAt >= 0 ? args.splice(baselineAt, 2)[1] : undefined;
const count = Number(args[0] ?? 50);
const rounds = Number(args[1] ?? 61);
const callsPerRound = 300;
const docs = makeDocuments(count, 200);
const results = docs.map((d, index) => ({ index, relevance_score: scoreText(d) })).sort((a, b) => b.relevance_score - a.relevance_score);
const reply = Buffer.from(
  JSON.stringify({ id: "bench-1", results, meta: { api_version: { version: "2" }, billed_units: { search_units: 1 } } }),
);
const replyHeaders = { "content-type": "application/json", "content-length": String(reply.length) };

/** A Dispatcher that answers every request from `reply`, in a microtask, through the handler API. */
const instant = {
  dispatch(_options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
    const controller = {
      aborted: false,
      paused: false,
      reason: null,
      abort() {},
      pause() {},
      resume() {},
    } as unknown as Dispatcher.DispatchController;
    queueMicrotask(() => {
      handler.onRequestStart?.(controller, {});
      handler.onResponseStart?.(controller, 200, replyHeaders, "OK");
      handler.onResponseData?.(controller, reply);
      handler.onResponseEnd?.(controller, {});
    });
    return true;
  },
  close: async () => {},
} as unknown as Dispatcher;

const options = { provider: "rerankit" as const, baseURL: "http://127.0.0.1:9/v1", model: "bench", dispatcher: instant };
const client = new RerankClient(options);
const Baseline =
  baselineDir === undefined
    ? undefined
    : ((await import(pathToFileURL(`${baselineDir}/index.ts`).href)) as { RerankClient: typeof RerankClient }).RerankClient;
const baseline = Baseline === undefined ? undefined : new Baseline(options);
const floorWork = async () => {
  const body = `{"model":"bench","query":${JSON.stringify(QUERY)},"documents":${JSON.stringify(docs)}}`;
  await Promise.resolve(body);
  return JSON.parse(reply.toString("utf8")) as unknown;
};
const clientWork = () => client.rerank({ query: QUERY, documents: docs });
const baselineWork = () => baseline!.rerank({ query: QUERY, documents: docs });

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
async function perCall(work: () => Promise<unknown>): Promise<number> {
  gc();
  const c0 = process.cpuUsage();
  for (let i = 0; i < callsPerRound; i++) await work();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / callsPerRound;
}

const works: [string, () => Promise<unknown>][] = [
  ["floor", floorWork],
  ["RerankClient", clientWork],
  ...(baseline === undefined ? [] : [["RerankClient (baseline)", baselineWork] as [string, () => Promise<unknown>]]),
];
for (let i = 0; i < 3; i++) for (const [, work] of works) await perCall(work);
const samples = works.map(() => [] as number[]);
for (let round = 0; round < rounds; round++) {
  // The order rotates every round, so no path always runs first (or right after a GC).
  for (let k = 0; k < works.length; k++) {
    const at = (k + round) % works.length;
    samples[at]!.push(await perCall(works[at]![1]));
  }
}
const f = median(samples[0]!);
for (let k = 1; k < works.length; k++) {
  const m = median(samples[k]!);
  console.log(
    `${count} documents: floor work ${f.toFixed(1)} µs, ${works[k]![0]} ${m.toFixed(1)} µs per call: client overhead ${(m - f).toFixed(1)} µs`,
  );
}
