/**
 * Compares rerankers on the labelled queries: nDCG@5 and MRR of the first stage alone (no
 * reranking), the local BM25 reranker behind `@rerankit/server`, and every hosted provider whose
 * API key is set (e.g. SILICONFLOW_API_KEY, DASHSCOPE_API_KEY), with median latency per query.
 *
 *   pnpm tsx --conditions=@rerankit/source examples/compare-rerankers.ts
 */
import process from "node:process";
import { pathToFileURL } from "node:url";
import { getPreset } from "@rerankit/core";
import { queries } from "./data/corpus.ts";
import { evaluate, firstStageRecall, resultsData, type SystemScore } from "./lib/evaluate.ts";
import { table } from "./lib/format.ts";
import { localReranker, providerClient, providersWithKeys, type Env } from "./lib/reranker.ts";
import { PassageIndex } from "./lib/retrieval.ts";

export const CANDIDATES = 20;

/** Runs every system available in `env` and returns their scores, first stage first. */
export async function compareRerankers(env: Env = process.env, log: (line: string) => void = () => {}): Promise<SystemScore[]> {
  const index = new PassageIndex();
  const results: SystemScore[] = [await evaluate("no reranking (embedding order)", undefined, { index, candidates: CANDIDATES })];
  const local = await localReranker();
  try {
    results.push(await evaluate("BM25 (local @rerankit/server)", local.client, { index, candidates: CANDIDATES }));
  } finally {
    await local.close();
  }
  for (const provider of providersWithKeys(env)) {
    const client = providerClient(provider, env);
    try {
      log(`running ${provider}…`);
      results.push(
        await evaluate(`${getPreset(provider)!.label} (${client.model ?? "default model"})`, client, { index, candidates: CANDIDATES }),
      );
    } catch (error) {
      log(`${provider} failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await client.close();
    }
  }
  return results;
}

async function main(): Promise<void> {
  console.log(`${queries.length} labelled queries; each reranks the first stage's top ${CANDIDATES} (local hashed embedding).`);
  console.log(
    `First-stage recall@${CANDIDATES}: ${firstStageRecall(CANDIDATES).toFixed(3)}: relevant passages outside the top ${CANDIDATES} are out of any reranker's reach.`,
  );
  const keyed = providersWithKeys();
  console.log(
    keyed.length
      ? `Providers with keys: ${keyed.join(", ")}`
      : "No provider keys set: comparing the first stage with the local BM25 reranker only.",
  );
  const results = await compareRerankers(process.env, (line) => console.log(line));
  console.log("");
  const t = resultsData(results);
  console.log(table(t.header, t.rows, t.alignRight));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
