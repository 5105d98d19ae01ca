/**
 * `@rerankit/core/wire`: the reply shapes of the dialects `rerankit serve` speaks, as core's
 * readers accept them, so a server types its replies with `satisfies` against the client that
 * reads them. Types only; kept off the main index, which holds the public contract.
 */
export type { DashScopeRerankReply } from "./providers/dashscope.js";
export type { ResultsRerankReply } from "./providers/shared/results.js";
export type { TeiRerankReply } from "./providers/tei.js";
