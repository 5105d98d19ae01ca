export {
  RerankPostprocessor,
  type RerankPostprocessorOptions,
  type RerankedNodeWithScore,
  type RerankQuery,
} from "./postprocessor.js";
