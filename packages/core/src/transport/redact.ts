/**
 * Keeping secrets (the API key, every credential header) out of every text that leaves the client.
 *
 * A secret is scrubbed as it is and in the forms a gateway or a server may echo it in: URL-encoded
 * (upper- and lower-case hex, and twice), and base64 (standard and url-safe) at any byte alignment,
 * so that `base64("Authorization: Bearer <key>")` inside a longer blob loses the key too.
 * The forms are worked out once per secret list and matched with one compiled pattern, and only
 * on error and request-id paths (never on scores).
 */

const MAX_MESSAGE = 500;
/** Shorter values are not scrubbed: they would blank out ordinary words and cannot hide a key. */
const MIN_SECRET = 4;
/** Encoded forms shorter than this are left alone (a 4-character key's base64 core is a word). */
const MIN_ENCODED = 6;
const REDACTED = "[redacted]";

/**
 * Hand-written: no library lists the base64 substrings that a secret always turns into whatever
 * bytes surround it. Character `c` of a base64 text carries bits [6c, 6c + 6); with `k` bytes
 * before the secret, the characters whose bits all come from the secret are the stable core.
 */
function base64Cores(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const text = Buffer.concat([Buffer.alloc(k), bytes]).toString("base64");
    const start = Math.ceil((8 * k) / 6);
    const end = Math.floor((8 * (k + bytes.length)) / 6);
    if (end - start >= MIN_ENCODED) {
      const core = text.slice(start, end);
      out.push(core, core.replace(/\+/g, "-").replace(/\//g, "_"));
    }
  }
  return out;
}

/** Every form of one secret worth scrubbing (the secret itself first). */
export function secretForms(secret: string): string[] {
  if (secret.length < MIN_SECRET) return [];
  const forms = new Set<string>([secret]);
  const encoded = encodeURIComponent(secret);
  if (encoded !== secret) {
    forms.add(encoded);
    forms.add(encoded.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
    forms.add(encoded.replace(/%20/g, "+"));
    forms.add(encodeURIComponent(encoded));
  }
  for (const core of base64Cores(Buffer.from(secret, "utf8"))) forms.add(core);
  return [...forms];
}

/**
 * The secrets carried by one header value: the value, the credential after an auth scheme
 * (`Bearer`, `Basic`, `Token`, …), and for `Basic` the decoded `user:pass` and the password.
 */
export function headerSecrets(value: string): string[] {
  const out = [value];
  const scheme = /^([A-Za-z][A-Za-z0-9-]*)\s+(\S+)$/.exec(value.trim());
  if (scheme) {
    const credential = scheme[2]!;
    out.push(credential);
    if (scheme[1]!.toLowerCase() === "basic") {
      const decoded = Buffer.from(credential, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon > 0 && !decoded.includes("\uFFFD")) out.push(decoded, decoded.slice(colon + 1));
    }
  }
  return out;
}

const patterns = new WeakMap<readonly string[], RegExp | null>();

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** One pattern for every form of every secret in `secrets`, built once per list (lists are resolved once per client). */
function patternFor(secrets: readonly string[]): RegExp | null {
  let pattern = patterns.get(secrets);
  if (pattern !== undefined) return pattern;
  const forms = new Set<string>();
  for (const secret of secrets) for (const form of secretForms(secret)) forms.add(form);
  // Longest first, so that a secret containing another is replaced whole.
  const sorted = [...forms].sort((a, b) => b.length - a.length);
  pattern = sorted.length === 0 ? null : new RegExp(sorted.map(escapeRegExp).join("|"), "g");
  patterns.set(secrets, pattern);
  return pattern;
}

/** Removes every form of every secret from `text`, keeping everything else as it is (line breaks included). */
export function redact(text: string, secrets: readonly string[]): string {
  const pattern = patternFor(secrets);
  return pattern === null ? text : text.replace(pattern, REDACTED);
}

/** Shortens a message and removes every occurrence of any secret in it. */
export function scrub(message: string, secrets: readonly string[]): string {
  // Redacted before shortening, so that a cut never leaves half a key behind.
  let out = redact(message.replace(/\s+/g, " ").trim(), secrets);
  if (out.length > MAX_MESSAGE) out = `${out.slice(0, MAX_MESSAGE)}…`;
  return out;
}

export function scrubOptional(text: string | undefined, secrets: readonly string[]): string | undefined {
  return text === undefined ? undefined : scrub(text, secrets);
}

/** A URL fit for a log line or a hook event: no credentials, and any secret in the path or query removed. */
export function redactURL(url: string, secrets: readonly string[]): string {
  // A key in the query string (`?api_key=…`, `&token=…`) is redacted even when it is not the client's key.
  const out = url.replace(/([?&][^=&#]*(?:key|token|secret|sig|auth|pass)[^=&#]*=)[^&#]*/gi, "$1[redacted]");
  return redact(out, secrets);
}

/** A frozen error (someone else's) keeps its field: scrubbing never throws. */
function define(target: object, key: string, descriptor: PropertyDescriptor): void {
  try {
    Object.defineProperty(target, key, descriptor);
  } catch {}
}

/**
 * Scrubs every string an error carries, in place: message, stack, code, request id, any other own
 * string field, and the same down its `cause` chain (a cause that is not an Error is replaced by its
 * scrubbed text). Used on the error path only.
 */
export function scrubError<T>(error: T, secrets: readonly string[], seen = new Set<unknown>()): T {
  if (typeof error !== "object" || error === null || seen.has(error) || patternFor(secrets) === null) return error;
  seen.add(error);
  const record = error as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(error)) {
    if (key === "cause") continue;
    const descriptor = Object.getOwnPropertyDescriptor(error, key);
    if (descriptor === undefined || !("value" in descriptor) || typeof descriptor.value !== "string") continue;
    const clean = redact(descriptor.value, secrets);
    if (clean !== descriptor.value) define(error, key, { ...descriptor, value: clean });
  }
  if (error instanceof Error) {
    // V8's stack is an own accessor until first read; reading it formats it, and the write replaces it.
    const stack = error.stack;
    if (typeof stack === "string") {
      const clean = redact(stack, secrets);
      if (clean !== stack) define(error, "stack", { value: clean, writable: true, configurable: true });
    }
  }
  if ("cause" in record) {
    const cause = record.cause;
    if (typeof cause === "object" && cause !== null) scrubError(cause, secrets, seen);
    else if (typeof cause === "string") {
      define(error, "cause", { value: redact(cause, secrets), writable: true, configurable: true });
    }
  }
  if (typeof AggregateError !== "undefined" && error instanceof AggregateError) {
    for (const inner of error.errors) scrubError(inner, secrets, seen);
  }
  return error;
}
