/**
 * The one tsup build every package makes: dual ESM/CJS from src/index.ts with types and source
 * maps, for Node 20. A package's tsup.config.ts passes only what it does differently (more
 * entries, bundled ESM-only dependencies, no clean).
 */
import type { Options } from "tsup";

export function packageBuild(overrides: Options = {}): Options {
  return {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    // The DTS build compiles only the entry's import graph; `composite` (set for `tsc -b`) would
    // demand every file of the project be listed (TS6307), so it is off here.
    dts: { compilerOptions: { composite: false } },
    clean: true,
    sourcemap: true,
    target: "node20",
    ...overrides,
  };
}
