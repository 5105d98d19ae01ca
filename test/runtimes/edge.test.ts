/**
 * Core where undici cannot load (an edge runtime, a browser): a child Node whose module resolver
 * refuses undici, and without setImmediate, imports @rerankit/core and reranks against
 * the local server through the runtime's fetch, chosen automatically.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { RerankClient } from "@rerankit/core";
import { type RerankServer, startRerankServer } from "@rerankit/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
let server: RerankServer;

beforeAll(async () => {
  server = await startRerankServer();
});
afterAll(async () => {
  await server?.close();
});

describe("a runtime without undici", () => {
  it("imports core and reranks through globalThis.fetch, with the ranking undici gives", async () => {
    const { stdout } = await run(
      process.execPath,
      ["--conditions=@rerankit/source", "--import", "tsx", "--import", here("./no-undici.mjs"), here("./edge-call.ts"), `${server.url}/v1`],
      { timeout: 60_000 },
    );
    const result = JSON.parse(stdout.trim().split("\n").at(-1)!) as { order: number[]; requests: number; fetched: number };
    expect(result.requests).toBe(2);
    expect(result.fetched).toBe(2); // every request went through fetch

    const client = new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1`, maxDocumentsPerRequest: 2 });
    try {
      const viaUndici = await client.rerank({
        query: "prevent a cold",
        documents: ["bananas are yellow", "wash your hands to prevent a cold", "stock markets", "colds and hands"],
      });
      expect(result.order).toEqual(viaUndici.results.map((r) => r.index));
    } finally {
      await client.close();
    }
  });

  it("fails to load undici in that child (the test would prove nothing otherwise)", async () => {
    const script = 'import("undici").then(() => console.log("loaded"), () => console.log("refused"))';
    const { stdout } = await run(process.execPath, ["--import", here("./no-undici.mjs"), "--input-type=module", "-e", script], {
      timeout: 30_000,
    });
    expect(stdout.trim()).toBe("refused");
  });
});
