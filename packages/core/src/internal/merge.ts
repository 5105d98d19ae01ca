/** Moved to `call/merge.ts` (the merge stage); kept so that `bm25/` keeps its import. */
export { compareResults, rankResults } from "../call/merge.js";
