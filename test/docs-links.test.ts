/**
 * Every relative link in README.md and docs/*.md reaches something: the file or folder exists, and a
 * `#anchor` names a heading of the target file (GitHub's slugs, from github-slugger, so what passes
 * here is what works on GitHub). Links are found by marked's lexer, so links inside code are not
 * links; URLs with a scheme (https:, mailto:) are left alone: no test reaches the internet.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import GithubSlugger from "github-slugger";
import { type Token, type Tokens, marked } from "marked";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

export interface Link {
  /** The markdown file, relative to the repository root. */
  file: string;
  href: string;
}

/** The text a reader sees in inline tokens (what GitHub slugs a heading from). */
function plainText(tokens: Token[] | undefined): string {
  return (tokens ?? []).map((t) => ("tokens" in t && t.tokens ? plainText(t.tokens) : "text" in t ? String(t.text) : "")).join("");
}

/** Walks every token, nested ones included (lists, tables, blockquotes, emphasis). */
function walk(tokens: Token[], visit: (t: Token) => void): void {
  for (const t of tokens) {
    visit(t);
    if ("tokens" in t && t.tokens) walk(t.tokens, visit);
    if (t.type === "list") walk((t as Tokens.List).items, visit);
    if (t.type === "table") {
      const table = t as Tokens.Table;
      for (const cell of [...table.header, ...table.rows.flat()]) walk(cell.tokens, visit);
    }
  }
}

/** The anchors GitHub gives a markdown text's headings, duplicates numbered (`-1`, `-2`). */
export function anchorsOf(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  walk(marked.lexer(markdown), (t) => {
    if (t.type === "heading") anchors.add(slugger.slug(plainText((t as Tokens.Heading).tokens)));
  });
  return anchors;
}

/** The links and images of a markdown text, in order. */
export function linksOf(file: string, markdown: string): Link[] {
  const links: Link[] = [];
  walk(marked.lexer(markdown), (t) => {
    if (t.type === "link" || t.type === "image") links.push({ file, href: (t as Tokens.Link).href });
  });
  return links;
}

/**
 * Why a link is broken, or undefined when it is fine. `read` gives a file's text, or undefined when
 * it is missing; `isFile` tells a file from a folder (a folder has no headings).
 */
export function brokenReason(
  link: Link,
  read: (path: string) => string | undefined,
  exists: (path: string) => boolean,
): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(link.href) || link.href.startsWith("//")) return undefined;
  const [rawPath = "", anchor] = link.href.split("#", 2) as [string, string | undefined];
  const path = decodeURIComponent(rawPath);
  const target = path === "" ? link.file : normalize(join(dirname(link.file), path));
  if (path !== "" && !exists(target)) return `${link.file}: ${link.href}: ${target} does not exist`;
  if (anchor === undefined || anchor === "") return undefined;
  if (!target.endsWith(".md")) return `${link.file}: ${link.href}: #${anchor} points into a file that is not markdown`;
  const text = read(target);
  if (text === undefined) return `${link.file}: ${link.href}: ${target} is not a readable file`;
  if (!anchorsOf(text).has(decodeURIComponent(anchor))) {
    return `${link.file}: ${link.href}: ${target} has no heading with the anchor #${anchor}`;
  }
  return undefined;
}

function markdownFiles(): string[] {
  const docs = readdirSync(join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`);
  return ["README.md", ...docs.sort()];
}

const readRepo = (path: string): string | undefined => {
  const full = join(root, path);
  return existsSync(full) && statSync(full).isFile() ? readFileSync(full, "utf8") : undefined;
};
const existsRepo = (path: string): boolean => existsSync(join(root, path));

describe("links in README.md and docs/*.md", () => {
  const links = markdownFiles().flatMap((file) => linksOf(file, readFileSync(join(root, file), "utf8")));

  it("finds the links (README.md links into docs/)", () => {
    expect(links.filter((l) => l.file === "README.md" && l.href.startsWith("docs/")).length).toBeGreaterThan(10);
  });

  it("every relative link reaches a file or folder, and every #anchor a heading", () => {
    const broken = links.map((l) => brokenReason(l, readRepo, existsRepo)).filter((r) => r !== undefined);
    expect(broken).toEqual([]);
  });
});

describe("the link checker itself", () => {
  const files: Record<string, string> = {
    "README.md": "# Rerankit\n\n## Two commands\n\n## `rerankit eval` (CLI)\n\n## Two commands\n",
    "docs/CLI.md": "# CLI\n\n### `serve`: a local server\n\n```md\n# not a heading\n```\n",
    "packages/core": "",
  };
  const read = (p: string) => (p.endsWith(".md") ? files[p] : undefined);
  const exists = (p: string) => p in files;
  const check = (file: string, href: string) => brokenReason({ file, href }, read, exists);

  it("slugs headings as GitHub does: code and punctuation dropped, duplicates numbered", () => {
    expect([...anchorsOf(files["README.md"] as string)]).toEqual(["rerankit", "two-commands", "rerankit-eval-cli", "two-commands-1"]);
    expect(anchorsOf(files["docs/CLI.md"] as string).has("not-a-heading")).toBe(false);
  });

  it("finds links in paragraphs, lists and tables, not in code", () => {
    const md = "[a](x.md)\n\n- [b](y.md#z)\n\n| t |\n| - |\n| [c](docs/) |\n\n`[d](nope.md)`\n\n```\n[e](nope.md)\n```\n";
    expect(linksOf("README.md", md).map((l) => l.href)).toEqual(["x.md", "y.md#z", "docs/"]);
  });

  it("accepts what exists, relative to the linking file", () => {
    expect(check("README.md", "docs/CLI.md#serve-a-local-server")).toBeUndefined();
    expect(check("docs/CLI.md", "../README.md#two-commands-1")).toBeUndefined();
    expect(check("docs/CLI.md", "#cli")).toBeUndefined();
    expect(check("README.md", "packages/core")).toBeUndefined();
    expect(check("README.md", "https://example.invalid/nope.md#x")).toBeUndefined();
  });

  it("names the file, the link and what is missing", () => {
    expect(check("README.md", "docs/NOPE.md")).toBe("README.md: docs/NOPE.md: docs/NOPE.md does not exist");
    expect(check("docs/CLI.md", "CLI.md#eval")).toBe("docs/CLI.md: CLI.md#eval: docs/CLI.md has no heading with the anchor #eval");
    expect(check("docs/CLI.md", "#two-commands")).toMatch(/docs\/CLI\.md has no heading with the anchor #two-commands$/);
    expect(check("README.md", "packages/core#x")).toMatch(/not markdown$/);
  });
});
