/**
 * Ranking metrics with trec_eval's definitions. A ranking is read in trec_eval's order (score
 * descending, ties broken by document id descending: see `sortHits`); a document is relevant when
 * its judged grade is ≥ 1; unjudged documents and those judged 0 (or below) are non-relevant.
 *
 * | name        | trec_eval          | definition |
 * |-------------|--------------------|------------|
 * | `ndcg@k`    | `ndcg_cut.k`       | Σ_{i≤k} grade_i / log2(i + 1) over the ideal: all judged relevant documents sorted by grade, cut at k |
 * | `mrr@k`     | `recip_rank` cut at k | 1 / rank of the first relevant document in the top k, else 0 |
 * | `recall@k`  | `recall.k`         | relevant documents in the top k / all relevant documents |
 * | `map@k`     | `map_cut.k`        | Σ over relevant documents in the top k of (precision at its rank) / all relevant documents |
 * | `p@k`       | `P.k`              | relevant documents in the top k / k (k, even when fewer were retrieved) |
 *
 * Without `@k` (`ndcg`, `mrr`, `recall`, `map`), the whole ranking counts.
 */
import { quote } from "./quote.js";
import type { Qrels } from "./load.js";

/** The metric families. */
export type MetricKind = "ndcg" | "mrr" | "recall" | "map" | "p";

/** A parsed metric name. */
export interface Metric {
  /** The canonical name, e.g. `ndcg@10`: the key in reports. */
  name: string;
  kind: MetricKind;
  /** The cutoff, or undefined for the whole ranking. */
  k: number | undefined;
}

const KINDS: Record<string, MetricKind> = {
  ndcg: "ndcg",
  ndcg_cut: "ndcg",
  mrr: "mrr",
  rr: "mrr",
  recip_rank: "mrr",
  recall: "recall",
  r: "recall",
  map: "map",
  map_cut: "map",
  ap: "map",
  p: "p",
  precision: "p",
};

/** The default metrics: the five of the issue. */
export const DEFAULT_METRICS = ["ndcg@10", "mrr@10", "recall@100", "map@100", "p@10"] as const;

/** Parses `ndcg@10`, `recall@100`, `P@10`, `map`… Throws a `RangeError` naming the accepted forms. */
export function parseMetric(spec: string): Metric {
  const match = /^([a-z_]+)(?:@(\d+))?$/i.exec(spec.trim());
  // Own keys only: "constructor@10" must not find Object's constructor on the prototype.
  const kind = match && Object.hasOwn(KINDS, match[1]!.toLowerCase()) ? KINDS[match[1]!.toLowerCase()] : undefined;
  if (!match || !kind) {
    throw new RangeError(`unknown metric ${quote(spec)}: expected ndcg@K, mrr@K, recall@K, map@K or p@K (K a positive integer)`);
  }
  const k = match[2] === undefined ? undefined : Number(match[2]);
  if (k !== undefined && !(k >= 1)) throw new RangeError(`metric ${quote(spec)}: the cutoff must be a positive integer`);
  if (kind === "p" && k === undefined) throw new RangeError(`metric ${quote(spec)}: precision needs a cutoff, e.g. p@10`);
  return { name: k === undefined ? kind : `${kind}@${k}`, kind, k };
}

/** Parses a comma-separated metric list; duplicates are kept once. */
export function parseMetrics(list: string | readonly string[]): Metric[] {
  const specs = typeof list === "string" ? list.split(",").filter((s) => s.trim() !== "") : list;
  const out = new Map<string, Metric>();
  for (const spec of specs) {
    const metric = parseMetric(spec);
    out.set(metric.name, metric);
  }
  if (out.size === 0) throw new RangeError("no metrics given");
  return [...out.values()];
}

/**
 * One query's value of `metric` for `ranking` (document ids, best first) against `judged`
 * (document id → grade). The query must have at least one relevant document.
 */
export function metricValue(metric: Metric, ranking: readonly string[], judged: ReadonlyMap<string, number>): number {
  const depth = metric.k === undefined ? ranking.length : Math.min(metric.k, ranking.length);
  let relevantTotal = 0;
  for (const g of judged.values()) if (g >= 1) relevantTotal++;
  if (relevantTotal === 0) throw new RangeError("metricValue: the query has no relevant documents");
  const gradeAt = (i: number) => judged.get(ranking[i]!) ?? 0;
  switch (metric.kind) {
    case "ndcg": {
      let dcg = 0;
      for (let i = 0; i < depth; i++) {
        const g = gradeAt(i);
        if (g > 0) dcg += g / Math.log2(i + 2);
      }
      const ideal = [...judged.values()].filter((g) => g > 0).sort((a, b) => b - a);
      const idealDepth = metric.k === undefined ? ideal.length : Math.min(metric.k, ideal.length);
      let idcg = 0;
      for (let i = 0; i < idealDepth; i++) idcg += ideal[i]! / Math.log2(i + 2);
      return dcg / idcg;
    }
    case "mrr": {
      for (let i = 0; i < depth; i++) if (gradeAt(i) >= 1) return 1 / (i + 1);
      return 0;
    }
    case "recall": {
      let found = 0;
      for (let i = 0; i < depth; i++) if (gradeAt(i) >= 1) found++;
      return found / relevantTotal;
    }
    case "map": {
      let found = 0;
      let sum = 0;
      for (let i = 0; i < depth; i++) {
        if (gradeAt(i) >= 1) {
          found++;
          sum += found / (i + 1);
        }
      }
      return sum / relevantTotal;
    }
    case "p": {
      let found = 0;
      for (let i = 0; i < depth; i++) if (gradeAt(i) >= 1) found++;
      return found / metric.k!;
    }
  }
}

/** Whether a query has at least one relevant (grade ≥ 1) judgment: only those are evaluated. */
export function hasRelevant(judged: ReadonlyMap<string, number> | undefined): boolean {
  if (!judged) return false;
  for (const g of judged.values()) if (g >= 1) return true;
  return false;
}

/** Per-query values of each metric, plus their means over the evaluated queries. */
export interface MetricScores {
  /** Metric name → mean over the evaluated queries. */
  means: Record<string, number>;
  /** Metric name → query id → value. */
  perQuery: Record<string, Record<string, number>>;
}

/**
 * Scores `rankings` (query id → document ids in trec_eval order) on every query of `queryIds`
 * (each must have a relevant judgment); a query absent from `rankings` counts as an empty
 * ranking (trec_eval's `-c`).
 */
export function scoreRankings(
  rankings: ReadonlyMap<string, readonly string[]>,
  qrels: Qrels,
  metrics: readonly Metric[],
  queryIds: readonly string[],
): MetricScores {
  const means: Record<string, number> = {};
  const perQuery: Record<string, Record<string, number>> = {};
  for (const metric of metrics) {
    // A Map, then own properties: `values[qid] = v` would drop a query id "__proto__" (a setter).
    const values = new Map<string, number>();
    let sum = 0;
    for (const qid of queryIds) {
      const v = metricValue(metric, rankings.get(qid) ?? [], qrels.get(qid) ?? new Map());
      values.set(qid, v);
      sum += v;
    }
    perQuery[metric.name] = Object.fromEntries(values);
    means[metric.name] = queryIds.length === 0 ? 0 : sum / queryIds.length;
  }
  return { means, perQuery };
}
