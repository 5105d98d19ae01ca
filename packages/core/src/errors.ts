/**
 * The error hierarchy. Every error a Rerankit call rejects with (except an abort, which rejects
 * with the signal's reason) is a {@link RerankError}. Errors carry the provider, status, code and
 * request id, and never the API key or document text.
 */

const BRAND = Symbol.for("rerankit.RerankError");

/** Fields every {@link RerankError} may be built with. */
export interface RerankErrorInit {
  provider: string;
  status?: number | undefined;
  code?: string | undefined;
  requestId?: string | undefined;
  retryable?: boolean | undefined;
  attempts?: number | undefined;
  cause?: unknown;
}

/** Base class of every Rerankit error. */
export class RerankError extends Error {
  /** The preset id (`"cohere"`, `"dashscope"`, …) or `"input"` for errors raised before a request. */
  readonly provider: string;
  /** The HTTP status, when the error came from a response. */
  readonly status: number | undefined;
  /** The provider's error code, when its body had one. */
  readonly code: string | undefined;
  /** The provider's request id, from the error body or a response header. */
  readonly requestId: string | undefined;
  /** Whether Rerankit would retry this failure (it already has, `attempts - 1` times). */
  readonly retryable: boolean;
  /** HTTP attempts made before giving up (0 when nothing was sent). */
  attempts: number;

  constructor(message: string, init: RerankErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.provider = init.provider;
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.retryable = init.retryable ?? false;
    this.attempts = init.attempts ?? 0;
    // The brand lists the class names from this class up to RerankError, so that isInstance
    // works per subclass across copies of the package (ESM and CJS builds loaded together).
    const kinds: string[] = [];
    for (let c: unknown = new.target; typeof c === "function" && c !== Error; c = Object.getPrototypeOf(c))
      kinds.push((c as { name: string }).name);
    Object.defineProperty(this, BRAND, { value: Object.freeze(kinds) });
  }

  /**
   * `instanceof` that also holds across copies of this package (ESM and CJS builds loaded
   * together): `RerankRateLimitError.isInstance(e)` is true only for rate-limit errors.
   */
  // biome-ignore lint/suspicious/noExplicitAny: any constructor: subclasses take their own init types
  static isInstance<T extends RerankError>(this: abstract new (...args: any[]) => T, value: unknown): value is T {
    if (typeof value !== "object" || value === null) return false;
    const kinds = (value as Record<symbol, unknown>)[BRAND];
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class isInstance was called on
    return Array.isArray(kinds) && kinds.includes(this.name);
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      provider: this.provider,
      status: this.status,
      code: this.code,
      requestId: this.requestId,
      retryable: this.retryable,
      attempts: this.attempts,
    };
  }
}

/** 401, 403, 498: the key is missing, wrong or not allowed to use this model. */
export class RerankAuthenticationError extends RerankError {}

/** 429: too many requests. `retryAfterMs` is the server's requested wait, when it sent one. */
export class RerankRateLimitError extends RerankError {
  readonly retryAfterMs: number | undefined;
  constructor(message: string, init: RerankErrorInit & { retryAfterMs?: number | undefined }) {
    super(message, init);
    this.retryAfterMs = init.retryAfterMs;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryAfterMs: this.retryAfterMs };
  }
}

/** 400, 404, 413, 422 and any other 4xx but 408 and 429 (402, TEI's 424, …): not retried. */
export class RerankBadRequestError extends RerankError {}

/** 5xx. Retried, except 501 (the server cannot rerank at all). */
export class RerankServerError extends RerankError {}

/** The call's deadline (`timeoutMs`, retries and waits included) passed. */
export class RerankTimeoutError extends RerankError {}

/** The connection failed: refused, reset, DNS, closed before a full response. */
export class RerankConnectionError extends RerankError {}

/**
 * The response broke the contract: bad JSON, an HTML page, a wrong shape, an index out of range or
 * repeated, a non-finite score, a body over `maxResponseBytes`, or a redirect (never followed).
 */
export class RerankResponseError extends RerankError {}

/** The request was rejected before anything was sent. `field` names the offending input. */
export class RerankInputError extends RerankError {
  readonly field: string;
  constructor(message: string, init: Partial<RerankErrorInit> & { field: string }) {
    super(message, { provider: init.provider ?? "input", ...init });
    this.field = init.field;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), field: this.field };
  }
}
