import { memoryRateLimitStore, type RateLimitBudget, type RateLimitDecision, type RateLimitStore } from "@rerankit/core";
import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes, type RateLimiterStoreAbstract } from "rate-limiter-flexible";
import { connect, type RedisConnection, type RedisOptions } from "./connection.js";

/** Bucket size of the Redis windows: 1 s, as core's in-memory store (about 1.6 % of a 60 s window's throughput). */
const BUCKET_MS = 1000;

/**
 * rate-limiter-flexible's base of every store limiter (it keeps the insurance-limiter failover).
 * Its types export it but its index does not: reach it through RateLimiterRedis, its subclass.
 */
const StoreLimiterBase = Object.getPrototypeOf(RateLimiterRedis) as typeof RateLimiterStoreAbstract;
if (StoreLimiterBase?.name !== "RateLimiterStoreAbstract") {
  throw new Error("rate-limiter-flexible: RateLimiterRedis no longer extends RateLimiterStoreAbstract; this version is not supported");
}

/** A rate-limiter-flexible result that also says which bucket the points went to. */
class WindowRes extends RateLimiterRes {
  bucket = 0;
}

/**
 * The sliding-window rule kept in this process, as a rate-limiter-flexible store limiter: the
 * `insuranceLimiter` of the Redis limiter, so a fleet whose Redis fails keeps a per-process
 * limit. The decision is core's in-memory store's (the same rule as the Lua script below).
 */
class InsuranceLimiter extends StoreLimiterBase {
  readonly #budget: RateLimitBudget;
  readonly #store = memoryRateLimitStore();

  constructor(budget: RateLimitBudget) {
    super({
      points: budget.limit,
      duration: Math.ceil(budget.windowMs / 1000),
      keyPrefix: `rerankit:rl:${budget.name}`,
      storeClient: {},
      inMemoryBlockOnConsumed: 0,
    });
    this.#budget = budget;
  }

