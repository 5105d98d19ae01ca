// @ts-check
/**
 * `pnpm mutation`: StrykerJS mutates the policy and arithmetic files below and runs the tests in
 * vitest.mutation.config.ts against each mutant. See docs/TESTING.md for how long it takes and
 * the score per file.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  packageManager: "pnpm",
  plugins: ["@stryker-mutator/vitest-runner"],
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  coverageAnalysis: "perTest",
  // A static mutant (a module-level constant: the report's CSS, a lookup table) runs every test
  // file for itself; here 18% of the mutants took 74% of the time. They are left out of the score
  // and counted in docs/TESTING.md; `pnpm mutation --ignoreStatic false` runs them too.
  ignoreStatic: true,
  mutate: [
    "packages/core/src/policy/*.ts",
    "packages/core/src/check.ts",
    "packages/core/src/cache/key.ts",
    "packages/core/src/rate-limit/window.ts",
    "packages/core/src/long-documents/windows.ts",
    "packages/eval/src/metrics.ts",
    "packages/eval/src/significance.ts",
    "packages/eval/src/html.ts",
  ],
  // Two cores shared with other work: at most two test processes.
  concurrency: 2,
  // Re-runs only the mutants whose code or covering tests changed since the last run.
  incremental: true,
  incrementalFile: "reports/mutation/stryker-incremental.json",
  timeoutMS: 10_000,
  reporters: ["clear-text", "progress", "json", "html"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  thresholds: { high: 90, low: 85, break: 85 },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
