/**
 * Scores rerankers on the labelled queries: each query's first-stage top-k candidates (local
 * embedding) are reranked, and the new order is measured with nDCG@5 and MRR. The "no reranking"
 * baseline is the first stage's own order over the same candidates.
 */
import type { Reranker } from "@rerankit/core";
import { queries as allQueries, type LabelledQuery } from "../data/corpus.ts";
import type { TableData } from "./format.ts";
import { mean, median, ndcgAtK, reciprocalRank, recallAtK } from "./metrics.ts";
import { PassageIndex } from "./retrieval.ts";

export interface QueryScore {
  queryId: string;
  ndcg5: number;
  mrr: number;
  /** Wall time of the rerank call (0 for no reranking). */
  ms: number;
}

export interface SystemScore {
  name: string;
  ndcg5: number;
  mrr: number;
  /** Median rerank latency per query, in ms (0 for no reranking). */
  medianMs: number;
  perQuery: QueryScore[];
}

export interface EvaluationOptions {
  /** Candidates reranked per query (the first stage's top k). @default 20 */
  candidates?: number;
  queries?: readonly LabelledQuery[];
  index?: PassageIndex;
}

/**
 * Evaluates one system. `reranker` undefined means no reranking (the first-stage order). Queries
 * run one after another, so each latency is one call on its own.
 */
export async function evaluate(name: string, reranker: Reranker | undefined, options: EvaluationOptions = {}): Promise<SystemScore> {
  const { candidates = 20, queries = allQueries, index = new PassageIndex() } = options;
  const perQuery: QueryScore[] = [];
  for (const q of queries) {
    const hits = index.search(q.text, candidates);
    let ranked = hits.map((h) => h.passage.id);
    let ms = 0;
    if (reranker) {
      const started = performance.now();
      const response = await reranker.rerank({ query: q.text, documents: hits.map((h) => h.passage.text) });
      ms = performance.now() - started;
      ranked = response.results.map((r) => hits[r.index]!.passage.id);
    }
    perQuery.push({ queryId: q.id, ndcg5: ndcgAtK(ranked, q.relevant, 5), mrr: reciprocalRank(ranked, q.relevant), ms });
  }
  return {
    name,
    ndcg5: mean(perQuery.map((s) => s.ndcg5)),
    mrr: mean(perQuery.map((s) => s.mrr)),
    medianMs: reranker ? median(perQuery.map((s) => s.ms)) : 0,
    perQuery,
  };
}

/** Recall@k of the first stage: the ceiling any reranker of those k candidates can reach. */
export function firstStageRecall(k = 20, queries: readonly LabelledQuery[] = allQueries, index = new PassageIndex()): number {
  return mean(
    queries.map((q) =>
      recallAtK(
        index.search(q.text, k).map((h) => h.passage.id),
        q.relevant,
        k,
      ),
    ),
  );
}

/** The scores as a table: one row per system. */
export function resultsData(results: readonly SystemScore[]): TableData {
  return {
    header: ["system", "nDCG@5", "MRR", "median ms/query"],
    rows: results.map((r) => [r.name, r.ndcg5.toFixed(3), r.mrr.toFixed(3), r.medianMs === 0 ? "–" : r.medianMs.toFixed(1)]),
    alignRight: [1, 2, 3],
  };
}

/** nDCG@5 per query for each system, with the query text: where reranking helped and where it hurt. */
export function perQueryData(results: readonly SystemScore[], queries: readonly LabelledQuery[] = allQueries): TableData {
  return {
    header: ["query", "lang", ...results.map((r) => r.name)],
    rows: queries.map((q) => [
      q.text,
      q.lang,
      ...results.map((r) => (r.perQuery.find((s) => s.queryId === q.id)?.ndcg5 ?? Number.NaN).toFixed(2)),
    ]),
    alignRight: results.map((_, i) => i + 2),
  };
}
