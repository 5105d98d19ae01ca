/**
 * Cache keys. A key is `rerankit:score:v1:<context hash>:<document hash>`, where the context hash
 * covers everything a pointwise score depends on besides the document (provider, endpoint, model,
 * instruct, query and the extra body), and the document hash is the SHA-256 of its text. No key
 * holds the API key or any readable text: the document and query are hashed, never stored.
 *
 * Hashing uses node:crypto's synchronous SHA-256 where the runtime has it (Node, Bun, Deno: found
 * through `process.getBuiltinModule`, so no bundler sees a `node:` import), and Web Crypto
 * (`crypto.subtle.digest`, async) everywhere else (browsers, edge runtimes). Both give the same
 * hex digest. Web Crypto alone cost about 60 µs a document here (one thread-pool trip each): 3 ms
 * for 50 documents, more than an uncached call to a fast local server.
 */

/** What a pointwise score depends on, besides the document. Never pass the API key. */
export interface ScoreContext {
  provider: string;
  /** The base URL (or the replica list) the scores come from: two self-hosted servers may serve different models under one name. */
  endpoint: string;
  model: string;
  instruct: string | undefined;
  query: string;
  extraBody: Record<string, unknown> | undefined;
}

export const SCORE_KEY_PREFIX = "rerankit:score:v1:";

const encoder = new TextEncoder();
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

type NodeCrypto = { createHash(algorithm: string): { update(data: string, encoding: "utf8"): { digest(encoding: "hex"): string } } };

const nodeCrypto: NodeCrypto | undefined = (() => {
  try {
    const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
    return typeof getBuiltin === "function" ? (getBuiltin("node:crypto") as NodeCrypto | undefined) : undefined;
  } catch {
    return undefined;
  }
})();

/** Lowercase hex SHA-256 of a UTF-8 string. */
export async function sha256Hex(text: string): Promise<string> {
  if (nodeCrypto !== undefined) return nodeCrypto.createHash("sha256").update(text, "utf8").digest("hex");
  return sha256HexWebCrypto(text);
}

/** The same digest through Web Crypto (exported for the test that both agree). */
export async function sha256HexWebCrypto(text: string): Promise<string> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", encoder.encode(text)));
  let hex = "";
  for (const byte of digest) hex += HEX[byte];
  return hex;
}

/**
 * JSON with object keys sorted at every level, so `{a, b}` and `{b, a}` hash alike. Values JSON
 * cannot hold (functions, undefined) are dropped, as the request body drops them.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/** The hash of a {@link ScoreContext}: one per call. */
export function scoreContextHash(context: ScoreContext): Promise<string> {
  const { provider, endpoint, model, instruct, query, extraBody } = context;
  return sha256Hex(canonicalJson([provider, endpoint, model, instruct ?? null, query, extraBody ?? null]));
}

/** One key per text, in order: the context hash once, then each document's own hash. */
export async function scoreCacheKeys(context: ScoreContext, texts: readonly string[]): Promise<string[]> {
  const [contextHash, ...documentHashes] = await Promise.all([scoreContextHash(context), ...texts.map(sha256Hex)]);
  return documentHashes.map((h) => `${SCORE_KEY_PREFIX}${contextHash}:${h}`);
}

/**
 * `extraBody` with a hash of the whole list of texts under `"rerankit:list"`: the context of a
 * score that depends on the list (a list-dependent server's), so that only the same list hits.
 */
export async function withListHash(
  extraBody: Record<string, unknown> | undefined,
  texts: readonly string[],
): Promise<Record<string, unknown>> {
  return { ...extraBody, "rerankit:list": await sha256Hex(canonicalJson(texts)) };
}
