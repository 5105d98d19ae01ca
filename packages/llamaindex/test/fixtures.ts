/** Offline fixtures: a deterministic embedding, a deterministic reranker that records what it got, a corpus. */
import { BaseEmbedding } from "@llamaindex/core/embeddings";
import { Document } from "@llamaindex/core/schema";
import type { Reranker, RerankRequest, RerankResponse } from "@rerankit/core";

/** Bag-of-words hashed into 64 dimensions, L2-normalised: deterministic, local, no model. */
export class HashEmbedding extends BaseEmbedding {
  // biome-ignore lint/complexity/noUselessConstructor: BaseEmbedding's constructor is protected; this one is public.
  constructor() {
    super();
  }

  async getTextEmbedding(text: string): Promise<number[]> {
    const vector = new Array<number>(64).fill(0);
    for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
      let h = 2166136261;
      for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619);
      vector[(h >>> 0) % 64]! += 1;
    }
    const norm = Math.hypot(...vector) || 1;
    return vector.map((v) => v / norm);
  }
}

/**
 * Scores a document by the first key of `preferred` its text contains (earlier is better; none: 0),
 * and records every request it receives. Wrapped by the rerank server, `requests` holds exactly
 * what the server parsed from the HTTP bodies it received.
 */
export function preferenceReranker(preferred: readonly string[]): Reranker & { requests: RerankRequest[] } {
  const requests: RerankRequest[] = [];
  return {
    requests,
    async rerank(request: RerankRequest): Promise<RerankResponse> {
      requests.push(request);
      const texts = request.documents.map((d) => (typeof d === "string" ? d : d.text).toLowerCase());
      const scored = texts.map((text, index) => {
        const rank = preferred.findIndex((key) => text.includes(key.toLowerCase()));
        return { index, relevanceScore: rank === -1 ? 0 : (preferred.length - rank) / preferred.length };
      });
      scored.sort((a, b) => b.relevanceScore - a.relevanceScore || a.index - b.index);
      const kept = scored.filter((r) => request.minScore === undefined || r.relevanceScore >= request.minScore);
      return {
        results: kept.slice(0, request.topN ?? kept.length),
        model: "preference",
        provider: "test",
        scoreKind: "probability",
        usage: { requests: 1 },
        requestIds: [],
      };
    },
  };
}

/** The secret each document keeps out of its embedding text (and so out of rerank requests). */
export const CANARY = "CANARY-7f3a";

export const FRUITS = ["apple", "banana", "cherry", "kiwi", "mango", "orange"] as const;

/** One short document per fruit: `title` is sent (embed metadata), `internal_note` never is. */
export function corpus(): Document[] {
  const facts: Record<(typeof FRUITS)[number], string> = {
    apple: "Apples keep well in a cool cellar and contain fibre and some vitamin C.",
    banana: "Bananas are rich in potassium and ripen quickly at room temperature.",
    cherry: "Cherries have a short season and contain antioxidants and vitamin C.",
    kiwi: "Kiwi fruit contains more vitamin C than oranges, gram for gram.",
    mango: "Mangoes are tropical fruit rich in vitamin A and vitamin C.",
    orange: "Oranges are a classic source of vitamin C in winter.",
  };
  return FRUITS.map(
    (fruit) =>
      new Document({
        id_: `doc-${fruit}`,
        text: facts[fruit],
        metadata: { title: `About ${fruit}`, fruit, internal_note: `${CANARY} ${fruit}` },
        excludedEmbedMetadataKeys: ["internal_note"],
        excludedLlmMetadataKeys: ["internal_note"],
      }),
  );
}
