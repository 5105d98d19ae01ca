/**
 * Renders the provider table from the presets (one source of truth) and writes it between
 * `<!-- providers:start -->` and `<!-- providers:end -->` in docs/PROVIDERS.md.
 *
 *   pnpm tsx packages/core/test/dialects/provider-table.ts          # rewrite the tables
 *   pnpm tsx packages/core/test/dialects/provider-table.ts --check  # exit 1 if a table is stale
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type ProviderPreset, presets } from "../../src/presets.js";
import { type ModelPrice, publishedPrices } from "../../src/pricing.js";

export const START = "<!-- providers:start -->";
export const END = "<!-- providers:end -->";

const code = (s: string) => `\`${s}\``;
const count = (n: number) => n.toLocaleString("en-US");

/** The Markdown table, one row per preset, in the presets' order. */
export function renderProviderTable(all: Record<string, ProviderPreset> = presets): string {
  const rows = [
    "| `provider` | Service | API key env var | Default base URL | Base URL env var | Docs / request | Tokens / request | Scores | `instruct` | Price (source, date read) |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const [id, p] of Object.entries(all)) {
    const keys = [p.apiKeyEnv, p.sdkApiKeyEnv]
      .filter((k): k is string => k !== undefined)
      .map(code)
      .join(", then ");
    const env = p.apiKeyEnv ? `${keys}${p.requiresApiKey ? "" : " (optional)"}` : p.requiresApiKey ? "`RERANK_API_KEY`" : "— (optional)";
    const base = p.baseURL ? code(p.baseURL) : "self-hosted: pass `baseURL`";
    const docs = `${count(p.maxDocumentsPerRequest)}${p.listwiseModels ? ` (listwise: ${code(p.listwiseModels.source)}, never split silently)` : ""}`;
    const tokens = p.maxTokensPerRequest ? count(p.maxTokensPerRequest) : "—";
    const instruct = p.dialect.acceptsInstruct ? "native" : 'prefix only (`instructMode: "prefix"`)';
    const label = p.docs ? `[${p.label}](${p.docs})` : p.label;
    rows.push(
      `| ${code(id)} | ${label} | ${env} | ${base} | ${code(p.baseURLEnv)} | ${docs} | ${tokens} | ${p.scoreKind} | ${instruct} | ${priceCell(id)} |`,
    );
  }
  return rows.join("\n");
}

/** A preset's published prices (pricing.ts), each model with its price, grouped by source. "—" for none. */
function priceCell(id: string): string {
  const models = Object.hasOwn(publishedPrices, id) ? publishedPrices[id]! : {};
  const bySource = new Map<string, string[]>();
  for (const [model, price] of Object.entries(models)) {
    const key = `${price.source ?? ""}|${price.checked ?? ""}`;
    bySource.set(key, [...(bySource.get(key) ?? []), `${code(model)} ${formatPrice(price)}`]);
  }
  if (bySource.size === 0) return "—";
  return [...bySource]
    .map(([key, entries]) => {
      const [source, checked] = key.split("|");
      const url = source?.match(/^\S+/)?.[0];
      return `${entries.join(", ")}${url ? ` ([source](${url})${checked ? `, ${checked}` : ""})` : ""}`;
    })
    .join("; ");
}

function formatPrice(price: ModelPrice): string {
  return price.perSearchUnit !== undefined
    ? `${price.currency} ${price.perSearchUnit * 1000} / 1,000 searches`
    : `${price.currency} ${price.perMillionTokens} / M tokens`;
}

/** `text` with the block between the markers replaced by `table`; undefined when the markers are missing. */
export function replaceBetweenMarkers(text: string, table: string): string | undefined {
  const start = text.indexOf(START);
  const end = text.indexOf(END, start + START.length);
  if (start === -1 || end === -1) return undefined;
  return `${text.slice(0, start + START.length)}\n${table}\n${text.slice(end)}`;
}

const root = fileURLToPath(new URL("../../../../", import.meta.url));
export const tableFiles = [`${root}docs/PROVIDERS.md`];

/** Files (with markers) whose table differs from the presets. */
export function staleFiles(table: string = renderProviderTable()): string[] {
  return tableFiles.filter((file) => {
    const text = readFileSync(file, "utf8");
    const updated = replaceBetweenMarkers(text, table);
    return updated === undefined || updated !== text;
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const table = renderProviderTable();
  const stale = staleFiles(table);
  if (process.argv.includes("--check")) {
    if (stale.length > 0) {
      console.error(`Provider table out of date in: ${stale.join(", ")}. Run: pnpm tsx packages/core/test/dialects/provider-table.ts`);
      process.exit(1);
    }
  } else {
    for (const file of stale) {
      const updated = replaceBetweenMarkers(readFileSync(file, "utf8"), table);
      if (updated === undefined) throw new Error(`${file} has no provider-table markers`);
      writeFileSync(file, updated);
    }
    console.log(stale.length > 0 ? `Updated ${stale.join(", ")}` : "Provider tables are current.");
  }
}
