import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.package.js";

// Two builds run in parallel, so neither cleans dist (a clean could race the other's output):
// the package's build script empties dist first.

export default defineConfig([
  packageBuild({ clean: false }),
  {
    // The `rerankit` bin: ESM only (top-level await), with a shebang.
    entry: { cli: "src/cli.ts" },
    format: ["esm"],
    sourcemap: true,
    target: "node20",
    banner: { js: "#!/usr/bin/env node" },
  },
]);
