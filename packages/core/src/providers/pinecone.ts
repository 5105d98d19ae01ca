import { z } from "zod";
import type { Dialect } from "./shared/dialect.js";
import { compact, requireModel } from "./shared/dialect.js";
import type { ProviderPreset } from "./shared/preset.js";

/** The API version this dialect was written against (sent as `X-Pinecone-Api-Version`). */
export const PINECONE_API_VERSION = "2025-10";

/** Pinecone's request body: documents as `{ text }` objects. */
export interface PineconeRerankBody {
  model: string;
  query: string;
  documents: { text: string }[];
  top_n?: number | undefined;
  return_documents: boolean;
}

const pineconeResponseSchema = z.object({
  data: z.array(z.object({ index: z.number(), score: z.number() })),
  usage: z.object({ rerank_units: z.number().nullish() }).nullish(),
});

/**
 * Pinecone Inference (`POST https://api.pinecone.io/rerank`): auth is `Api-Key: <key>` plus
 * `X-Pinecone-Api-Version`; documents are objects `{ text }`; `return_documents` defaults to true
 * there, so we send `false`. Usage is `usage.rerank_units`, reported as `searchUnits`.
 */
export const pinecone: Dialect = {
  path: "/rerank",
  acceptsInstruct: false,
  buildBody(request) {
    return compact({
      model: requireModel(request),
      query: request.query,
      documents: request.documents.map((text) => ({ text })),
      top_n: request.topN,
      return_documents: false,
      ...request.extraBody,
    } satisfies PineconeRerankBody);
  },
  parseResponse(body) {
    const parsed = pineconeResponseSchema.parse(body);
    return {
      results: parsed.data.map((r) => ({ index: r.index, score: r.score })),
      searchUnits: parsed.usage?.rerank_units ?? undefined,
    };
  },
  authHeaders: (apiKey) => ({ "api-key": apiKey, "x-pinecone-api-version": PINECONE_API_VERSION }),
};

/** The pinecone preset: where it lives, its key and limits, and the dialect above. */
export const pineconeProvider = {
  label: "Pinecone Inference",
  dialect: pinecone,
  baseURL: "https://api.pinecone.io",
  apiKeyEnv: "PINECONE_API_KEY",
  baseURLEnv: "PINECONE_BASE_URL",
  requiresApiKey: true,
  defaultModel: "bge-reranker-v2-m3",
  // bge-reranker-v2-m3 and pinecone-rerank-v0 take 100 documents a request (cohere-rerank-3.5: 200).
  maxDocumentsPerRequest: 100,
  scoreKind: "probability",
  docs: "https://docs.pinecone.io/reference/api/2025-10/inference/rerank",
} satisfies ProviderPreset;
