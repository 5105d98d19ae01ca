import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/wire.ts"],
  format: ["esm", "cjs"],
  dts: { compilerOptions: { composite: false } },
  clean: true,
  sourcemap: true,
  target: "node20",
  // `stemmer` (MIT, for Bm25Index's English analyzer) is ESM-only: bundled so the CJS build works too.
  noExternal: ["stemmer"],
});
