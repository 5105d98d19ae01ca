import type { Reranker, RerankRequest, RerankResponse } from "@rerankit/core";

/**
 * A deterministic test reranker: a document scores the number of query words it contains.
 * It records every request, so tests can check what the server passed through.
 */
export class WordCountReranker implements Reranker {
  readonly requests: RerankRequest[] = [];

  async rerank(request: RerankRequest): Promise<RerankResponse> {
    this.requests.push(request);
    const words = request.query.toLowerCase().split(/\W+/).filter(Boolean);
    const results = request.documents
      .map((document, index) => {
        const text = (typeof document === "string" ? document : document.text).toLowerCase();
        return { index, relevanceScore: words.filter((word) => text.includes(word)).length };
      })
      .sort((a, b) => b.relevanceScore - a.relevanceScore || a.index - b.index)
      .slice(0, request.topN ?? request.documents.length);
    return {
      results,
      model: request.model ?? "word-count",
      provider: "test",
      scoreKind: "unknown",
      usage: { requests: 0 },
      requestIds: [],
    };
  }

  get last(): RerankRequest | undefined {
    return this.requests.at(-1);
  }
}

/** Documents where "capital of france" should rank index 2 first, then 0. */
export const DOCUMENTS = [
  "France is a country in Europe; its capital is Paris.",
  "Bananas are yellow.",
  "Paris is the capital of France.",
  "Berlin is a capital.",
];
export const QUERY = "capital of France";

export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: replies of every dialect shape, read by each test
  body: any;
}

/** POSTs `body` (an object is JSON-encoded; a string goes as it is) and reads the JSON reply. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === "" ? undefined : JSON.parse(text) };
}
