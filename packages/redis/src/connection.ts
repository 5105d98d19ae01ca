/**
 * One Redis connection per cache or store: opened from a URL (then owned, and closed by `close()`)
 * or handed in by the caller (then borrowed, and never closed here).
 *
 * The client is ioredis: rate-limiter-flexible's Redis limiter takes it as it is (its default
 * client; node-redis needs extra flags), it bounds every command with `commandTimeout`, it
 * reconnects on its own, and it speaks to Valkey, Sentinel and Cluster alike.
 */
import { Redis } from "ioredis";

/** Where to connect: a `redis://` / `rediss://` URL, or an ioredis client you own. */
export type RedisConnection = { url: string; client?: never } | { client: Redis; url?: never };

export interface RedisOptions {
  /**
   * Longest wait for one Redis command before it counts as a failure: a cache miss, or the
   * per-process fallback window of the rate limiter.
   * @default 250 for redisScoreCache, 1000 for redisRateLimitStore (falling back loosens a fleet-wide limit)
   */
  timeoutMs?: number;
}

export interface Connection {
  readonly client: Redis;
  readonly owned: boolean;
  /**
   * Whether a command may be issued: connected, or on its first connection (the command then waits
   * in ioredis's queue, bounded by the timeout). A client that lost Redis and is reconnecting
   * fails at once, so an outage costs no call a timeout.
   */
  ready(): boolean;
  /** Why no command may be issued now, as an error to throw: a refused password says so. */
  notReady(): Error;
  /** A command's failure as callers should see it: a refused password says so (see {@link explainFailure}). */
  explain(error: unknown): unknown;
  close(): Promise<void>;
}

/** Statuses in which a command goes out now or after the first connection completes. */
const USABLE = new Set(["ready", "wait", "connect", "connecting"]);

function usable(client: Redis): boolean {
  return USABLE.has(client.status);
}

/** Replies of a Redis that refused the credentials (Redis 6+ ACL, and older `requirepass`). */
const AUTH_REFUSED = /^(WRONGPASS|NOAUTH|ERR invalid password|ERR AUTH)/;

/**
 * A command's failure, as callers should see it: a reply refusing the credentials (a command sent
 * while the first connection's AUTH is being refused gets that reply) becomes the same error as
 * {@link notReadyError} gives for it; anything else is returned as it is.
 */
function explainFailure(error: unknown, status: string): unknown {
  return error instanceof Error && AUTH_REFUSED.test(error.message) ? notReadyError(status, error) : error;
}

/**
 * The error for a client that cannot take a command. Only the server's reply text is kept: an
 * ioredis ReplyError also holds the AUTH command's arguments, the password among them.
 */
export function notReadyError(status: string, lastError: Error | undefined): Error {
  const reply = lastError?.message.split("\n")[0];
  if (reply !== undefined && AUTH_REFUSED.test(reply)) {
    return new Error(
      `Redis refused the password (${reply}); check the user name and password in the URL (redis://USER:PASSWORD@HOST:PORT)`,
    );
  }
  return new Error(`Redis is not connected (status: ${status})${reply ? `: ${reply}` : ""}`);
}

export function connect(where: RedisConnection, timeoutMs: number, what: string): Connection {
  if (where === null || typeof where !== "object" || (where.url === undefined) === (where.client === undefined)) {
    throw new TypeError(`${what}: pass { url } or { client }, one of them`);
  }
  if (where.client !== undefined) {
    const client = where.client;
    // A borrowed client's "error" events are its owner's: no listener is added to it here.
    return {
      client,
      owned: false,
      ready: () => usable(client),
      notReady: () => notReadyError(client.status, undefined),
      explain: (error) => explainFailure(error, client.status),
      close: async () => {},
    };
  }
  const url = where.url;
  if (typeof url !== "string" || !/^(redis|rediss|valkey|valkeys):\/\//.test(url)) {
    throw new TypeError(`${what}: url must be a redis:// or rediss:// URL`);
  }
  const client = new Redis(url.replace(/^valkey(s?):/, "redis$1:"), {
    commandTimeout: timeoutMs,
    // A command issued while Redis is away fails at once instead of queueing behind reconnects.
    maxRetriesPerRequest: 0,
    enableOfflineQueue: true,
    // Reconnect quickly, then every second at most, for as long as the process lives.
    retryStrategy: (times) => Math.min(50 * times, 1_000),
    lazyConnect: false,
  });
  // ioredis reports every failed reconnect as an "error" event; without a listener Node prints
  // each. The failures reach callers through the commands they issue instead, the last one named.
  let lastError: Error | undefined;
  client.on("error", (error: Error) => {
    lastError = error;
  });
  client.on("ready", () => {
    lastError = undefined;
  });
  let closing: Promise<void> | undefined;
  return {
    client,
    owned: true,
    ready: () => closing === undefined && usable(client),
    notReady: () => notReadyError(client.status, lastError),
    explain: (error) => explainFailure(error, client.status),
    close() {
      closing ??= client.quit().then(
        () => {},
        () => client.disconnect(),
      );
      return closing;
    },
  };
}
