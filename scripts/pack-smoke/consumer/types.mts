// Typechecked (never run) against the installed tarballs: node16 ESM, and bundler resolution.
import { Bm25Reranker, RerankClient, RerankError, type Reranker, type RerankResponse } from "@rerankit/core";
import { RerankCompressor } from "@rerankit/langchain";
import { RerankPostprocessor } from "@rerankit/llamaindex";
import { startRerankServer } from "@rerankit/server";
import { redisRateLimitStore, redisScoreCache } from "@rerankit/redis";
import { memoryScoreCache, type RateLimitStore, type ScoreCache } from "@rerankit/core";
import type { BaseDocumentCompressor } from "@langchain/core/retrievers/document_compressors";
import type { BaseNodePostprocessor } from "@llamaindex/core/postprocessor";

const server: { url: string; port: number; close(): Promise<void> } = await startRerankServer({ port: 0 });
const client: Reranker = new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1`, timeoutMs: 5_000 });
const response: RerankResponse = await client.rerank({ query: "q", documents: ["a", { text: "b", id: 2 }], topN: 1 });
const score: number | undefined = response.results[0]?.relevanceScore;
const kind: "probability" | "logit" | "unknown" | "calibrated" | "rank" = response.scoreKind;

// @ts-expect-error: not a provider preset (proves the types are real, not any)
new RerankClient({ provider: "no-such-provider" });

const compressor: BaseDocumentCompressor = new RerankCompressor({ reranker: new Bm25Reranker(), topN: 3 });
const postprocessor: BaseNodePostprocessor = new RerankPostprocessor({ provider: "rerankit", topN: 3 });

try {
  await client.rerank({ query: "q", documents: [] });
} catch (error) {
  if (RerankError.isInstance(error)) {
    const status: number | undefined = error.status;
    const provider: string = error.provider;
    void status, provider;
  }
}
void score, kind, compressor, postprocessor;

// @rerankit/redis against core's contracts (typechecked only: no Redis is reached).
const shared: ScoreCache = redisScoreCache({ url: "redis://127.0.0.1:6379" }, { ttlSeconds: 86_400 });
const limits: RateLimitStore = redisRateLimitStore({ url: "redis://127.0.0.1:6379" });
new RerankClient({ provider: "cohere", cache: shared ?? memoryScoreCache(), rateLimit: { requestsPerMinute: 60, store: limits } });
