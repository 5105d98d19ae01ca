import { RerankResponseError } from "./errors.js";
import type { RerankResponse } from "./types.js";

/** What a {@link checkRerankResponse} call expects of a response. */
export interface RerankExpectation {
  /** Documents sent. */
  documents: number;
  /** The request's `topN`, if any: exactly `min(topN, documents)` results (at most that many with `minScore`). */
  topN?: number | undefined;
  /** The request's `minScore`, if any: every score at least this, and possibly fewer results. */
  minScore?: number | undefined;
}

/**
 * Checks what any {@link Reranker} returned. Always: every index an integer in range and unique,
 * every score finite. With an expectation object also: results sorted by score descending (ties by
 * index ascending; calibrated results, which carry `rawScore`, tie by raw score descending first), and the count: all `documents` with neither `topN` nor `minScore`; exactly
 * `min(topN, documents)` with `topN`; with `minScore`, every score at least `minScore` and at most
 * the expected count. A short answer names how many came back and how many were expected.
 * The number form (`checkRerankResponse(response, 3)`) checks indices and scores only, as before.
 *
 * The client checks each provider reply with the same rules; adapters and the server call this so
 * that a custom reranker cannot lose or invent documents either.
 *
 * @throws RerankResponseError naming the offending index or the count.
 * @example checkRerankResponse(response, { documents: request.documents.length, topN: request.topN });
 */
export function checkRerankResponse(response: RerankResponse, expected: number | RerankExpectation): void {
  const documents = typeof expected === "number" ? expected : expected.documents;
  const { results, provider } = response;
  const bad = checkEntries(results, documents, (r) => r.relevanceScore);
  if (bad !== undefined) {
    throw new RerankResponseError(
      bad.problem === "score"
        ? `The reranker returned a non-finite score for index ${bad.index}.`
        : `The reranker returned result index ${bad.index} for ${documents} documents (out of range or repeated).`,
      { provider },
    );
  }
  if (typeof expected === "number") return;
  const { topN, minScore } = expected;
  for (let k = 1; k < results.length; k++) {
    const a = results[k - 1]!;
    const b = results[k]!;
    // A calibration map has flat stretches: tied calibrated scores keep the raw order (calibration/calibrated.ts).
    const rawOrder = a.relevanceScore === b.relevanceScore ? (b.rawScore ?? 0) - (a.rawScore ?? 0) : 0;
    if (
      a.relevanceScore < b.relevanceScore ||
      (a.relevanceScore === b.relevanceScore && (rawOrder > 0 || (rawOrder === 0 && a.index > b.index)))
    ) {
      throw new RerankResponseError(
        `The reranker returned results out of order at position ${k} (sorted by score descending, ties by raw score descending then index ascending, expected).`,
        { provider },
      );
    }
  }
  const count = topN === undefined ? documents : Math.min(topN, documents);
  if (minScore !== undefined) {
    for (const r of results) {
      if (r.relevanceScore < minScore) {
        throw new RerankResponseError(`The reranker returned score ${r.relevanceScore} for index ${r.index}, below minScore ${minScore}.`, {
          provider,
        });
      }
    }
    if (results.length > count)
      throw new RerankResponseError(countMessage(results.length, documents, `at most ${count}`, topN), { provider });
  } else if (results.length !== count) {
    throw new RerankResponseError(countMessage(results.length, documents, String(count), topN), { provider });
  }
}

function countMessage(got: number, documents: number, expected: string, topN: number | undefined): string {
  return `The reranker returned ${got} results for ${documents} documents (expected ${expected}${topN === undefined ? "" : ` with topN ${topN}`}).`;
}

/** What {@link checkEntries} found wrong, for the caller to word. */
export interface EntryProblem {
  problem: "range" | "repeat" | "score";
  index: number;
}

/**
 * The index and score rules shared by the public shape and the provider reply (the client's
 * per-batch check): undefined when every index is an integer in `[0, documents)` and unique and
 * every score finite, else the first problem.
 */
export function checkEntries<T extends { index: number }>(
  results: readonly T[],
  documents: number,
  scoreOf: (r: T) => number,
): EntryProblem | undefined {
  const seen = new Uint8Array(documents);
  for (const r of results) {
    const index = r.index;
    if (!Number.isInteger(index) || index < 0 || index >= documents) return { problem: "range", index };
    if (seen[index] === 1) return { problem: "repeat", index };
    seen[index] = 1;
    if (!Number.isFinite(scoreOf(r))) return { problem: "score", index };
  }
  return undefined;
}
