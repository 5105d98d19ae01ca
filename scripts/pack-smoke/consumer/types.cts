// Typechecked (never run) under node16 as CommonJS: the "require" types (.d.cts) must resolve.
import { RerankClient, type RerankResponse } from "@rerankit/core";
import { RerankCompressor } from "@rerankit/langchain";
import { RerankPostprocessor } from "@rerankit/llamaindex";
import { startRerankServer } from "@rerankit/server";

export async function rank(query: string, documents: string[]): Promise<RerankResponse> {
  const server = await startRerankServer();
  const client = new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1` });
  try {
    return await client.rerank({ query, documents });
  } finally {
    await client.close();
    await server.close();
  }
}

export const compressor = new RerankCompressor({ provider: "rerankit", topN: 2 });
export const postprocessor = new RerankPostprocessor({ provider: "rerankit", topN: 2 });
// @ts-expect-error: topN is a number
new RerankCompressor({ provider: "rerankit", topN: "2" });
