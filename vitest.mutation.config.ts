import { defineConfig } from "vitest/config";

// The test files that defend the files `pnpm mutation` mutates (stryker.config.mjs), and no
// others: Stryker runs the tests covering each mutant, so a short list keeps a run in minutes on
// two cores. Add a test file here when it is written for one of those source files.
const conditions = ["@rerankit/source"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: "core",
          root: "packages/core",
          include: [
            "test/decide-retry.test.ts",
            "test/retry-policy.test.ts",
            "test/retry-budget.test.ts",
            "test/retry-budget-rules.test.ts",
            "test/replicas.test.ts",
            "test/replicas-rules.test.ts",
            "test/deadlines.test.ts",
            "test/check.test.ts",
            "test/check-count.test.ts",
            "test/check-raw-order.test.ts",
            "test/cache.test.ts",
            "test/cache-list-hash.test.ts",
            "test/rate-limit-window.test.ts",
            "test/rate-limit-window-rule.test.ts",
            "test/rate-limit-clock-step-rule.test.ts",
            "test/long-documents.test.ts",
            "test/long-document-windows-rules.test.ts",
            "test/long-document-surrogate-rules.test.ts",
          ],
        },
      },
      {
        extends: true,
        test: {
          name: "eval",
          root: "packages/eval",
          // html.ts is checked by html-content.test.ts (its text, no browser); html.test.ts opens
          // Chromium, which would cost seconds per mutant and checks rendering, not values.
          include: [
            "test/metrics.test.ts",
            "test/metrics-edges.test.ts",
            "test/significance.test.ts",
            "test/significance-edges.test.ts",
            "test/html-content.test.ts",
          ],
        },
      },
    ],
  },
});
