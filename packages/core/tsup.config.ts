import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.package.js";

export default defineConfig(
  packageBuild({
    entry: ["src/index.ts", "src/wire.ts"],
    // `stemmer` (MIT, for Bm25Index's English analyzer) is ESM-only: bundled so the CJS build works too.
    noExternal: ["stemmer"],
  }),
);
