/**
 * Core has no import circle, type-only imports included (issue 19). Every file under src/ is
 * read with TypeScript's own import scanner (`ts.preProcessFile`: `import`, `import type`,
 * `export … from` and dynamic imports), relative specifiers are resolved to files, and a
 * depth-first search (helpers/find-cycle.ts) reports the first circle found. Hand-written over
 * madge or dpdm: a dozen lines on the TypeScript that is already here, and no new dev dependency.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { findCycle } from "./helpers/find-cycle.js";

const SRC = fileURLToPath(new URL("../src", import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The files `file` imports from within src/ (relative specifiers; `.js` names its `.ts` source). */
function importsOf(file: string, known: Set<string>): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  const found: string[] = [];
  for (const { fileName } of importedFiles) {
    if (!fileName.startsWith(".")) continue;
    const base = resolve(dirname(file), fileName);
    const candidate = [base.replace(/\.js$/, ".ts"), `${base}.ts`, join(base, "index.ts")].find((c) => known.has(c));
    if (candidate === undefined) throw new Error(`${relative(SRC, file)}: cannot resolve ${fileName}`);
    found.push(candidate);
  }
  return found;
}

describe("core's imports", () => {
  it("findCycle finds a circle, a type-only one as any, and none in a tree", () => {
    const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));
    expect(findCycle(graph({ a: ["b"], b: ["c"], c: ["a"] }))).toEqual(["a", "b", "c", "a"]);
    expect(findCycle(graph({ a: ["b", "c"], b: ["c"], c: [] }))).toBeUndefined();
    expect(findCycle(graph({ a: ["a"] }))).toEqual(["a", "a"]);
  });

  it("the scanner sees type-only imports and re-exports", () => {
    const { importedFiles } = ts.preProcessFile(
      'import type { A } from "./a.js";\nexport { B } from "./b.js";\nexport type { C } from "./c.js";',
      true,
      true,
    );
    expect(importedFiles.map((f) => f.fileName)).toEqual(["./a.js", "./b.js", "./c.js"]);
  });

  it("form no circle, type-only imports included", () => {
    const files = sourceFiles(SRC);
    const known = new Set(files);
    const graph = new Map(files.map((file) => [file, importsOf(file, known)]));
    expect(graph.size).toBeGreaterThan(50);
    const circle = findCycle(graph)?.map((file) => relative(SRC, file));
    expect(circle, circle?.join(" → ")).toBeUndefined();
  });
});
