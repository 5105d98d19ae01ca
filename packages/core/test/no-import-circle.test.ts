/**
 * Core has no import circle, type-only imports included (issue 19). Every file under src/ is
 * read with TypeScript's own import scanner (`ts.preProcessFile`: `import`, `import type`,
 * `export … from` and dynamic imports), relative specifiers are resolved to files, and a
 * depth-first search reports the first circle found. Hand-written over madge or dpdm: a dozen
 * lines on the TypeScript that is already here, and no new dev dependency to install.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

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

/** The first import circle of the graph, as a path that starts and ends at the same file, or undefined. */
export function findCircle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string): string[] | undefined => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") return [...stack.slice(stack.indexOf(next)), next];
      if (state.get(next) === undefined) {
        const circle = visit(next);
        if (circle) return circle;
      }
    }
    stack.pop();
    state.set(file, "done");
    return undefined;
  };
  for (const file of graph.keys()) {
    if (state.get(file) !== undefined) continue;
    const circle = visit(file);
    if (circle) return circle;
  }
  return undefined;
}

describe("core's imports", () => {
  it("findCircle finds a circle, a type-only one as any, and none in a tree", () => {
    const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));
    expect(findCircle(graph({ a: ["b"], b: ["c"], c: ["a"] }))).toEqual(["a", "b", "c", "a"]);
    expect(findCircle(graph({ a: ["b", "c"], b: ["c"], c: [] }))).toBeUndefined();
    expect(findCircle(graph({ a: ["a"] }))).toEqual(["a", "a"]);
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
    const circle = findCircle(graph)?.map((file) => relative(SRC, file));
    expect(circle, circle?.join(" → ")).toBeUndefined();
  });
});
