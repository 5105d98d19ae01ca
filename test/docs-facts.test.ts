/**
 * Facts the front page and the development guide state about the repository, checked against the
 * repository: the package table and its count, core's dependency count, the test projects listed in
 * docs/DEVELOPMENT.md. Each was once out of date; these fail when it drifts again.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const read = (path: string) => readFileSync(join(root, path), "utf8");
const readme = read("README.md");
const packages = readdirSync(join(root, "packages")).sort();

/** "Ten" → 10: the number words the README uses for a count. */
const numberWords = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];

describe("README.md's package table", () => {
  it("links every folder under packages/ as @rerankit/<folder>, and no other", () => {
    const linked = [...readme.matchAll(/^\| \[`@rerankit\/([a-z0-9-]+)`\]\(packages\/([a-z0-9-]+)\)/gm)].map((m) => {
      expect(m[1]).toBe(m[2]);
      return m[2];
    });
    expect(linked.sort()).toEqual(packages);
  });

  it("says how many there are", () => {
    const said = /^(\w+) packages, versioned together/m.exec(readme)?.[1]?.toLowerCase();
    expect(numberWords.indexOf(said ?? "")).toBe(packages.length);
  });
});

describe("what the docs say about @rerankit/core's dependencies", () => {
  const count = Object.keys(JSON.parse(read("packages/core/package.json")).dependencies ?? {}).length;
  for (const file of ["README.md", "docs/TRACING.md"]) {
    it(`${file}: "at most N runtime dependencies" holds`, () => {
      const said = /at most (\w+) runtime dependencies/.exec(read(file))?.[1];
      expect(said, `${file} states the bound`).toBeDefined();
      expect(count).toBeLessThanOrEqual(numberWords.indexOf(said as string));
    });
  }
});

describe("docs/DEVELOPMENT.md", () => {
  it("names every vitest project in what `pnpm test` runs", () => {
    const configs = ["vitest.config.ts", "packages/langchain/compat/vitest.config.ts"].map(read).join("\n");
    const projects = [...configs.matchAll(/test: \{ name: "([a-z0-9-]+)"/g)].map((m) => m[1] as string);
    expect(projects.length).toBeGreaterThan(10);
    const dev = read("docs/DEVELOPMENT.md");
    const testLines = dev.slice(dev.indexOf("pnpm test "), dev.indexOf("pnpm lint:packages"));
    expect(projects.filter((p) => !new RegExp(`\\b${p}\\b`).test(testLines))).toEqual([]);
  });
});

describe("docs/EVALUATION.md's flag table", () => {
  it("lists every flag of `rerankit eval --help` (but the refused old --timeout-ms and --help)", async () => {
    const { EVAL_HELP } = await import("@rerankit/eval");
    const flags = new Set([...EVAL_HELP.matchAll(/^ {2}(?:-\w, )?(--[a-z0-9-]+)/gm)].map((m) => m[1] as string));
    flags.delete("--timeout-ms");
    flags.delete("--help");
    expect(flags.size).toBeGreaterThan(20);
    const doc = read("docs/EVALUATION.md");
    const table = doc.slice(doc.indexOf("## Flags"), doc.indexOf("## Output"));
    const listed = new Set([...table.matchAll(/^\| `(--[a-z0-9-]+)/gm)].map((m) => m[1]));
    // a row may hold two flags: `--k1 X`, `--b X`
    for (const m of table.matchAll(/`(--[a-z0-9-]+)[^`]*`/g)) listed.add(m[1]);
    expect([...flags].filter((f) => !listed.has(f))).toEqual([]);
  });
});
