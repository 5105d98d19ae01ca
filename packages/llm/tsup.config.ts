import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  // The DTS build compiles only the entry's import graph; `composite` (set for `tsc -b`) would
  // demand every file of the project be listed (TS6307), so it is off here.
  dts: { compilerOptions: { composite: false } },
  clean: true,
  sourcemap: true,
  target: "node20",
});
