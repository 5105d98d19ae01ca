/**
 * Ranking metrics for the labelled queries. `relevant` maps a passage id to its graded relevance
 * (2 answers the query, 1 helps); unlisted ids count as 0.
 */

/** Discounted cumulative gain of a list of grades, in ranked order: Σ (2^grade − 1) / log2(rank + 1). */
export function dcg(grades: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < grades.length; i++) sum += (2 ** grades[i]! - 1) / Math.log2(i + 2);
  return sum;
}

/**
 * nDCG@k: the DCG of the first `k` ranked ids divided by the best DCG possible with these labels
 * (all relevant passages in grade order). 1 is a perfect top k; 0 when no relevant id is in it.
 */
export function ndcgAtK(rankedIds: readonly string[], relevant: Readonly<Record<string, number>>, k = 5): number {
  const ideal = dcg(
    Object.values(relevant)
      .sort((a, b) => b - a)
      .slice(0, k),
  );
  if (ideal === 0) return 0;
  return dcg(rankedIds.slice(0, k).map((id) => relevant[id] ?? 0)) / ideal;
}

/** Reciprocal rank: 1 / the position of the first relevant id (grade ≥ 1), or 0 when none appears. */
export function reciprocalRank(rankedIds: readonly string[], relevant: Readonly<Record<string, number>>): number {
  const i = rankedIds.findIndex((id) => (relevant[id] ?? 0) > 0);
  return i === -1 ? 0 : 1 / (i + 1);
}

/** Recall@k: the share of relevant ids found in the first `k`. */
export function recallAtK(rankedIds: readonly string[], relevant: Readonly<Record<string, number>>, k: number): number {
  const wanted = Object.keys(relevant).filter((id) => (relevant[id] ?? 0) > 0);
  if (wanted.length === 0) return 0;
  const top = new Set(rankedIds.slice(0, k));
  return wanted.filter((id) => top.has(id)).length / wanted.length;
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
