import { RerankConnectionError, RerankError, RerankInputError } from "../errors.js";

/**
 * Codes of a client that can no longer send: `CLIENT_CLOSED` (the client's own refusal after
 * `close()`), and undici's `UND_ERR_CLOSED` / `UND_ERR_DESTROYED` (a dispatcher closed under it).
 */
const CLOSED_CLIENT_CODES: ReadonlySet<string> = new Set(["CLIENT_CLOSED", "UND_ERR_CLOSED", "UND_ERR_DESTROYED"]);

/**
 * The one passthrough rule of the adapters (`onError: "passthrough"`): ride out every failure of
 * the rerank API or its transport (any `RerankError`) and a missing query (nothing to rank by: a
 * `RerankInputError` on `query`), by keeping the retrieval order. Never the caller's other bad
 * input, a closed client (using it is a bug: it would pass through forever), an abort or a bug:
 * those throw.
 *
 * @example
 * catch (error) { if (onError === "passthrough" && isPassthroughError(error)) return inRetrievalOrder; throw error; }
 */
export function isPassthroughError(error: unknown): boolean {
  if (!RerankError.isInstance(error)) return false;
  if (RerankInputError.isInstance(error)) return error.field === "query";
  return !isClosedClientError(error);
}

/** A `RerankConnectionError` saying the client (or its dispatcher) is closed. */
export function isClosedClientError(error: unknown): boolean {
  return (
    RerankConnectionError.isInstance(error) &&
    typeof (error as RerankError).code === "string" &&
    CLOSED_CLIENT_CODES.has((error as RerankError).code as string)
  );
}