  /** rate-limiter-flexible's store hook: here the whole decision, answered as [points used, ms before next, bucket]. */
  async _upsert(rlKey: string, points: number): Promise<[number, number, number]> {
    const decision = await this.#store.consume(rlKey, points, this.#budget);
    if (decision.ok) return [points, 0, decision.bucket];
    // Refused: rate-limiter-flexible rejects a result whose points exceed `points`.
    return [this.#budget.limit + 1, Math.min(decision.retryInMs, Number.MAX_SAFE_INTEGER), 0];
  }

  _getRateLimiterRes(_rlKey: string, _changedPoints: number, result: [number, number, number]): WindowRes {
    const res = new WindowRes(Math.max(this.#budget.limit - result[0], 0), result[1], result[0], false);
    res.bucket = result[2];
    return res;
  }
}

/**
 * The sliding-window rule of `@rerankit/core`'s rate-limit/window.ts, as one atomic script: the
 * bucket counts of a window live in one hash (field = bucket index), the clock is Redis's own
 * (TIME), so every worker agrees on it. Returns {points used, ms before next, bucket}: points used
 * above `limit` means refused (rate-limiter-flexible's convention), -1 ms means never. Buckets
 * after the current one (Redis's clock stepped back) are folded into it, as window.ts does.
 */
export const SLIDING_WINDOW_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cost = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local windowMs = tonumber(ARGV[3])
local bucketMs = tonumber(ARGV[4])
local current = math.floor(now / bucketMs)
local n = math.ceil(windowMs / bucketMs)
local first = current - n
local fields = redis.call('HGETALL', KEYS[1])
local used = 0
local kept = {}
for i = 1, #fields, 2 do
  local b = tonumber(fields[i])
  local p = tonumber(fields[i + 1])
  if b < first then
    redis.call('HDEL', KEYS[1], fields[i])
  else
    if b > current then
      redis.call('HDEL', KEYS[1], fields[i])
      redis.call('HINCRBY', KEYS[1], string.format('%d', current), p)
      b = current
    end
    used = used + p
    kept[#kept + 1] = {b, p}
  end
end
if used + cost <= limit then
  redis.call('HINCRBY', KEYS[1], string.format('%d', current), cost)
  redis.call('PEXPIRE', KEYS[1], windowMs + 2 * bucketMs)
  return {used + cost, 0, current}
end
if cost > limit then
  return {limit + 1, -1, 0}
end
table.sort(kept, function(a, b) return a[1] < b[1] end)
local freed = 0
for _, e in ipairs(kept) do
  freed = freed + e[2]
  if used - freed + cost <= limit then
    return {limit + 1, math.max(1, (e[1] + n + 1) * bucketMs - now), 0}
  end
end
return {limit + 1, math.max(1, (current + n + 1) * bucketMs - now), 0}
`;

/** Adds a correction to a bucket that still counts (HINCRBY only when the window hash exists). */
const ADJUST_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
end
return 1
`;

/** Pauses until now + ms, unless a longer pause is already set. */
const PAUSE_LUA = `
local left = redis.call('PTTL', KEYS[1])
if left < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return 1
`;

type WindowClient = Redis & {
  rerankitSlidingWindow(key: string, cost: number, limit: number, windowMs: number, bucketMs: number): Promise<[number, number, number]>;
  rerankitAdjust(key: string, bucket: string, delta: number): Promise<number>;
  rerankitPause(key: string, ms: number): Promise<number>;
};

function defineCommands(client: Redis): WindowClient {
  const c = client as WindowClient;
  // Our own command names, so a rate-limiter-flexible limiter of the app on the same client keeps its script.
  if (typeof c.rerankitSlidingWindow !== "function")
    client.defineCommand("rerankitSlidingWindow", { numberOfKeys: 1, lua: SLIDING_WINDOW_LUA });
  if (typeof c.rerankitAdjust !== "function") client.defineCommand("rerankitAdjust", { numberOfKeys: 1, lua: ADJUST_LUA });
  if (typeof c.rerankitPause !== "function") client.defineCommand("rerankitPause", { numberOfKeys: 1, lua: PAUSE_LUA });
  return c;
}

/** A Redis command that took longer than the store's `timeoutMs`. */
class RedisTimeoutError extends Error {
  override readonly name = "RedisTimeoutError";
}

/** Ours, or ioredis's own `commandTimeout` (set to the same `timeoutMs`), whichever fires first. */
function isTimeout(error: unknown): boolean {
  return error instanceof RedisTimeoutError || (error instanceof Error && /Command timed out/i.test(error.message));
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new RedisTimeoutError(`Redis ${what} took longer than ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Runs a Redis command bounded by the store's `timeoutMs`. */
type Timed = <T>(promise: Promise<T>, what: string) => Promise<T>;

/**
 * A Redis that hangs (a frozen host: the connection stays open, nothing answers) is not seen by
 * ioredis's status, which stays "ready". After the first command that times out, the store counts
 * Redis as away (every operation falls back at once, as during a disconnection) and pings it,
 * each ping bounded by `timeoutMs`, until it answers. Without this every call paid the timeout
 * once per limiter step (three times), however long the outage.
 */
function stallGuard(client: Redis, ready: () => boolean, timeoutMs: number) {
  let stalled = false;
  let closed = false;
  const probe = async () => {
    while (stalled && !closed) {
      try {
        await withTimeout(client.ping(), timeoutMs, "ping");
        stalled = false;
      } catch (error) {
        // Not a hang (refused, reconnecting): the connection's status judges it from here.
        if (!isTimeout(error)) stalled = false;
      }
    }
  };
  const timed: Timed = (promise, what) =>
    withTimeout(promise, timeoutMs, what).catch((error: unknown) => {
      if (isTimeout(error) && !stalled && !closed) {
        stalled = true;
        void probe();
      }
      throw error;
    });
  return {
    usable: () => ready() && !stalled,
    timed,
    close() {
      closed = true;
    },
  };
}

/** What a consume in flight learns about the store: set by `_handleError` when the insurance limiter answered. */
interface ConsumeContext {
  storeError?: unknown;
}

/**
 * rate-limiter-flexible's RateLimiterRedis running the sliding-window script instead of its
 * fixed-window INCR. Everything else is the library's: the `insuranceLimiter` that answers when
 * Redis fails (here the same rule in process memory) and its result protocol. A Redis that is
 * reconnecting fails at once (`usable`), so an outage costs no call a timeout.
 */
class SlidingWindowRedisLimiter extends RateLimiterRedis {
  readonly #client: WindowClient;
  readonly #usable: () => boolean;
  readonly #budget: RateLimitBudget;
  readonly #timed: Timed;

  constructor(client: WindowClient, usable: () => boolean, budget: RateLimitBudget, insurance: InsuranceLimiter, timed: Timed) {
    super({
      storeClient: client,
      points: budget.limit,
      duration: Math.ceil(budget.windowMs / 1000),
      keyPrefix: `rerankit:rl:${budget.name}`,
      // Readiness is judged by `usable` in _upsert: a first connection may be waited for (bounded).
      rejectIfRedisNotReady: false,
      inMemoryBlockOnConsumed: 0,
      insuranceLimiter: insurance,
    });
    this.#client = client;
    this.#usable = usable;
    this.#budget = budget;
    this.#timed = timed;
  }

  async _upsert(rlKey: string, points: number): Promise<[number, number, number]> {
    if (!this.#usable()) throw new Error(`Redis is not connected (status: ${this.#client.status})`);
    const { limit, windowMs } = this.#budget;
    const reply = await this.#timed(this.#client.rerankitSlidingWindow(rlKey, points, limit, windowMs, BUCKET_MS), "rate-limit check");
    const [used, ms, bucket] = reply.map(Number) as [number, number, number];
    return [used, ms < 0 ? Number.MAX_SAFE_INTEGER : ms, bucket];
  }

  _getRateLimiterRes(_rlKey: string, _changedPoints: number, result: [number, number, number]): WindowRes {
    const res = new WindowRes(Math.max(this.#budget.limit - result[0], 0), result[1], result[0], false);
    res.bucket = result[2];
    return res;
  }

  _handleError(error: unknown, funcName: string, resolve: unknown, reject: unknown, params: unknown[]): void {
    if (!(error instanceof RateLimiterRes)) {
      const context = params[2] as ConsumeContext | undefined;
      if (context && typeof context === "object") context.storeError = error;
    }
    // @ts-expect-error: rate-limiter-flexible's internal failover (to the insurance limiter), not in its types
    super._handleError(error, funcName, resolve, reject, params);
  }

  adjust(key: string, bucket: number, delta: number): Promise<unknown> {
    if (!this.#usable()) return Promise.resolve(); // a correction is best effort: not worth a timeout
    return this.#timed(this.#client.rerankitAdjust(this.getKey(key), String(bucket), delta), "rate-limit correction");
  }
}

/** Options of {@link redisRateLimitStore}. */
export interface RedisRateLimitStoreOptions extends RedisOptions {
  /**
   * While Redis is unreachable each process falls back to its own window with this share of the
   * limit. With N workers, `1 / N` keeps the fleet under the provider's limit during an outage;
   * the default keeps each worker serving at full speed (the fleet may then exceed it).
   * @default 1
   * @example 1 / 4 // four workers
   */
  fallbackShare?: number;
}

/**
 * A {@link RateLimitStore} in Redis or Valkey, shared by every worker: `rateLimit` windows hold
 * for the whole fleet, and a provider's 429 with Retry-After pauses every worker. When Redis
 * fails, each process falls back to a per-process window (rate-limiter-flexible's insurance
 * limiter), the client warns once through `hooks.onWarning`, and calls keep going.
 *
 * @example
 * const store = redisRateLimitStore({ url: process.env.REDIS_URL! });
 * const client = new RerankClient({ provider: "cohere", rateLimit: { requestsPerMinute: 1_000, store } });
 */
export function redisRateLimitStore(
  where: RedisConnection,
  options: RedisRateLimitStoreOptions = {},
): RateLimitStore & { close(): Promise<void> } {
  const share = options.fallbackShare ?? 1;
  if (!(share > 0 && share <= 1)) throw new TypeError(`redisRateLimitStore: fallbackShare must be in (0, 1] (got ${share})`);
  const timeoutMs = options.timeoutMs ?? 1_000;
  const connection = connect(where, timeoutMs, "redisRateLimitStore");
  const client = defineCommands(connection.client);
  const guard = stallGuard(client, connection.ready, timeoutMs);
  const limiters = new Map<string, SlidingWindowRedisLimiter>();
  const local = memoryRateLimitStore();
  const limiterFor = (budget: RateLimitBudget) => {
    const id = `${budget.name}:${budget.limit}:${budget.windowMs}`;
    let limiter = limiters.get(id);
    if (limiter === undefined) {
      const insurance = new InsuranceLimiter({ ...budget, limit: Math.max(1, Math.floor(budget.limit * share)) });
      limiter = new SlidingWindowRedisLimiter(client, guard.usable, budget, insurance, guard.timed);
      limiters.set(id, limiter);
    }
    return limiter;
  };
  const pauseKey = (key: string) => `rerankit:pause:${key}`;
  const fallback = (error: unknown) => ({
    message: `Redis rate-limit store failed (${error instanceof Error ? error.message : String(error)}): each process now keeps its own window until Redis answers again`,
    error,
  });
  return {
    async consume(key, cost, budget): Promise<RateLimitDecision> {
      const limiter = limiterFor(budget);
      const context: ConsumeContext = {};
      let decision: { ok: true; bucket: number } | { ok: false; retryInMs: number };
      try {
        decision = await consumeWithContext(limiter, key, cost, context);
      } catch (error) {
        // The insurance limiter cannot fail; anything else is a bug worth surfacing as a warning.
        return { ok: true, bucket: Number.NaN, fallback: fallback(error) };
      }
      if (context.storeError !== undefined) {
        // Points admitted by the insurance limiter live in this process: corrections cannot reach them.
        return decision.ok
          ? { ok: true, bucket: Number.NaN, fallback: fallback(context.storeError) }
          : { ...decision, fallback: fallback(context.storeError) };
      }
      return decision;
    },
    async adjust(key, bucket, delta, budget) {
      if (Number.isNaN(bucket)) return;
      await limiterFor(budget).adjust(key, bucket, delta);
    },
    async pause(key, ms) {
      // Kept locally too, so this process still honours the pause if Redis is away.
      await local.pause(key, ms);
      if (!guard.usable()) {
        // Not connected (a refused password says so), or connected but not answering (frozen).
        throw connection.ready() ? new Error(`Redis is not usable (status: ${client.status}, not answering)`) : connection.notReady();
      }
      await guard.timed(client.rerankitPause(pauseKey(key), Math.ceil(ms)), "pause");
    },
    async pausedFor(key) {
      const here = await local.pausedFor(key);
      if (!guard.usable()) return here;
      try {
        const there = Number(await guard.timed(client.pttl(pauseKey(key)), "pause read"));
        return Math.max(here, there, 0); // PTTL: -2 no key, -1 no expiry (never set by us)
      } catch {
        return here;
      }
    },
    close: () => {
      guard.close();
      return connection.close();
    },
  };
}

/** One consume on the Redis limiter, passing a context object through rate-limiter-flexible to `_handleError`. */
async function consumeWithContext(
  limiter: SlidingWindowRedisLimiter,
  key: string,
  cost: number,
  context: ConsumeContext,
): Promise<{ ok: true; bucket: number } | { ok: false; retryInMs: number }> {
  try {
    const res = (await limiter.consume(key, cost, context as Record<string, unknown>)) as WindowRes;
    return { ok: true, bucket: res.bucket };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      return {
        ok: false,
        retryInMs: rejection.msBeforeNext >= Number.MAX_SAFE_INTEGER ? Number.POSITIVE_INFINITY : rejection.msBeforeNext,
      };
    }
    throw rejection;
  }
}
