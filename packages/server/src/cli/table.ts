/** Table output for the terminal: columns that line up with Chinese text too (CJK takes two columns). */

/** East Asian wide characters: Hangul Jamo, CJK and Yi, Hangul syllables, compatibility and fullwidth forms. */
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;

/** Terminal columns a string takes. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += WIDE.test(char) ? 2 : 1;
  return width;
}

/** Flattens whitespace and cuts to at most `width` terminal columns, ending with "…" when cut. */
export function truncate(text: string, width: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (displayWidth(flat) <= width) return flat;
  let out = "";
  let used = 0;
  for (const char of flat) {
    const w = WIDE.test(char) ? 2 : 1;
    if (used + w > width - 1) break;
    out += char;
    used += w;
  }
  return `${out}…`;
}

/** A score for a table: 4 decimals, or exponent form for very large magnitudes (raw logits). */
export function formatScore(score: number): string {
  return Math.abs(score) >= 1000 ? score.toExponential(3) : score.toFixed(4);
}

/**
 * Renders rows under a header, two spaces between columns; the columns in `alignRight` are
 * right-aligned, the others padded on the right. The last column is never padded.
 */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], alignRight: readonly number[] = []): string {
  const widths = header.map((h, c) => Math.max(displayWidth(h), ...rows.map((row) => displayWidth(row[c] ?? ""))));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => {
        const pad = " ".repeat(Math.max(0, widths[c]! - displayWidth(cell)));
        return alignRight.includes(c) ? pad + cell : c === cells.length - 1 ? cell : cell + pad;
      })
      .join("  ");
  return `${[line(header), ...rows.map(line)].join("\n")}\n`;
}
