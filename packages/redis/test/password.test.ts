/** A Redis that wants a password, on a real redis-server started with --requirepass. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisScoreCache } from "../src/index.js";
import { notReadyError } from "../src/connection.js";
import { type RedisServer, startRedisServer } from "./support/redis-server.js";

const PASSWORD = "s3cret-front-door";
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer(["--requirepass", PASSWORD]);
});
afterAll(() => redis.stop());

/** The cache's first two failures: while the first connection is refused, and after. */
async function failures(url: string): Promise<Error[]> {
  const cache = redisScoreCache({ url }, { ttlSeconds: 60 });
  try {
    const seen: Error[] = [];
    for (const attempt of [cache.getMany(["k"]), cache.setMany([["k", 1]])]) {
      const error = await attempt.then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      if (!error) throw new Error("a command succeeded without the right password");
      seen.push(error);
    }
    return seen;
  } finally {
    await cache.close();
  }
}

describe("a wrong Redis password", () => {
  it("says Redis refused the password (not only that it is not connected), and never shows the password", async () => {
    for (const error of await failures(`redis://:wrong-password@127.0.0.1:${redis.port}`)) {
      expect(error.message).toMatch(/^Redis refused the password \((WRONGPASS|ERR invalid password)/);
      expect(error.message).toContain("redis://USER:PASSWORD@HOST:PORT");
      expect(error.message).not.toContain("wrong-password");
    }
  });

  it("no password at all: says a password is required", async () => {
    for (const error of await failures(`redis://127.0.0.1:${redis.port}`)) {
      expect(error.message).toMatch(/^Redis refused the password \(NOAUTH/);
    }
  });

  it("the right password works (so the failures above are about the password)", async () => {
    const cache = redisScoreCache({ url: `redis://:${PASSWORD}@127.0.0.1:${redis.port}` }, { ttlSeconds: 60 });
    try {
      await cache.setMany([["k", 0.5]]);
      expect(await cache.getMany(["k"])).toEqual([0.5]);
    } finally {
      await cache.close();
    }
  });
});

describe("notReadyError", () => {
  it.each([
    ["WRONGPASS invalid username-password pair or user is disabled.", /^Redis refused the password \(WRONGPASS/],
    ["NOAUTH Authentication required.", /^Redis refused the password \(NOAUTH/],
    ["connect ECONNREFUSED 127.0.0.1:1", /^Redis is not connected \(status: reconnecting\): connect ECONNREFUSED/],
  ])("%s", (reply, expected) => {
    expect(notReadyError("reconnecting", new Error(reply)).message).toMatch(expected);
  });

  it("with no error seen, the status alone", () => {
    expect(notReadyError("end", undefined).message).toBe("Redis is not connected (status: end)");
  });
});
