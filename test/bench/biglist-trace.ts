/**
 * Where the big-list scenario's time goes: 10,000 documents, a server limit of 1,000 per request,
 * 50 ms service time, concurrency 4. For each call it prints, per batch, when the client
 * dispatched the request (after serialising its body), when the server saw its headers, had the
 * whole body, had parsed and scored it, and wrote the reply, all relative to the call's start
 * (one clock: `performance.timeOrigin + now()` in both processes), then the call's end.
 *
 *   node --conditions=@rerankit/source --import tsx --expose-gc test/bench/biglist-trace.ts [rounds] [tokens] [path…]
 *
 * path: "floor" (hand-batched undici.request), "floor-yield" (the same, yielding before each body),
 * "prebuilt" (bodies serialised before the clock starts: what is left is transfer, the server and
 * timers), "client" (RerankClient), or "baseline=DIR" (RerankClient from another copy of core's src). It also times, in this process, serialising
 * one 1,000-document body and parsing it, the per-batch CPU work on each side.
 */
import { RerankClient } from "@rerankit/core";
import { pathToFileURL } from "node:url";
import { Agent, type Dispatcher, request } from "undici";
import { makeDocuments, QUERY } from "./corpus.js";
import { startBenchServerProcess, type ServerTrace } from "./server.js";
import { median } from "./stats.js";

const [roundsArg = "5", tokensArg = "200", ...which] = process.argv.slice(2);
const rounds = Number(roundsArg);
const tokens = Number(tokensArg);
const BIG = { count: 10_000, limit: 1_000, serviceTimeMs: 50, concurrency: 4 };
const now = () => performance.timeOrigin + performance.now();
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

/** An Agent that notes when each request is handed to it (the body is already serialised then). */
class RecordingAgent extends Agent {
  dispatched: number[] = [];
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    this.dispatched.push(now());
    return super.dispatch(options, handler);
  }
}

interface TracedPath {
  name: string;
  agent: RecordingAgent;
  call(docs: string[]): Promise<unknown>;
  /** Work done before the clock starts (the prebuilt path's bodies). */
  prebuild?(docs: string[]): void;
  close(): Promise<void>;
}

async function open(spec: string, url: string): Promise<TracedPath> {
  const agent = new RecordingAgent({ keepAliveTimeout: 10_000 });
  if (spec === "prebuilt") {
    // The least a client can do: every body serialised to a Buffer before the clock starts, sent
    // four at a time, replies parsed. What is left is transfer, the server's own work and timers.
    const endpoint = `${url}/v1/rerank`;
    let bodies: Buffer[] = [];
    return {
      name: spec,
      agent,
      prebuild(docs: string[]) {
        bodies = [];
        for (let start = 0; start < docs.length; start += BIG.limit) {
          bodies.push(
            Buffer.from(
              `{"model":"bench","query":${JSON.stringify(QUERY)},"documents":${JSON.stringify(docs.slice(start, start + BIG.limit))}}`,
            ),
          );
        }
      },
      async call(docs) {
        const scores = new Float64Array(docs.length);
        let next = 0;
        const worker = async () => {
          for (let b = next++; b < bodies.length; b = next++) {
            const res = await request(endpoint, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: bodies[b]!,
              dispatcher: agent,
            });
            const reply = JSON.parse(await res.body.text()) as { results: { index: number; relevance_score: number }[] };
            for (const r of reply.results) scores[b * BIG.limit + r.index] = r.relevance_score;
          }
        };
        await Promise.all(Array.from({ length: BIG.concurrency }, worker));
        return scores;
      },
      close: () => agent.close(),
    };
  }
  if (spec === "floor" || spec === "floor-yield") {
    // floor-yield: the same, but each worker yields to the event loop before serialising a body,
    // so a dispatched request is written while the next body is being built.
    const yieldFirst = spec === "floor-yield";
    const endpoint = `${url}/v1/rerank`;
    return {
      name: spec,
      agent,
      async call(docs) {
        const scores = new Float64Array(docs.length);
        let next = 0;
        const worker = async () => {
          for (;;) {
            if (yieldFirst) await new Promise<void>((resolve) => setImmediate(resolve));
            const start = next;
            if (start >= docs.length) break;
            next += BIG.limit;
            const slice = docs.slice(start, start + BIG.limit);
            const body = `{"model":"bench","query":${JSON.stringify(QUERY)},"documents":${JSON.stringify(slice)}}`;
            const res = await request(endpoint, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body,
              dispatcher: agent,
            });
            const reply = JSON.parse(await res.body.text()) as { results: { index: number; relevance_score: number }[] };
            for (const r of reply.results) scores[start + r.index] = r.relevance_score;
          }
        };
        await Promise.all(Array.from({ length: BIG.concurrency }, worker));
        return scores;
      },
      close: () => agent.close(),
    };
  }
  let Client: typeof RerankClient = RerankClient;
  let name = "client";
  if (spec.startsWith("baseline=")) {
    const dir = spec.slice("baseline=".length);
    Client = ((await import(pathToFileURL(`${dir}/index.ts`).href)) as { RerankClient: typeof RerankClient }).RerankClient;
    name = "baseline";
  }
  const client = new Client({
    provider: "rerankit",
    baseURL: `${url}/v1`,
    maxDocumentsPerRequest: BIG.limit,
    concurrency: BIG.concurrency,
    dispatcher: agent,
  });
  return { name, agent, call: (docs) => client.rerank({ query: QUERY, documents: docs }), close: () => agent.close() };
}

