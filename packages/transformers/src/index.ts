/**
 * @rerankit/transformers: local neural reranking. ONNX cross-encoders run in-process through
 * transformers.js (ONNX Runtime for Node), and a dynamic batcher for serving them.
 */
export { CrossEncoderReranker, type CrossEncoderRerankerOptions, headScores } from "./cross-encoder.js";
export { truncatedLengths, type EncodedPair } from "./pair-encoding.js";
export {
  BatchingReranker,
  type BatchingRerankerOptions,
  type PairScorer,
  RerankOverloadedError,
} from "./batching-reranker.js";
export { QWEN3_DEFAULT_INSTRUCT, Qwen3Reranker, type Qwen3RerankerOptions } from "./qwen3-reranker.js";
export { localRerankerKind } from "./loader.js";
