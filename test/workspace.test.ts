/**
 * What keeps `pnpm install` free of warnings in a fresh clone: no cycle among the workspace's
 * packages (pnpm warns "There are cyclic workspace dependencies"), and every `bin` a package
 * declares exists before a build (pnpm warns "Failed to create bin" for each package linking it).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findCycle } from "../packages/core/test/helpers/find-cycle.js";

const root = fileURLToPath(new URL("..", import.meta.url));

interface Manifest {
  name: string;
  bin?: string | Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** The workspace's projects (pnpm-workspace.yaml: packages/*, packages/langchain/compat, examples, test), by folder. */
function projects(): Map<string, Manifest> {
  const folders = [
    ...readdirSync(join(root, "packages")).map((name) => join("packages", name)),
    "packages/langchain/compat",
    "examples",
    "test",
  ];
  const found = new Map<string, Manifest>();
  for (const folder of folders) {
    const file = join(root, folder, "package.json");
    if (existsSync(file)) found.set(folder, JSON.parse(readFileSync(file, "utf8")) as Manifest);
  }
  return found;
}

describe("the workspace graph", () => {
  const all = projects();
  const names = new Set([...all.values()].map((m) => m.name));

  it("has no cycle through any kind of dependency (pnpm counts dev and peer ones too)", () => {
    const edges = new Map<string, string[]>();
    for (const m of all.values()) {
      const deps = { ...m.dependencies, ...m.devDependencies, ...m.peerDependencies, ...m.optionalDependencies };
      edges.set(
        m.name,
        Object.keys(deps).filter((d) => names.has(d)),
      );
    }
    expect(findCycle(edges)).toBeUndefined();
  });

  it("declares only bins whose files are committed (they exist before a build)", () => {
    for (const [folder, m] of all) {
      const bins = typeof m.bin === "string" ? { [m.name]: m.bin } : (m.bin ?? {});
      for (const [bin, target] of Object.entries(bins)) {
        expect(target, `${m.name} bin ${bin}`).not.toMatch(/^(\.\/)?dist\//);
        expect(existsSync(join(root, folder, target)), `${m.name} bin ${bin}: ${target}`).toBe(true);
      }
    }
  });
});

describe("findCycle", () => {
  it.each([
    [
      "none",
      [
        ["a", ["b"]],
        ["b", ["c"]],
        ["c", []],
      ],
      undefined,
    ],
    [
      "two packages",
      [
        ["a", ["b"]],
        ["b", ["a"]],
      ],
      ["a", "b", "a"],
    ],
    [
      "through a third",
      [
        ["langchain", ["server"]],
        ["server", ["transformers"]],
        ["transformers", ["langchain"]],
      ],
      ["langchain", "server", "transformers", "langchain"],
    ],
    [
      "a diamond is not a cycle",
      [
        ["a", ["b", "c"]],
        ["b", ["d"]],
        ["c", ["d"]],
        ["d", []],
      ],
      undefined,
    ],
  ] as const)("%s", (_name, list, expected) => {
    expect(findCycle(new Map(list.map(([k, v]) => [k, [...v]])))).toEqual(expected);
  });
});
