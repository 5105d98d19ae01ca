import { resultsDialect } from "./results.js";

/** Our own local server (`rerankit serve`): the Cohere form with `instruct`. */
export const rerankit = resultsDialect({ instructField: "instruct" });
