/**
 * The figures of docs/RELIABILITY.md's "Hostile review, round 2" section (issue 20), produced by
 * running the attacks the tests make, on real sockets, a real redis-server and the tiny model:
 *
 *   node --conditions=@rerankit/source --import tsx test/faults/hardening-figures.ts
 *
 * Needs Debian's redis-server. Prints one line a figure; takes about 10 s.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { memoryRateLimitStore, RerankClient, type RateLimitStore } from "@rerankit/core";
import { redisRateLimitStore } from "@rerankit/redis";
import { BatchingReranker, CrossEncoderReranker } from "@rerankit/transformers";
import { windowSpans } from "../../packages/core/src/long-documents/windows.js";
import { deafFetch, stubbornBodyFetch } from "../../packages/core/test/helpers/hostile-fetch.js";
import { startCountingServer } from "../../packages/redis/test/support/counting-server.js";
import { startRedisServer } from "../../packages/redis/test/support/redis-server.js";

const TINY = fileURLToPath(new URL("../../packages/transformers/test/fixtures/tiny-cross-encoder", import.meta.url));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const max = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), 0);
const ms = (x: number) => `${Math.round(x)} ms`;

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
const stop = (server: Server) => {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(resolve));
};

/** Item 3: calls through a rate limit on a Redis frozen by SIGSTOP. */
async function frozenRedis(): Promise<void> {
  const redis = await startRedisServer();
  const counting = await startCountingServer();
  const store = redisRateLimitStore({ url: redis.url }); // its own timeout: 1 s
  const warnings: string[] = [];
  const client = new RerankClient({
    provider: "cohere",
    baseURL: `${counting.url}/v2`,
    apiKey: "k",
    model: "rerank-v3.5",
    rateLimit: { requestsPerMinute: 10_000, tokensPerMinute: 10_000_000, store },
    hooks: { onWarning: ({ message }) => warnings.push(message) },
  });
  try {
    await client.rerank({ query: "warm", documents: ["a", "b"] });
    redis.freeze();
    const times: number[] = [];
    let ok = 0;
    for (let k = 0; k < 20; k++) {
      const t = performance.now();
      await client.rerank({ query: `frozen ${k}`, documents: ["c", "d"], timeoutMs: 300 }).then(
        () => ok++,
        () => {},
      );
      times.push(performance.now() - t);
    }
    console.log(
      `frozen Redis (SIGSTOP), 20 calls × timeoutMs 300, rate limit on the Redis store (store timeout 1 s): ${ok} answered, median ${ms(median(times))}, max ${ms(max(times))}; warnings: ${warnings.length}`,
    );
    redis.thaw();
    // Back on Redis (the store pings it until it answers), then frozen again, with long deadlines.
    while (true) {
      await client.rerank({ query: "thawed", documents: ["e"] });
      const t = performance.now();
      await client.rerank({ query: "thawed", documents: ["e"] });
      if (performance.now() - t < 100) break;
    }
    redis.freeze();
    const longTimes: number[] = [];
    for (let k = 0; k < 20; k++) {
      const t = performance.now();
      await client.rerank({ query: `frozen long ${k}`, documents: ["c", "d"], timeoutMs: 30_000 });
      longTimes.push(performance.now() - t);
    }
    console.log(
      `frozen Redis, 20 calls × timeoutMs 30000, one after another: first ${ms(longTimes[0]!)}, the other 19 median ${ms(median(longTimes.slice(1)))}, total ${ms(longTimes.reduce((a, b) => a + b, 0))} (three store timeouts a call would be 60 s)`,
    );
  } finally {
    redis.thaw();
    await client.close();
    await store.close();
    await counting.close();
    await redis.stop();
  }
}

/** Item 2: a fetch that ignores its signal, and a body that ignores cancel. */
async function stubbornFetch(): Promise<void> {
  const { server, url } = await listen((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.url?.includes("half")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"results": [');
      }
    });
  });
  for (const [name, f, path] of [
    ["fetch ignoring its signal, no answer", deafFetch, "none"],
    ["fetch ignoring its signal, body stalls", deafFetch, "half"],
    ["body ignoring cancel, body stalls", stubbornBodyFetch, "half"],
  ] as const) {
    const client = new RerankClient({ provider: "cohere", apiKey: "k", baseURL: `${url}/${path}`, fetch: f, maxRetries: 0 });
    let t = performance.now();
    const error = await client.rerank({ query: "q", documents: ["a"], timeoutMs: 300 }).catch((e: unknown) => e);
    const deadline = performance.now() - t;
    const pending = client.rerank({ query: "q", documents: ["a"], timeoutMs: 600_000 }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    t = performance.now();
    await client.close();
    const closed = (await pending) as { code?: string };
    console.log(
      `${name}: timeoutMs 300 → ${(error as Error).name} after ${ms(deadline)}; close() → ${closed.code} after ${ms(performance.now() - t)}`,
    );
  }
  await stop(server);
}

