/** The fetch transport on its own, over real sockets: status, headers, size cap, redirects, aborts, failures. */
import { describe, expect, it } from "vitest";
import { CallAbort, ResponseTooLargeError } from "../src/transport/send.js";
import { FetchConnectionError, type FetchFunction, loadUndici, sendWithFetch } from "../src/transport/fetch.js";
import { closeAfterEach, json, startTestServer } from "./helpers/http.js";

const { servers } = closeAfterEach();

async function server(reply: Parameters<typeof startTestServer>[0]) {
  const s = await startTestServer(reply);
  servers.push(s);
  return s;
}

const decode = (body: Uint8Array) => new TextDecoder().decode(body);

function options(origin: string, overrides: Partial<Parameters<typeof sendWithFetch>[1]> = {}) {
  return {
    origin,
    path: "/v1/rerank",
    headers: { "content-type": "application/json", authorization: "Bearer sk-fetch" },
    body: JSON.stringify({ query: "q", documents: ["a"] }),
    maxResponseBytes: 1024,
    signal: new CallAbort().signal,
    ...overrides,
  };
}

describe("sendWithFetch", () => {
  it("POSTs the body and headers, and returns status, lower-case headers and the whole body", async () => {
    const s = await server((_req, res) => json(res, 200, { results: [] }, { "X-Request-Id": "req-1" }));
    const exchange = await sendWithFetch(fetch, options(s.url));
    expect(exchange.status).toBe(200);
    expect(exchange.headers["x-request-id"]).toBe("req-1");
    expect(JSON.parse(decode(exchange.body))).toEqual({ results: [] });
    expect(s.requests[0]).toMatchObject({ method: "POST", url: "/v1/rerank", json: { query: "q", documents: ["a"] } });
    expect(s.requests[0]!.headers.authorization).toBe("Bearer sk-fetch");
  });

  it("returns an error status with its body for the client to classify", async () => {
    const s = await server((_req, res) => json(res, 429, { message: "slow down" }, { "retry-after": "2" }));
    const exchange = await sendWithFetch(fetch, options(s.url));
    expect(exchange.status).toBe(429);
    expect(exchange.headers["retry-after"]).toBe("2");
    expect(decode(exchange.body)).toContain("slow down");
  });

  it("goes through the fetch it is given", async () => {
    const s = await server((_req, res) => json(res, 200, {}));
    const seen: string[] = [];
    const counting: FetchFunction = (input, init) => {
      seen.push(`${init.method} ${input}`);
      return fetch(input, init);
    };
    await sendWithFetch(counting, options(s.url));
    expect(seen).toEqual([`POST ${s.url}/v1/rerank`]);
  });

  it("never follows a redirect: it returns the 3xx, and the target is never asked", async () => {
    const target = await server((_req, res) => json(res, 200, { results: [] }));
    const s = await server((_req, res) => {
      res.writeHead(307, { location: `${target.url}/v1/rerank` });
      res.end();
    });
    const exchange = await sendWithFetch(fetch, options(s.url));
    expect(exchange.status).toBe(307);
    expect(exchange.headers.location).toBe(`${target.url}/v1/rerank`);
    expect(target.requests).toHaveLength(0);
  });

  it("refuses a body whose content-length is over the cap before reading it", async () => {
    const s = await server((_req, res) => json(res, 200, { padding: "x".repeat(5000) }));
    await expect(sendWithFetch(fetch, options(s.url))).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  it("stops reading a streamed body (no content-length) once it passes the cap", async () => {
    let written = 0;
    let finished = false;
    let hungUp!: () => void;
    const closed = new Promise<void>((resolve) => {
      hungUp = resolve;
    });
    const s = await server((_req, res) => {
      res.on("close", () => hungUp());
      res.writeHead(200, { "content-type": "application/json" }); // chunked: no content-length
      const chunk = "x".repeat(512);
      const timer = setInterval(() => {
        if (res.destroyed || written >= 200) {
          clearInterval(timer);
          finished = !res.destroyed;
          res.end();
          return;
        }
        res.write(chunk);
        written++;
      }, 2);
    });
    const error = await sendWithFetch(fetch, options(s.url)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as ResponseTooLargeError).limit).toBe(1024);
    await closed; // the server's response closed: an event, not a sleep
    expect(finished).toBe(false); // the client hung up long before the server's 200 chunks
    expect(written).toBeLessThan(200);
  });

  it("rejects at once with the reason when already aborted, sending nothing", async () => {
    const s = await server((_req, res) => json(res, 200, {}));
    const abort = new CallAbort();
    const reason = new Error("cancelled");
    abort.abort(reason);
    await expect(sendWithFetch(fetch, options(s.url, { signal: abort.signal }))).rejects.toBe(reason);
    expect(s.requests).toHaveLength(0);
  });

  it("rejects with the reason when aborted while waiting for headers, and while reading the body", async () => {
    const early = new CallAbort();
    const reason = new Error("deadline");
    // Aborted once the server holds the request and before it answers (events, not sleeps).
    const slow = await server((_req, res) => {
      setTimeout(() => json(res, 200, {}), 5_000).unref();
      early.abort(reason);
    });
    await expect(sendWithFetch(fetch, options(slow.url, { signal: early.signal }))).rejects.toBe(reason);

    const late = new CallAbort();
    const lateReason = new Error("user went away");
    const trickle = await server((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"results": [');
      setTimeout(() => res.end("]}"), 5_000).unref();
    });
    // Aborted once the headers have reached the caller, while the body is still coming.
    const tracked: FetchFunction = async (input, init) => {
      const response = await fetch(input, init);
      late.abort(lateReason);
      return response;
    };
    await expect(sendWithFetch(tracked, options(trickle.url, { signal: late.signal }))).rejects.toBe(lateReason);
  });

  it("reports a refused connection as a FetchConnectionError with the runtime's code", async () => {
    const s = await server((_req, res) => json(res, 200, {}));
    const url = s.url;
    await s.close();
    const error = await sendWithFetch(fetch, options(url)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchConnectionError);
    expect((error as FetchConnectionError).code).toBe("ECONNREFUSED");
    expect(String((error as Error).message)).not.toContain("sk-fetch");
  });

  it("reports a connection reset mid-body as a FetchConnectionError", async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"results": [');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    await expect(sendWithFetch(fetch, options(s.url))).rejects.toBeInstanceOf(FetchConnectionError);
  });
});

describe("loadUndici", () => {
  it("loads the client's undici Agent module once where undici is installed (Node), and caches the answer", async () => {
    const first = loadUndici();
    expect(loadUndici()).toBe(first);
    expect(typeof (await first)?.createOwnedAgent).toBe("function");
  });
});
