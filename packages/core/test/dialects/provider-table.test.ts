import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { END, renderProviderTable, replaceBetweenMarkers, START, staleFiles, tableFiles } from "./provider-table.js";
import { presets } from "../../src/index.js";

describe("README provider table", () => {
  it("has one row per preset, generated from the preset's env var, base URL, limits, score kind and instruct support", () => {
    const table = renderProviderTable();
    const rows = table.split("\n").slice(2);
    expect(rows).toHaveLength(Object.keys(presets).length);
    expect(rows.find((r) => r.startsWith("| `tei` "))).toBe(
      '| `tei` | [Hugging Face TEI](https://huggingface.github.io/text-embeddings-inference/) | — (optional) | self-hosted: pass `baseURL` | `TEI_BASE_URL` | 32 | — | probability | prefix only (`instructMode: "prefix"`) | — |',
    );
    expect(rows.find((r) => r.startsWith("| `voyage` "))).toContain(
      "| `VOYAGE_API_KEY` | `https://api.voyageai.com/v1` | `VOYAGE_BASE_URL` | 1,000 | 300,000 | probability |",
    );
    expect(rows.find((r) => r.startsWith("| `jina` "))).toContain("listwise: `jina-reranker-v3`");
    expect(rows.find((r) => r.startsWith("| `jina` "))).toContain("| `JINA_API_KEY`, then `JINAAI_API_KEY` |");
    expect(rows.find((r) => r.startsWith("| `cohere` "))).toContain("| `COHERE_API_KEY`, then `CO_API_KEY` |");
    expect(rows.find((r) => r.startsWith("| `siliconflow` "))).toContain("| `SILICONFLOW_BASE_URL` |");
    expect(rows.find((r) => r.startsWith("| `dashscope-compatible` "))).toContain("| `DASHSCOPE_COMPATIBLE_BASE_URL` |");
    expect(rows.find((r) => r.startsWith("| `xinference` "))).toContain("| native |");
    expect(rows.find((r) => r.startsWith("| `nvidia-nim` "))).toContain("| logit |");
    // Prices from pricing.ts, with their source and the date they were read.
    expect(rows.find((r) => r.startsWith("| `dashscope` "))).toContain(
      "`qwen3-rerank` CNY 0.5 / M tokens, `gte-rerank-v2` CNY 0.8 / M tokens ([source](https://help.aliyun.com/zh/model-studio/text-rerank-api), 2026-12-02) |",
    );
    expect(rows.find((r) => r.startsWith("| `voyage` "))).toContain(
      "`rerank-2.5` USD 0.05 / M tokens, `rerank-2.5-lite` USD 0.02 / M tokens ([source](",
    );
  });

  it("replaces only the block between the markers, and reports a file without markers as such", () => {
    const readme = `# Title\n${START}\nold table\n${END}\nafter`;
    expect(replaceBetweenMarkers(readme, "NEW")).toBe(`# Title\n${START}\nNEW\n${END}\nafter`);
    expect(replaceBetweenMarkers("no markers here", "NEW")).toBeUndefined();
  });

  it("is current in docs/PROVIDERS.md", () => {
    const readme = readFileSync(tableFiles[0]!, "utf8");
    expect(readme).toContain(START);
    expect(staleFiles()).toEqual([]);
  });
});
