/** `rerankit serve --llm logprob:<model>@<baseURL>`: an LLM behind the local rerank server, over real HTTP both ways. */
import { RerankClient } from "@rerankit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/main.js";
import { type ChatServer, documentOf, startChatServer, yesNoReply } from "../../llm/test/support/chat-server.js";

/** An OpenAI-compatible chat server (@rerankit/llm's test server) whose P(yes) grows with the document's length. */
let chat: ChatServer;
let chatURL: string;
/** What the chat server was sent: the auth header and the document of each request. */
const seen = () => chat.requests.map((r) => ({ authorization: r.headers.authorization, document: documentOf(r) }));

beforeAll(async () => {
  chat = await startChatServer(yesNoReply((document) => ({ yes: -10 / document.length, no: -1 })));
  chatURL = `${chat.url}/v1`;
});
afterAll(() => chat.close());

function capture() {
  const out = { stdout: "", stderr: "" };
  const io = {
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
  };
  return { out, io };
}

describe("rerankit serve --llm", () => {
  it("serves P(yes) scores from the LLM, with the key from RERANKIT_LLM_API_KEY and a score cache", async () => {
    const stop = new AbortController();
    const { out, io } = capture();
    const done = runCli(["serve", "--port", "0", "--llm", `logprob:judge@${chatURL}`, "--memory-cache", "100"], {
      ...io,
      env: { RERANKIT_LLM_API_KEY: "llm-secret-1" },
      signal: stop.signal,
    });
    while (!out.stdout.includes("\n")) {
      if (out.stderr !== "") throw new Error(out.stderr);
      await new Promise((r) => setImmediate(r));
    }
    const url = /listening on (\S+)/.exec(out.stdout)![1]!;
    expect(out.stdout).toContain("LLM judge");
    expect(out.stdout).not.toContain("llm-secret-1");
    const client = new RerankClient({ provider: "rerankit", baseURL: `${url}/v1`, maxRetries: 0 });
    const documents = ["short", "a much longer document", "medium text"];
    const first = await client.rerank({ query: "q", documents });
    expect(first.results.map((r) => r.index)).toEqual([1, 2, 0]);
    expect(first.results[0]!.relevanceScore).toBeCloseTo(1 / (1 + Math.exp(-1 + 10 / documents[1]!.length)), 6);
    expect(
      seen()
        .map((s) => s.document)
        .sort(),
    ).toEqual([...documents].sort());
    expect(seen().every((s) => s.authorization === "Bearer llm-secret-1")).toBe(true);
    await client.rerank({ query: "q", documents });
    expect(seen()).toHaveLength(3); // the second call came from the cache
    await client.close();
    stop.abort();
    expect(await done).toBe(0);
  });

  it("a malformed SPEC, --llm with --model and --llm with a local model's flag are usage errors", async () => {
    const bad = capture();
    expect(await runCli(["serve", "--port", "0", "--llm", "logprob:judge"], { ...bad.io, env: {} })).toBe(2);
    expect(bad.out.stderr).toMatch(/expected logprob:<model>@<baseURL>/);
    const both = capture();
    expect(await runCli(["serve", "--llm", `logprob:judge@${chatURL}`, "--model", "m"], { ...both.io, env: {} })).toBe(2);
    expect(both.out.stderr).toMatch(/--model and --llm are two rerankers/);
    const dtype = capture();
    expect(await runCli(["serve", "--llm", `logprob:judge@${chatURL}`, "--dtype", "q8"], { ...dtype.io, env: {} })).toBe(2);
    expect(dtype.out.stderr).toMatch(/--dtype applies to a local model/);
  });
});
