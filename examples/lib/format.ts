/** Plain-text tables that line up with Chinese text too (CJK characters take two columns). */

const WIDE = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u;

/** Terminal columns a string takes. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += WIDE.test(ch) ? 2 : 1;
  return w;
}

/** Cuts `s` to at most `width` columns, ending with "…" when cut. */
export function truncate(s: string, width: number): string {
  const flat = s.replace(/\s+/g, " ").trim();
  if (displayWidth(flat) <= width) return flat;
  let out = "";
  let w = 0;
  for (const ch of flat) {
    const cw = WIDE.test(ch) ? 2 : 1;
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

export function padEnd(s: string, width: number): string {
  return s + " ".repeat(Math.max(0, width - displayWidth(s)));
}

export function padStart(s: string, width: number): string {
  return " ".repeat(Math.max(0, width - displayWidth(s))) + s;
}

/** Renders rows as aligned columns with a header rule; columns listed in `alignRight` are right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], alignRight: readonly number[] = []): string {
  const widths = header.map((h, c) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[c] ?? ""))));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (alignRight.includes(c) ? padStart(cell, widths[c]!) : padEnd(cell, widths[c]!)))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** Formats a score with a fixed number of decimals. */
/** "1 query", "3 queries": a count with its noun in the right number (English has two forms). */
export function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function score(x: number, digits = 4): string {
  return x.toFixed(digits);
}

/** Escapes text for HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** An HTML table (for notebooks); cells are escaped. */
export function htmlTable(header: readonly string[], rows: readonly (readonly string[])[], alignRight: readonly number[] = []): string {
  const cell = (tag: "th" | "td", s: string, c: number) =>
    `<${tag}${alignRight.includes(c) ? ' style="text-align:right"' : ""}>${escapeHtml(s)}</${tag}>`;
  return [
    "<table>",
    `<thead><tr>${header.map((h, c) => cell("th", h, c)).join("")}</tr></thead>`,
    "<tbody>",
    ...rows.map((r) => `<tr>${r.map((s, c) => cell("td", s, c)).join("")}</tr>`),
    "</tbody></table>",
  ].join("\n");
}

export interface RankedRow {
  id: string;
  text: string;
  /** Marks a labelled-relevant passage with ✓. */
  relevant?: boolean;
  score?: number;
}

/** Header, rows and right-aligned columns of a table, to render as text or HTML. */
export interface TableData {
  header: string[];
  rows: string[][];
  alignRight: number[];
}

/**
 * Two rankings side by side: what the first stage retrieved and what the reranker kept, row by
 * row, `rows` deep (the longer list decides when unset).
 */
export function sideBySideData(
  before: readonly RankedRow[],
  after: readonly RankedRow[],
  textWidth = 30,
  rows = Math.max(before.length, after.length),
): TableData {
  const id = (r: RankedRow) => `${r.relevant ? "✓ " : ""}${r.id}`;
  const body = Array.from({ length: rows }, (_, i) => {
    const b = before[i];
    const a = after[i];
    return [
      `${i + 1}`,
      b ? id(b) : "",
      b ? truncate(b.text, textWidth) : "",
      a ? id(a) : "",
      a?.score === undefined ? "" : score(a.score),
      a ? truncate(a.text, textWidth) : "",
    ];
  });
  return { header: ["#", "retrieved (embedding)", "text", "reranked", "score", "text"], rows: body, alignRight: [0, 4] };
}

/** {@link sideBySideData} as a text table. */
export function sideBySide(before: readonly RankedRow[], after: readonly RankedRow[], textWidth = 30): string {
  const t = sideBySideData(before, after, textWidth);
  return table(t.header, t.rows, t.alignRight);
}

/**
 * A table as a Jupyter media bundle (HTML, with the text table as the plain-text fallback), with an
 * optional caption above and preformatted text below: for `Deno.jupyter.display(bundle, { raw: true })`.
 */
export function tableBundle(t: TableData, caption?: string, footer?: string): { "text/html": string; "text/plain": string } {
  const html = [
    caption ? `<p><b>${escapeHtml(caption)}</b></p>` : "",
    htmlTable(t.header, t.rows, t.alignRight),
    footer ? `<pre>${escapeHtml(footer)}</pre>` : "",
  ];
  const text = [caption ?? "", table(t.header, t.rows, t.alignRight), footer ?? ""];
  return { "text/html": html.filter(Boolean).join("\n"), "text/plain": text.filter(Boolean).join("\n") };
}