/** Item 4: a 429 with Retry-After: 86400, and keyless servers A and B on one store. */
async function fleetPause(): Promise<void> {
  const tei = (status: number) =>
    listen((req, res) => {
      req.resume();
      req.on("end", () => {
        if (status === 429) {
          res.writeHead(429, { "content-type": "application/json", "retry-after": "86400" });
          res.end(JSON.stringify({ error: "slow down", error_type: "Overloaded" }));
        } else {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify([{ index: 0, score: 0.5 }]));
        }
      });
    });
  const a = await tei(429);
  const b = await tei(200);
  const inner = memoryRateLimitStore();
  const pauses: number[] = [];
  const store: RateLimitStore = {
    ...inner,
    pause: (key, pauseMs) => {
      pauses.push(pauseMs);
      return inner.pause(key, pauseMs);
    },
  };
  const client = (url: string) => new RerankClient({ provider: "tei", baseURL: url, maxRetries: 0, rateLimit: { store } });
  const onA = client(a.url);
  const onB = client(b.url);
  const error = await onA.rerank({ query: "q", documents: ["x"] }).catch((e: unknown) => e as Error);
  await new Promise((r) => setTimeout(r, 20)); // the pause is written without holding the call
  const t = performance.now();
  const fromB = await onB.rerank({ query: "q", documents: ["x"] }).then(
    () => "answered",
    (e: Error) => e.name,
  );
  const onA2 = await onA.rerank({ query: "q", documents: ["x"], timeoutMs: 500 }).catch((e: { code?: string }) => e.code);
  console.log(
    `429 with Retry-After: 86400 from keyless server A: call → ${(error as Error).name}; fleet pause stored ${pauses.join(", ")} ms (cap maxPauseMs, default 60000); a client of server B on the same store: ${fromB} in ${ms(performance.now() - t)}; the next call to A: ${onA2}`,
  );
  await Promise.all([onA.close(), onB.close(), stop(a.server), stop(b.server)]);
}

/** Item 11: the in-memory limiter's windows after the wall clock steps back one hour. */
async function clockStep(): Promise<void> {
  let now = 10 * 3_600_000;
  const store = memoryRateLimitStore({ now: () => now });
  const budget = { name: "requests", limit: 100, windowMs: 60_000 };
  await store.consume("k", 100, budget);
  now -= 3_600_000;
  const refused = await store.consume("k", 1, budget);
  console.log(
    `in-memory limiter, window full, then the clock steps back 1 h: next request refused for ${refused.ok ? 0 : ms(refused.retryInMs)} (issue 20 measured 61 min before the fix); default clock: performance.now() (monotonic)`,
  );
}

/** Item 5: tokenising a 4 MB document for a 512-token model. */
async function bigDocument(): Promise<void> {
  const words = ["rerank", "documents", "the", "query", "of", "cold", "hands", "prevent", "washing", "retrieval", "a", "model"];
  const huge = Array.from({ length: 700_000 }, (_, i) => words[(i * 7 + (i >> 3)) % words.length]).join(" ");
  const capped = new CrossEncoderReranker({ model: TINY, localOnly: true });
  const uncapped = new CrossEncoderReranker({ model: TINY, localOnly: true, maxLength: 100_000_000 }); // budget covers the whole text
  await Promise.all([capped.load(), uncapped.load()]);
  let t = performance.now();
  await capped.encode("prevent a cold", [huge]);
  const cut = performance.now() - t;
  t = performance.now();
  await uncapped.encode("prevent a cold", [huge]);
  const whole = performance.now() - t;
  const { startRerankServer } = await import("@rerankit/server");
  const server = await startRerankServer({ reranker: new BatchingReranker({ reranker: capped }) });
  t = performance.now();
  const ranking = fetch(`${server.url}/v1/rerank`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "prevent a cold", documents: [huge] }),
  });
  const health: number[] = [];
  const done = ranking.then(() => performance.now() - t);
  let finished = false;
  void done.then(() => {
    finished = true;
  });
  while (!finished) {
    const h = performance.now();
    await fetch(`${server.url}/health`).then((r) => r.arrayBuffer());
    health.push(performance.now() - h);
  }
  console.log(
    `${(huge.length / 1e6).toFixed(1)} MB document, tiny cross-encoder (maxLength 512): encode ${ms(cut)} (cut to ${512 * 16} characters first) vs ${ms(whole)} tokenising the whole text; through rerankit serve: answered in ${ms(await done)}, /health during it max ${ms(max(health))} (${health.length} probes)`,
  );
  await server.close();
}

/** Item 10: windows of random emoji-heavy texts. */
function surrogates(): void {
  let windows = 0;
  let lone = 0;
  const pool = ["😀", "👍🏽", "🇫🇷", "𝔘", "a", "é", "字", " "];
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let n = 0; n < 2_000; n++) {
    const text = Array.from({ length: 50 + Math.floor(random() * 400) }, () => pool[Math.floor(random() * pool.length)]).join("");
    for (const [from, to] of windowSpans(text, { maxTokens: 8 + Math.floor(random() * 30), overlapTokens: 2 })) {
      windows++;
      if (/[\uD800-\uDFFF]/u.test(text.slice(from, to))) lone++;
    }
  }
  console.log(`long documents, 2000 random emoji-heavy texts: ${windows} windows, ${lone} with a lone surrogate`);
}

await frozenRedis();
await stubbornFetch();
await fleetPause();
await clockStep();
surrogates();
await bigDocument();
