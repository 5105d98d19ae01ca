/** `--rerank logprob:<model>@<baseURL>`: the eval's LLM reranker, loaded from @rerankit/llm on first use, against a local chat server. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rerankerFromSpec, runEvalCommand } from "../src/index.js";
import { type ChatServer, startChatServer, yesNoReply } from "../../llm/test/support/chat-server.js";
import { writeFixture } from "./support/fixture.js";
import { capture } from "./support/io.js";

/** @rerankit/llm's test chat server: P(yes) is high for a document that ends with "relevant". */
let chat: ChatServer;
let chatURL: string;
/** The model named by each request the chat server got. */
const models = () => chat.requests.map((r) => r.body.model);

beforeAll(async () => {
  chat = await startChatServer(yesNoReply((document) => ({ yes: document.endsWith("relevant") ? -0.1 : -3, no: -1 })));
  chatURL = `${chat.url}/v1`;
});
afterAll(() => chat.close());

describe("rerankerFromSpec: logprob:<model>@<baseURL>", () => {
  it("names the model (which may hold ':' and '/') and ranks through the server", async () => {
    const named = rerankerFromSpec(`logprob:org/qwen3:0.6b@${chatURL}`);
    expect(named).toMatchObject({ name: `logprob:org/qwen3:0.6b@${chatURL}`, provider: "logprob", model: "org/qwen3:0.6b" });
    const response = await named.reranker.rerank({ query: "q", documents: ["noise", "relevant"] });
    expect(response.results.map((r) => r.index)).toEqual([1, 0]);
    expect(response.scoreKind).toBe("probability");
    expect(models()).toEqual(["org/qwen3:0.6b", "org/qwen3:0.6b"]);
  });

  it("listwise:<model>@<baseURL> is named as listwise, its model as given", () => {
    expect(rerankerFromSpec(`listwise:qwen3:8b@${chatURL}`)).toMatchObject({ provider: "listwise", model: "qwen3:8b" });
  });

  it("a SPEC without a base URL fails its first call saying what a SPEC looks like", async () => {
    const named = rerankerFromSpec("logprob:judge");
    await expect(named.reranker.rerank({ query: "q", documents: ["a"] })).rejects.toThrow(/expected logprob:<model>@<baseURL>/);
  });

  it("rerankit eval --rerank logprob:… runs the LLM as a system of its own", async () => {
    const before = models().length;
    const c = capture();
    const spec = `logprob:judge@${chatURL}`;
    expect(await runEvalCommand(["--collection", writeFixture(), "--rerank", spec, "--json"], c.io)).toBe(0);
    const report = JSON.parse(c.stdout()) as { systems: { name: string; metrics: Record<string, number> }[] };
    expect(report.systems.map((s) => s.name)).toEqual(["bm25-first-stage", spec]);
    expect(Number.isFinite(report.systems[1]!.metrics["ndcg@10"])).toBe(true);
    expect(models().length).toBeGreaterThan(before);
    expect(
      models()
        .slice(before)
        .every((m) => m === "judge"),
    ).toBe(true);
  });
});
