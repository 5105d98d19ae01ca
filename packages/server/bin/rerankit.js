#!/usr/bin/env node
// The `rerankit` bin. A committed launcher rather than dist/cli.js itself: package managers link a
// bin when the package is installed, which in a clone of the repository is before any build, and
// they warn for (and skip) a bin whose file does not exist yet. The CLI is the bundled dist/cli.js.
const cli = new URL("../dist/cli.js", import.meta.url);
try {
  await import(cli.href);
} catch (error) {
  // Only dist/cli.js itself missing is "not built"; anything else (a dependency missing) is rethrown.
  if (error?.code !== "ERR_MODULE_NOT_FOUND" || error.url !== cli.href) throw error;
  process.stderr.write(
    "rerankit: @rerankit/server is not built (dist/cli.js is missing). In a clone of the repository, run\n" +
      "`pnpm rerankit <command>` at its root (it runs the sources, no build needed), or `pnpm build` first.\n",
  );
  process.exitCode = 1;
}
