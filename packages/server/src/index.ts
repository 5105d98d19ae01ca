/**
 * @rerankit/server: a local rerank endpoint that speaks the common rerank dialects (Cohere/Jina,
 * TEI, DashScope), backed by any `Reranker` (BM25 by default), and the `rerankit` CLI.
 */
export { startRerankServer, type RerankServer, type RerankServerOptions } from "./server.js";
