/**
 * `extraBody` may add provider fields, never replace the ones the call fills: a key that collides
 * with the query, the documents, the model or the top-N (in the generic names or the dialect's
 * own) would make the server rank other texts than the ones the results are labelled with.
 */
import type { Dialect } from "./dialect.js";

/** The generic names, refused for every dialect (a reader of the call would take them for these fields). */
const GENERIC_FIELDS = ["query", "documents", "model", "top_n"] as const;

const reservedByDialect = new WeakMap<Dialect, ReadonlySet<string>>();

/**
 * The top-level body fields a dialect fills from the query, the documents, the model and the
 * top-N: found by building two bodies from requests that differ in those and keeping the keys
 * whose values differ (so a dialect's own names, e.g. TEI's `texts` or DashScope's `input` and
 * `parameters`, need no list to keep in step), plus the generic names. Constant fields (Jina's
 * `return_documents: false`) stay open.
 */
export function reservedFields(dialect: Dialect): ReadonlySet<string> {
  let reserved = reservedByDialect.get(dialect);
  if (reserved !== undefined) return reserved;
  // The instruction is the same in both: a field that carries only it (SiliconFlow's
  // `instruction`, Xinference's `kwargs`) stays the caller's.
  const instruct = dialect.acceptsInstruct ? "i" : undefined;
  const a = dialect.buildBody({ query: "a", documents: ["a"], model: "a", topN: 1, instruct });
  const b = dialect.buildBody({ query: "b", documents: ["b", "b"], model: "b", topN: 2, instruct });
  const fields = new Set<string>(GENERIC_FIELDS);
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) fields.add(key);
  }
  reserved = fields;
  reservedByDialect.set(dialect, reserved);
  return reserved;
}

/** The first key of `extraBody` the dialect fills itself, or undefined. */
export function collidingField(dialect: Dialect, extraBody: Record<string, unknown> | undefined): string | undefined {
  if (extraBody === undefined) return undefined;
  const reserved = reservedFields(dialect);
  for (const key of Object.keys(extraBody)) if (reserved.has(key)) return key;
  return undefined;
}