const server = await startBenchServerProcess({ maxDocuments: BIG.limit, serviceTimeMs: BIG.serviceTimeMs, trace: true });
const fetchTraces = async (): Promise<ServerTrace[]> => {
  const res = await request(`${server.url}/__trace`);
  return (await res.body.json()) as ServerTrace[];
};
/** Server clock minus this process's clock, from the round trip with the least delay. */
async function clockOffset(): Promise<number> {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < 50; i++) {
    const t0 = now();
    const res = await request(`${server.url}/__clock`);
    const serverNow = (await res.body.json()) as number;
    const t1 = now();
    if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: serverNow - (t0 + t1) / 2 };
  }
  return best.offset;
}
try {
  const docs = makeDocuments(BIG.count, tokens, 3);
  const offset = await clockOffset();
  console.log(`server clock offset ${offset.toFixed(2)} ms (removed from the server's times below)`);
  const specs = which.length > 0 ? which : ["floor", "client"];
  const opened = await Promise.all(specs.map((s) => open(s, server.url)));

  // Per-batch CPU work, in this process: what each side does with one 1,000-document body.
  const slice = docs.slice(0, BIG.limit);
  const body = JSON.stringify({ model: "bench", query: QUERY, documents: slice });
  const timeIt = (f: () => unknown) => {
    const t: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      f();
      t.push(performance.now() - t0);
    }
    return median(t);
  };
  const buf = Buffer.from(body);
  console.log(
    `one batch: ${BIG.limit} documents, ${(buf.length / 1024).toFixed(0)} KiB body; JSON.stringify ${timeIt(() => JSON.stringify({ model: "bench", query: QUERY, documents: slice })).toFixed(2)} ms, ` +
      `Buffer.from ${timeIt(() => Buffer.from(body)).toFixed(2)} ms, toString+JSON.parse ${timeIt(() => JSON.parse(buf.toString("utf8"))).toFixed(2)} ms (this process)`,
  );

  for (const p of opened) await p.call(docs); // warm-up
  await fetchTraces();
  const summary = new Map<
    string,
    {
      wall: number[];
      lastReply: number[];
      firstArrival: number[];
      parseMax: number[];
      bodyMax: number[];
      waveGap: number[];
      late: number[];
    }
  >();
  for (let round = 0; round < rounds; round++) {
    for (const p of round % 2 === 0 ? opened : [...opened].reverse()) {
      p.agent.dispatched = [];
      p.prebuild?.(docs);
      if (process.env.PING) await (await request(`${server.url}/__clock`)).body.text();
      gc();
      const t0 = now();
      await p.call(docs);
      const end = now();
      const traces = (await fetchTraces())
        .map((t) => ({
          ...t,
          arrived: t.arrived - offset,
          bodyEnd: t.bodyEnd - offset,
          parsed: t.parsed - offset,
          replied: t.replied - offset,
        }))
        .sort((a, b) => a.arrived - b.arrived);
      const rel = (t: number) => (t - t0).toFixed(1).padStart(6);
      console.log(`\n${p.name}, round ${round + 1}: wall ${(end - t0).toFixed(1)} ms`);
      console.log(`  dispatched at: ${p.agent.dispatched.map(rel).join(" ")}`);
      console.log("  batch  arrived  body-end  parsed  replied   (ms after the call started)");
      for (const [i, t] of traces.entries())
        console.log(`  ${String(i + 1).padStart(5)} ${rel(t.arrived)}  ${rel(t.bodyEnd)}  ${rel(t.parsed)}  ${rel(t.replied)}`);
      const s = summary.get(p.name) ?? { wall: [], lastReply: [], firstArrival: [], parseMax: [], bodyMax: [], waveGap: [], late: [] };
      s.wall.push(end - t0);
      s.lastReply.push(end - Math.max(...traces.map((t) => t.replied)));
      s.firstArrival.push(traces[0]!.arrived - t0);
      s.parseMax.push(Math.max(...traces.map((t) => t.parsed - t.bodyEnd)));
      for (const t of traces) s.late.push(t.replied - t.arrived - BIG.serviceTimeMs);
      s.bodyMax.push(Math.max(...traces.map((t) => t.bodyEnd - t.arrived)));
      // A worker's next request: its arrival minus the previous reply that freed the worker (the i-th arrival after the first wave follows the (i-4)-th reply).
      const replies = traces.map((t) => t.replied).sort((a, b) => a - b);
      for (let i = BIG.concurrency; i < traces.length; i++) s.waveGap.push(traces[i]!.arrived - replies[i - BIG.concurrency]!);
      summary.set(p.name, s);
    }
  }
  console.log("\nmedians over rounds (ms):");
  for (const [name, s] of summary) {
    console.log(
      `  ${name.padEnd(9)} wall ${median(s.wall).toFixed(1)}; first request arrives ${median(s.firstArrival).toFixed(1)} after the call starts; ` +
        `a body takes up to ${median(s.bodyMax).toFixed(1)} to arrive, parsing+scoring up to ${median(s.parseMax).toFixed(1)}; ` +
        `reply → next request's arrival ${median(s.waveGap).toFixed(1)}; reply written ${median(s.late).toFixed(1)} after arrival + ${BIG.serviceTimeMs} ms (max ${Math.max(...s.late).toFixed(1)}); last reply → call end ${median(s.lastReply).toFixed(1)}`,
    );
  }
  await Promise.all(opened.map((p) => p.close()));
} finally {
  await server.close();
}
