/**
 * From a clone: `pnpm rerankit` runs the CLI on the sources with no build, and the `rerankit` bin
 * launcher (linked at install, before any build) says what to do when the CLI is not built.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const rootPackage = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
const serverPackage = JSON.parse(readFileSync(join(root, "packages/server/package.json"), "utf8")) as {
  version: string;
  bin: Record<string, string>;
  files: string[];
};

describe("pnpm rerankit, from the repository root", () => {
  it("runs the CLI's TypeScript sources (no build step), with the @rerankit/source condition", () => {
    expect(rootPackage.scripts.rerankit).toBe("tsx --conditions=@rerankit/source packages/server/src/cli.ts");
  });

  it("answers --version with @rerankit/server's version, through the script as a user types it", { timeout: 60_000 }, async () => {
    const { stdout } = await run("pnpm", ["-s", "rerankit", "--version"], { cwd: root });
    expect(stdout.trim()).toBe(serverPackage.version);
  });
});

describe("the rerankit bin launcher", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  /** The launcher as published, in a package folder of its own (bin/rerankit.js beside dist/); its path. */
  function packageWith(cli?: string): string {
    const dir = mkdtempSync(join(tmpdir(), "rerankit-bin-"));
    dirs.push(dir);
    mkdirSync(join(dir, "bin"));
    copyFileSync(join(root, "packages/server", serverPackage.bin.rerankit as string), join(dir, "bin", "rerankit.js"));
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }');
    if (cli !== undefined) {
      mkdirSync(join(dir, "dist"));
      writeFileSync(join(dir, "dist", "cli.js"), cli);
    }
    return join(dir, "bin", "rerankit.js");
  }

  it("is what the package's bin points at, and is published", () => {
    expect(serverPackage.bin.rerankit).toBe("./bin/rerankit.js");
    expect(serverPackage.files).toContain("bin");
  });

  it("unbuilt: exits 1 saying the CLI is not built, and how to run the sources", async () => {
    const error = (await run("node", [packageWith(), "--version"]).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(error.code).toBe(1);
    expect(error.stderr).toContain("not built (dist/cli.js is missing)");
    expect(error.stderr).toContain("pnpm rerankit <command>");
  });

  it("built: runs dist/cli.js with the arguments", async () => {
    const launcher = packageWith("process.stdout.write(JSON.stringify(process.argv.slice(2)));\n");
    const { stdout } = await run("node", [launcher, "rank", "--json"]);
    expect(JSON.parse(stdout)).toEqual(["rank", "--json"]);
  });

  it("a dependency missing under a built CLI is that error, not 'not built'", async () => {
    const launcher = packageWith('import "./no-such-dependency.js";\n');
    const error = (await run("node", [launcher]).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(error.code).toBe(1);
    expect(error.stderr).toContain("no-such-dependency.js");
    expect(error.stderr).not.toContain("not built");
  });
});
