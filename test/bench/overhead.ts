/**
 * The client's own CPU per call, without the network: RerankClient over a Dispatcher that answers
 * at once from a prepared reply, against the floor's unavoidable work on the same data
 * (`JSON.stringify` of the body, `JSON.parse` of the reply). Interleaved rounds, medians.
 *
 *   node --conditions=@rerankit/source --import tsx --expose-gc test/bench/overhead.ts [docs] [rounds]
 *
 * Used to size each hot-path change in microseconds; the side-by-side HTTP runs in `pnpm bench`
 * confirm them.
 */
import { RerankClient } from "@rerankit/core";
import type { Dispatcher } from "undici";
import { makeDocuments, QUERY } from "./corpus.js";
import { scoreText } from "./server.js";
import { median } from "./stats.js";

const count = Number(process.argv[2] ?? 50);
const rounds = Number(process.argv[3] ?? 61);
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

const client = new RerankClient({ provider: "rerankit", baseURL: "http://127.0.0.1:9/v1", dispatcher: instant });
const floorWork = async () => {
  const body = `{"model":"bench","query":${JSON.stringify(QUERY)},"documents":${JSON.stringify(docs)}}`;
  await Promise.resolve(body);
  return JSON.parse(reply.toString("utf8")) as unknown;
};
const clientWork = () => client.rerank({ query: QUERY, documents: docs });

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
async function perCall(work: () => Promise<unknown>): Promise<number> {
  gc();
  const c0 = process.cpuUsage();
  for (let i = 0; i < callsPerRound; i++) await work();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / callsPerRound;
}

for (let i = 0; i < 3; i++) {
  await perCall(floorWork);
  await perCall(clientWork);
}
const floor: number[] = [];
const mine: number[] = [];
for (let round = 0; round < rounds; round++) {
  if (round % 2 === 0) {
    floor.push(await perCall(floorWork));
    mine.push(await perCall(clientWork));
  } else {
    mine.push(await perCall(clientWork));
    floor.push(await perCall(floorWork));
  }
}
const f = median(floor);
const m = median(mine);
console.log(
  `${count} documents: floor work ${f.toFixed(1)} µs, RerankClient ${m.toFixed(1)} µs per call: client overhead ${(m - f).toFixed(1)} µs`,
);
