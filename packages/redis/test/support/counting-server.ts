/**
 * A real local rerank server (`startRerankServer`, Cohere's wire format on 127.0.0.1) whose
 * reranker scores each document from its text alone (pointwise, like a cross-encoder), and counts
 * what reaches it: every HTTP request, when, and which documents it carried.
 */
import type { Reranker, RerankRequest, RerankResponse } from "@rerankit/core";
import { startRerankServer } from "@rerankit/server";

/** A deterministic score in [0, 1) from the text alone: the same in any batch, any order. */
export function pointwiseScore(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) / 2 ** 32;
}

export interface CountingServer {
  url: string;
  /** Arrival time (Date.now()) and documents of every request, in order. */
  requests: { at: number; documents: string[] }[];
  close(): Promise<void>;
}

export async function startCountingServer(): Promise<CountingServer> {
  const requests: CountingServer["requests"] = [];
  const reranker: Reranker = {
    async rerank(request: RerankRequest): Promise<RerankResponse> {
      const documents = request.documents.map((d) => (typeof d === "string" ? d : d.text));
      requests.push({ at: Date.now(), documents });
      const results = documents
        .map((text, index) => ({ index, relevanceScore: pointwiseScore(text) }))
        .sort((a, b) => b.relevanceScore - a.relevanceScore || a.index - b.index);
      return {
        results: request.topN === undefined ? results : results.slice(0, request.topN),
        model: request.model ?? "pointwise",
        provider: "counting",
        scoreKind: "probability",
        usage: { requests: 1 },
        requestIds: [],
      };
    },
  };
  const server = await startRerankServer({ reranker });
  return { url: server.url, requests, close: () => server.close() };
}

/** The largest number of arrivals within any window of `windowMs`. */
export function busiestWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
