import { getEventListeners } from "node:events";
import { RerankClient, type RerankError } from "@rerankit/core";
import { scrub } from "../../packages/core/src/transport/redact.js";
import { pendingConnects, startBlackhole } from "../../packages/core/test/helpers/blackhole.js";
import { always, hangBeforeHeaders, json, startFaultServer } from "./fault-server.js";

/** The lifecycle test's stuck origin, with a stop() for the figures. */
async function blackhole() {
  const hole = await startBlackhole();
  return {
    port: hole.port,
    stop() {
      for (const p of hole.plugs) p.destroy();
      hole.child.kill();
    },
  };
}

async function stuckOrigin(connectionsPerOrigin: number | undefined) {
  const hole = await blackhole();
  const client = new RerankClient({
    provider: "cohere",
    baseURL: `http://127.0.0.1:${hole.port}`,
    apiKey: "sk-figures-0000",
    timeoutMs: 300,
    connectionsPerOrigin,
  });
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, pendingConnects(hole.port));
  }, 20);
  const started = performance.now();
  let last = 0;
  let late = 0;
  const settled = await Promise.allSettled(
    Array.from({ length: 1_000 }, () => {
      const own = performance.now();
      return client.rerank({ query: "q", documents: ["a", "b"] }).finally(() => {
        const now = performance.now();
        last = now - started;
        late = Math.max(late, now - own - 300);
      });
    }),
  );
  clearInterval(sampler);
  const timeouts = settled.filter((s) => s.status === "rejected" && (s.reason as RerankError).name === "RerankTimeoutError").length;
  const atSettle = pendingConnects(hole.port);
  await new Promise((r) => setTimeout(r, 500));
  const after500 = pendingConnects(hole.port);
  await client.close();
  hole.stop();
  console.log(
    `stuck origin, 1000 calls × timeoutMs 300, connectionsPerOrigin ${connectionsPerOrigin ?? "default (256)"}: ` +
      `${timeouts} RerankTimeoutError, at most ${late.toFixed(0)} ms past a call's own deadline, last settled at ${last.toFixed(0)} ms; pending connection attempts: peak ${peak}, ` +
      `when the last call settled ${atSettle}, 500 ms later ${after500}`,
  );
}

async function closeWithHungCalls(calls: number) {
  const server = await startFaultServer(always(hangBeforeHeaders()));
  const client = new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1`, timeoutMs: 60_000 });
  const pending = Array.from({ length: calls }, () => client.rerank({ query: "q", documents: ["a"] }).catch((e: unknown) => e));
  while (server.requests.length < calls) await new Promise((r) => setTimeout(r, 10));
  const started = performance.now();
  const closed = client.close();
  const errors = await Promise.all(pending);
  const settledMs = performance.now() - started;
  await closed;
  const closedMs = performance.now() - started;
  const clientClosed = errors.filter((e) => (e as RerankError).code === "CLIENT_CLOSED").length;
  await server.waitForNoOpenSockets(5_000);
  console.log(
    `close() with ${calls} calls hung on a server that never answers (timeoutMs 60000): ${clientClosed} CLIENT_CLOSED, ` +
      `all settled ${settledMs.toFixed(0)} ms after close(), close() resolved after ${closedMs.toFixed(0)} ms; server sockets open: ${server.openSockets()}`,
  );
  await server.close();
}

async function sharedSignal(calls: number) {
  const server = await startFaultServer(always(json(200, { results: [{ index: 0, relevance_score: 0.5 }] })));
  const client = new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1` });
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on("warning", onWarning);
  const controller = new AbortController();
  const all = Array.from({ length: calls }, () => client.rerank({ query: "q", documents: ["a"], signal: controller.signal }));
  const listeners = getEventListeners(controller.signal, "abort").length;
  await Promise.all(all);
  await new Promise((r) => setImmediate(r));
  process.off("warning", onWarning);
  console.log(
    `${calls} concurrent calls on one AbortSignal: ${listeners} abort listener(s) on it while in flight, ` +
      `${getEventListeners(controller.signal, "abort").length} after, MaxListenersExceededWarning: ${warnings.filter((w) => w.name === "MaxListenersExceededWarning").length}`,
  );
  await client.close();
  await server.close();
}

function scrubCost() {
  const secrets = ["sk-live-0123456789abcdef0123", "Bearer sk-live-0123456789abcdef0123", "apim-0123456789abcdef"];
  const id = "3f1c2a9e-5b7d-4e21-9c0a-8d6f4b2e1a77";
  const message = `upstream rejected ${"x".repeat(400)} for ${Buffer.from(secrets[0]!).toString("base64")}`;
  // The previous scrubber, for comparison: one split/join per secret, raw forms only.
  const previous = (text: string) => {
    let out = text.replace(/\s+/g, " ").trim();
    for (const secret of secrets) out = out.split(secret).join("[redacted]");
    return out;
  };
  for (const [what, text, n] of [
    ["a 36-character request id", id, 300_000],
    ["a 470-character error message holding a base64 key", message, 50_000],
  ] as const) {
    const time = (f: () => unknown) => {
      for (let i = 0; i < n; i++) f(); // warm-up (the pattern is built on the first call, as in a client)
      const started = performance.now();
      for (let i = 0; i < n; i++) f();
      return ((1000 * (performance.now() - started)) / n).toFixed(2);
    };
    console.log(
      `scrub of ${what}, 3 secrets: ${time(() => scrub(text, secrets))} µs with every encoded form; ` +
        `${time(() => previous(text))} µs for the previous raw-only split/join`,
    );
  }
}

await stuckOrigin(16);
await stuckOrigin(undefined);
await closeWithHungCalls(200);
await sharedSignal(50);
scrubCost();
