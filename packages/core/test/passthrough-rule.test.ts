/** isPassthroughError: the one rule both adapters use for onError: "passthrough". */
import { describe, expect, it } from "vitest";
import {
  isPassthroughError,
  RerankAuthenticationError,
  RerankConnectionError,
  RerankInputError,
  RerankResponseError,
  RerankServerError,
  RerankTimeoutError,
} from "../src/index.js";

describe("isPassthroughError", () => {
  it.each([
    ["a server error", new RerankServerError("500", { provider: "p", status: 500 }), true],
    ["a timeout", new RerankTimeoutError("late", { provider: "p" }), true],
    ["a connection error", new RerankConnectionError("reset", { provider: "p" }), true],
    ["a bad response", new RerankResponseError("bad", { provider: "p" }), true],
    ["a wrong key", new RerankAuthenticationError("401", { provider: "p", status: 401 }), true],
    ["a closed client", new RerankConnectionError("closed", { provider: "p", code: "CLIENT_CLOSED" }), false],
    ["a dispatcher closed under the client", new RerankConnectionError("closed", { provider: "p", code: "UND_ERR_CLOSED" }), false],
    [
      "a dispatcher destroyed under the client",
      new RerankConnectionError("destroyed", { provider: "p", code: "UND_ERR_DESTROYED" }),
      false,
    ],
    ["a refused connection", new RerankConnectionError("refused", { provider: "p", code: "ECONNREFUSED" }), true],
    ["a missing query", new RerankInputError("no query", { field: "query" }), true],
    ["other bad input", new RerankInputError("blank document", { field: "documents[1]" }), false],
    ["a bug", new TypeError("x is undefined"), false],
    ["an abort reason", new DOMException("aborted", "AbortError"), false],
    ["a string", "stop", false],
  ])("%s → %s", (_name, error, expected) => expect(isPassthroughError(error)).toBe(expected));
});
