/**
 * Every TypeScript block in README.md and docs/*.md compiles against the packages' sources, so a
 * snippet cannot rot: a renamed option or export fails here. Each ```ts block becomes a module of
 * one TypeScript program (the repository's compiler options, the "@rerankit/source" condition);
 * imports resolve as from this folder. A block that is deliberately partial says so in its fence,
 * ```ts no-check, and is left out; use it sparingly.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const here = fileURLToPath(new URL(".", import.meta.url));

export interface Snippet {
  /** The markdown file, relative to the repository root. */
  file: string;
  /** The 1-based line of the block's first code line in that file. */
  line: number;
  code: string;
}

/** The ```ts / ```typescript blocks of a markdown text, but those fenced `no-check`. */
export function extractSnippets(file: string, markdown: string): Snippet[] {
  const snippets: Snippet[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(ts|typescript)\b(.*)$/.exec(lines[i] as string);
    if (!open) continue;
    const [, indent, fence, , info] = open as unknown as [string, string, string, string, string];
    const start = i + 1;
    let end = start;
    while (end < lines.length && !(lines[end] as string).startsWith(`${indent}${fence}`)) end++;
    if (!/\bno-check\b/.test(info)) {
      const code = lines
        .slice(start, end)
        .map((l) => l.slice(indent.length))
        .join("\n");
      snippets.push({ file, line: start + 1, code });
    }
    i = end;
  }
  return snippets;
}

/** README.md and every docs/*.md, relative to the repository root. */
function markdownFiles(): string[] {
  const docs = readdirSync(join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`);
  return ["README.md", ...docs.sort()];
}

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(root, "tsconfig.base.json");
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root, undefined, configPath);
  return { ...parsed.options, composite: false, declaration: false, emitDeclarationOnly: false, noEmit: true, incremental: false };
}

/** Type-checks the snippets as one program; resolves each snippet's diagnostics as "file:line: message". */
export function checkSnippets(snippets: readonly Snippet[]): Map<Snippet, string[]> {
  const options = compilerOptions();
  // Virtual files beside this test, so bare imports resolve through test/node_modules.
  const virtual = new Map(snippets.map((s, n) => [join(here, ".snippets", `${n}.ts`), s] as const));
  // `export {}` keeps each block a module: two blocks declaring the same `const client` do not clash.
  const source = (s: Snippet) => `${s.code}\nexport {};\n`;
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => virtual.has(name) || fileExists.call(host, name);
  host.readFile = (name) => {
    const snippet = virtual.get(name);
    return snippet ? source(snippet) : readFile.call(host, name);
  };
  host.getSourceFile = (name, language, ...rest) => {
    const snippet = virtual.get(name);
    return snippet ? ts.createSourceFile(name, source(snippet), language) : getSourceFile.call(host, name, language, ...rest);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  const result = new Map<Snippet, string[]>(snippets.map((s) => [s, []]));
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const snippet = diagnostic.file ? virtual.get(diagnostic.file.fileName) : undefined;
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    if (!snippet || diagnostic.start === undefined || !diagnostic.file) {
      // An error outside a snippet (in a package it imports) is reported against the first one.
      const where = diagnostic.file ? relative(root, diagnostic.file.fileName) : "program";
      result.get(snippets[0] as Snippet)?.push(`${where}: ${message}`);
      continue;
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    result.get(snippet)?.push(`${snippet.file}:${snippet.line + line}: ${message}`);
  }
  return result;
}

describe("TypeScript blocks in the docs", () => {
  const snippets = markdownFiles().flatMap((file) => extractSnippets(file, readFileSync(join(root, file), "utf8")));

  it("finds the blocks (README.md has some)", () => {
    expect(snippets.filter((s) => s.file === "README.md").length).toBeGreaterThan(3);
  });

  it("compile against the packages", { timeout: 240_000 }, () => {
    const errors = [...checkSnippets(snippets).values()].flat();
    expect(errors).toEqual([]);
  });
});

describe("the snippet checker", () => {
  it("takes ts and typescript blocks with their line numbers, and leaves out no-check ones and other languages", () => {
    const md = [
      "# T",
      "```ts",
      "const a = 1;",
      "```",
      "```ts no-check",
      "broken(",
      "```",
      "```sh",
      "ls",
      "```",
      "```typescript",
      "let b = 2;",
      "```",
    ].join("\n");
    expect(extractSnippets("x.md", md)).toEqual([
      { file: "x.md", line: 3, code: "const a = 1;" },
      { file: "x.md", line: 12, code: "let b = 2;" },
    ]);
  });

  it("reports a type error at its line in the markdown file, and passes a correct block", { timeout: 120_000 }, () => {
    const good: Snippet = {
      file: "g.md",
      line: 10,
      code: 'import { RerankClient } from "@rerankit/core";\nconst c = new RerankClient({ provider: "cohere" });\nawait c.close();',
    };
    const bad: Snippet = {
      file: "b.md",
      line: 20,
      code: 'import { RerankClient } from "@rerankit/core";\n\nnew RerankClient({ provider: "cohere", tiemoutMs: 5 });',
    };
    const result = checkSnippets([good, bad]);
    expect(result.get(good)).toEqual([]);
    expect(result.get(bad)).toHaveLength(1);
    expect(result.get(bad)?.[0]).toMatch(/^b\.md:22: .*tiemoutMs/);
  });
});
