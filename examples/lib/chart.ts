/** A small grouped bar chart as an SVG string, for the comparison notebook (no plotting library). */
import { escapeHtml } from "./format.ts";

export interface BarGroup {
  /** Group label under the bars, e.g. "nDCG@5". */
  label: string;
  /** One value per series, in series order, on a 0..1 scale. */
  values: readonly number[];
}

const PALETTE = ["#9aa5b1", "#3b82f6", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#ec4899"];

/** Bars for values in 0..1, grouped by metric, one colour per series, with a legend. */
export function groupedBarChart(series: readonly string[], groups: readonly BarGroup[], title: string): string {
  const barW = 34;
  const gap = 6;
  const groupGap = 40;
  const plotH = 200;
  const left = 40;
  const top = 36;
  const groupW = series.length * (barW + gap) - gap;
  // Wide enough for the bars, the title and the longest legend entry (about 8.5 px a bold title character, 7 px a legend one).
  const width = Math.ceil(
    Math.max(
      left + 10 + groups.length * (groupW + groupGap),
      left + title.length * 8.5,
      left + 18 + Math.max(0, ...series.map((s) => s.length)) * 7,
    ) + 10,
  );
  const legendY = top + plotH + 44;
  const height = legendY + series.length * 18 + 8;
  const y = (v: number) => top + plotH - Math.max(0, Math.min(1, v)) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">${escapeHtml(title)}</text>`,
  ];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<line x1="${left}" x2="${width - 10}" y1="${y(tick)}" y2="${y(tick)}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${left - 6}" y="${y(tick) + 4}" text-anchor="end" fill="#555">${tick}</text>`);
  }
  groups.forEach((group, g) => {
    const x0 = left + 10 + g * (groupW + groupGap);
    group.values.forEach((v, s) => {
      const x = x0 + s * (barW + gap);
      out.push(`<rect x="${x}" y="${y(v)}" width="${barW}" height="${top + plotH - y(v)}" fill="${PALETTE[s % PALETTE.length]}"/>`);
      out.push(`<text x="${x + barW / 2}" y="${y(v) - 4}" text-anchor="middle" font-size="10">${v.toFixed(2)}</text>`);
    });
    out.push(`<text x="${x0 + groupW / 2}" y="${top + plotH + 18}" text-anchor="middle">${escapeHtml(group.label)}</text>`);
  });
  series.forEach((name, s) => {
    const ly = legendY + s * 18;
    out.push(`<rect x="${left}" y="${ly - 10}" width="12" height="12" fill="${PALETTE[s % PALETTE.length]}"/>`);
    out.push(`<text x="${left + 18}" y="${ly}">${escapeHtml(name)}</text>`);
  });
  out.push("</svg>");
  return out.join("\n");
}
