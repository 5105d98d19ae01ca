import { defineConfig } from "vitest/config";
import SummaryReporter from "./test/support/summary-reporter.js";

// Tests run against each package's TypeScript sources (the "@rerankit/source" export condition),
// so no build is needed first. Both resolve and ssr.resolve need the condition.
const conditions = ["@rerankit/source"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    reporters: ["default", new SummaryReporter()],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      { extends: true, test: { name: "core", root: "packages/core" } },
      { extends: true, test: { name: "eval", root: "packages/eval" } },
      { extends: true, test: { name: "server", root: "packages/server" } },
      { extends: true, test: { name: "langchain", root: "packages/langchain", exclude: ["compat/**", "**/node_modules/**"] } },
      // @rerankit/langchain's sources against @langchain/core 0.3.0 (see that file).
      "packages/langchain/compat/vitest.config.ts",
      { extends: true, test: { name: "llamaindex", root: "packages/llamaindex" } },
      { extends: true, test: { name: "ai-sdk", root: "packages/ai-sdk" } },
      { extends: true, test: { name: "otel", root: "packages/otel" } },
      { extends: true, test: { name: "transformers", root: "packages/transformers" } },
      { extends: true, test: { name: "redis", root: "packages/redis" } },
      { extends: true, test: { name: "llm", root: "packages/llm" } },
      { extends: true, test: { name: "integration", root: "test", exclude: ["bench/**", "**/node_modules/**"] } },
    ],
  },
});
