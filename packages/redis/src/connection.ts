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
   * Longest wait for one Redis command before it counts as a failure (a cache miss, or the
   * per-process fallback limit). Applies to connections opened from a URL. @default 250
   */
  timeoutMs?: number;
}

export interface Connection {
  readonly client: Redis;
  readonly owned: boolean;
  /** Whether commands can go now (a client still connecting or reconnecting cannot). */
  ready(): boolean;
  close(): Promise<void>;
}

export function connect(where: RedisConnection, options: RedisOptions, what: string): Connection {
  if (where === null || typeof where !== "object" || (where.url === undefined) === (where.client === undefined)) {
    throw new TypeError(`${what}: pass { url } or { client }, one of them`);
  }
  if (where.client !== undefined) {
    const client = where.client;
    return { client, owned: false, ready: () => client.status === "ready", close: async () => {} };
  }
  const url = where.url;
  if (typeof url !== "string" || !/^(redis|rediss|valkey|valkeys):\/\//.test(url)) {
    throw new TypeError(`${what}: url must be a redis:// or rediss:// URL`);
  }
  const client = new Redis(url.replace(/^valkey(s?):/, "redis$1:"), {
    commandTimeout: options.timeoutMs ?? 250,
    // A command issued while Redis is away fails at once instead of queueing behind reconnects.
    maxRetriesPerRequest: 0,
    enableOfflineQueue: true,
    // Reconnect quickly, then every second at most, for as long as the process lives.
    retryStrategy: (times) => Math.min(50 * times, 1_000),
    lazyConnect: false,
  });
  // ioredis reports every failed reconnect as an "error" event; without a listener Node prints
  // each. The failures reach callers through the commands they issue instead.
  client.on("error", () => {});
  let closing: Promise<void> | undefined;
  return {
    client,
    owned: true,
    ready: () => closing === undefined && client.status === "ready",
    close() {
      closing ??= client.quit().then(
        () => {},
        () => client.disconnect(),
      );
      return closing;
    },
  };
}
