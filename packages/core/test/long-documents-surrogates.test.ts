/**
 * Long-document windows never cut inside a surrogate pair (issue 20, item 10): an emoji run longer
 * than a window is cut between code points, so every window is well-formed UTF-16 and the JSON
 * the client sends holds no lone surrogate, which strict JSON servers (TEI) refuse with a 422.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RerankClient } from "../src/index.js";
import { splitWindows, windowSpans } from "../src/long-documents/index.js";
import { closeAfterEach, cohereReply, json, startTestServer } from "./helpers/http.js";

const { servers, clients } = closeAfterEach();

/** In a `u` regex a well-formed pair is one code point: only a lone surrogate matches. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

const emoji = fc.constantFrom("😀", "👍🏽", "🇫🇷", "𝔘", "🧑‍💻", "a", "é", "字");

describe("windows and surrogate pairs", () => {
  it("every window is well-formed, and together they hold every code point in order (property)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.array(emoji, { minLength: 1, maxLength: 200 }).map((e) => e.join("")),
            fc.constant(" "),
          ),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        fc.integer({ min: 8, max: 40 }),
        (parts, maxTokens) => {
          const text = parts.join("");
          const spans = windowSpans(text, { maxTokens, overlapTokens: 0 });
          for (const [from, to] of spans) {
            const window = text.slice(from, to);
            expect(window).not.toMatch(LONE_SURROGATE);
            expect(JSON.stringify(window)).not.toMatch(/\\ud[89a-f]/i);
          }
          // No overlap asked: the windows, joined, are the text less its spaces.
          const joined = spans.map(([from, to]) => text.slice(from, to)).join("");
          expect(joined.replace(/\s/g, "")).toBe(text.replace(/\s/g, ""));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a run of 2,000 emoji after one letter (windows then end at odd offsets) is cut on code points", () => {
    const text = `a${"😀".repeat(2_000)}`;
    for (const maxTokens of [8, 9, 33, 101]) {
      const windows = splitWindows(text, { maxTokens, overlapTokens: 3 });
      expect(windows.length).toBeGreaterThan(1);
      for (const window of windows) expect(window).not.toMatch(LONE_SURROGATE);
    }
  });

  it("through a client, a strict JSON server (refusing lone surrogates with 422) accepts every window", async () => {
    const ok = cohereReply((text) => text.length / 1000);
    const server = await startTestServer((req, res, n) => {
      // TEI's serde_json refuses an escaped lone surrogate; so does this server.
      if (/\\ud[89a-f]/i.test(req.body) || LONE_SURROGATE.test(req.body)) json(res, 422, { error: "lone surrogate" });
      else ok(req, res, n);
    });
    servers.push(server);
    const client = new RerankClient({
      provider: "cohere",
      apiKey: "k",
      baseURL: `${server.url}/v2`,
      maxRetries: 0,
      longDocuments: { maxTokens: 9, overlapTokens: 2 },
    });
    clients.push(client);
    // 800 emoji, no two windows alike (identical windows would be sent once).
    const run = `x${Array.from({ length: 800 }, (_, i) => String.fromCodePoint(0x1f600 + ((i * 7) % 80))).join("")}`;
    const response = await client.rerank({ query: "q", documents: [run, "short"] });
    expect(response.results).toHaveLength(2);
    const sent = server.requests.flatMap((r) => (r.json as { documents: string[] }).documents);
    expect(sent.length).toBeGreaterThan(2);
  });
});
