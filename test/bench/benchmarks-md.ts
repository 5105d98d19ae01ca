/**
 * Each benchmark owns a section of docs/BENCHMARKS.md between `<!-- NAME:start -->` and
 * `<!-- NAME:end -->`, so that one run never rewrites another's numbers.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const BENCHMARKS_MD = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "docs", "BENCHMARKS.md");

/**
 * Replaces the text between the `name` markers with `section`; where the markers are missing, the
 * section is appended with them (and the file created). Returns the file written.
 */
export function writeBenchmarksSection(name: string, section: string, file = BENCHMARKS_MD): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${section}\n${end}`;
  const text = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  writeFileSync(
    file,
    from >= 0 && to > from ? `${text.slice(0, from)}${block}${text.slice(to + end.length)}` : `${text.trimEnd()}\n\n${block}\n`,
  );
  return file;
}
