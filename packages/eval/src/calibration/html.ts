/** The calibration part of the HTML report: a reliability diagram per system (inline SVG, escaped text). */
import type { EvalReport, SystemReport } from "../evaluate.js";
import { esc } from "../quote.js";

function diagram(system: SystemReport): string {
  const c = system.calibration!;
  const size = 240;
  const pad = 36;
  const plot = size - pad - 10;
  const x = (p: number) => (pad + p * plot).toFixed(1);
  const y = (p: number) => (10 + plot - p * plot).toFixed(1);
  const maxCount = Math.max(1, ...c.reliability.map((b) => b.count));
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Reliability diagram of ${esc(system.name)}: predicted against observed" class="chart reliability" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">`;
  for (let t = 0; t <= 4; t++) {
    const v = t / 4;
    svg += `<line x1="${x(0)}" x2="${x(1)}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e7eb"/><text x="${pad - 4}" y="${Number(y(v)) + 3}" text-anchor="end" font-size="9">${v.toFixed(2)}</text>`;
    svg += `<text x="${x(v)}" y="${size - 14}" text-anchor="middle" font-size="9">${v.toFixed(2)}</text>`;
  }
  svg += `<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#9ca3af" stroke-dasharray="4 3"/>`;
  const path = c.reliability.map((b, i) => `${i === 0 ? "M" : "L"}${x(b.predicted)} ${y(b.observed)}`).join(" ");
  if (path) svg += `<path d="${path}" fill="none" stroke="#2563eb"/>`;
  for (const b of c.reliability) {
    const r = 2 + 6 * Math.sqrt(b.count / maxCount);
    svg += `<circle class="bin" cx="${x(b.predicted)}" cy="${y(b.observed)}" r="${r.toFixed(1)}" fill="#2563eb" fill-opacity="0.6"><title>${b.from.toFixed(1)}–${b.to.toFixed(1)}: predicted ${b.predicted.toFixed(3)}, observed ${b.observed.toFixed(3)}, ${b.count} pairs</title></circle>`;
  }
  svg += `<text x="${x(0.5)}" y="${size - 2}" text-anchor="middle" font-size="10">predicted p</text>`;
  svg += `<text x="10" y="${y(0.5)}" font-size="10" transform="rotate(-90 10 ${y(0.5)})" text-anchor="middle">observed share relevant</text></svg>`;
  const rows = c.reliability
    .map(
      (b) =>
        `<tr><td>${b.from.toFixed(1)}–${b.to.toFixed(1)}</td><td>${b.count}</td><td>${b.predicted.toFixed(3)}</td><td>${b.observed.toFixed(3)}</td></tr>`,
    )
    .join("");
  const skill = c.brierSkill === null ? "–" : c.brierSkill.toFixed(3);
  return `<figure class="calibration"><figcaption><b>${esc(system.name)}</b>: ${c.pairs} pairs, Brier ${c.brier.toFixed(4)} (base rate ${c.brierBaseRate.toFixed(4)}), skill ${skill}, ECE ${c.ece.toFixed(4)}</figcaption>${svg}<table><thead><tr><th>bin</th><th>pairs</th><th>predicted</th><th>observed</th></tr></thead><tbody>${rows}</tbody></table></figure>`;
}

/** Empty without calibration; else a section with one reliability diagram per system. */
export function reliabilitySection(report: EvalReport): string {
  const systems = report.systems.filter((s) => s.calibration);
  if (systems.length === 0) return "";
  const c = systems[0]!.calibration!;
  const fitted = `${esc(c.method)}, fitted on ${esc(c.fittedOn.split ?? "the given qrels")} (${c.fittedOn.queries} queries, ${c.fittedOn.pairs} pairs)`;
  return `<h2>Calibration</h2>
<p class="note">Each system's raw scores mapped to the probability of relevance (${fitted}), measured on the evaluated queries. On the dashed diagonal, predicted equals observed; dot area follows the number of pairs.</p>
<div id="calibration">${systems.map((s) => diagram(s)).join("\n")}</div>`;
}
