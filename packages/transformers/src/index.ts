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
