/**
 * The `langchain-compat` vitest project: @rerankit/langchain's own sources against the lowest
 * supported @langchain/core (0.3.0, installed in this private package with langchain 0.3.0).
 *
 * The adapter's sources live in ../src, where Node would find @langchain/core 1.x. The plugin
 * below resolves every `@langchain/core` import made by a source file (not by a package in
 * node_modules) from this folder instead, so the adapter, the tests and langchain 0.3 all load
 * one and the same copy of @langchain/core 0.3.0. compat.test.ts checks that this happened.
 */
import { fileURLToPath } from "node:url";
import { defineProject, type Plugin } from "vitest/config";

const anchor = fileURLToPath(new URL("./package.json", import.meta.url));
const conditions = ["@rerankit/source"];

function langchainCoreFromHere(): Plugin {
  return {
    name: "rerankit:langchain-core-0.3",
    enforce: "pre",
    resolveId(source, importer, options) {
      if (!/^@langchain\/core(\/|$)/.test(source) || importer === undefined || importer.includes("/node_modules/")) return null;
      return this.resolve(source, anchor, { ...options, skipSelf: true });
    },
  };
}

export default defineProject({
  plugins: [langchainCoreFromHere()],
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: { name: "langchain-compat", root: fileURLToPath(new URL(".", import.meta.url)), testTimeout: 30_000, hookTimeout: 30_000 },
});
