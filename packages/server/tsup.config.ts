import { defineConfig } from "tsup";

// Two builds run in parallel, so neither cleans dist (a clean could race the other's output):
// the package's build script empties dist first.

export default defineConfig([
  {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    // The package tsconfig is a composite project (for `tsc -b`); tsup's DTS build is not.
    dts: { compilerOptions: { composite: false } },
    sourcemap: true,
    target: "node20",
  },
  {
    // The `rerankit` bin: ESM only (top-level await), with a shebang.
    entry: { cli: "src/cli.ts" },
    format: ["esm"],
    sourcemap: true,
    target: "node20",
    banner: { js: "#!/usr/bin/env node" },
  },
]);
