#!/usr/bin/env node
// Writes the code cells of each notebook given, in order, to <outDir>/<notebook>.ts, so tsc can
// typecheck them (the Deno kernel does not). Usage: extract-notebook-cells.mjs OUT_DIR NB.ipynb…
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

const [outDir, ...notebooks] = process.argv.slice(2);
if (!outDir || notebooks.length === 0) {
  console.error("usage: extract-notebook-cells.mjs OUT_DIR NOTEBOOK.ipynb…");
  process.exit(2);
}
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
for (const path of notebooks) {
  const nb = JSON.parse(readFileSync(path, "utf8"));
  const cells = nb.cells.filter((c) => c.cell_type === "code");
  const text = (c) => (Array.isArray(c.source) ? c.source.join("") : c.source);
  const body = cells.map((c, i) => `// ── ${basename(path)}, code cell ${i + 1} ──\n${text(c)}\n`).join("\n");
  // `export {}` keeps the file a module even if no cell imports anything (top-level await needs it).
  writeFileSync(join(outDir, `${basename(path, ".ipynb")}.ts`), `${body}\nexport {};\n`);
}
