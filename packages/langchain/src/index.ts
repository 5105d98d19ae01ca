export {
  RerankCompressor,
  type RerankCompressorOptions,
  type RerankCompressorSettings,
  type RerankCallOptions,
  type RerankRunnableInput,
} from "./compressor.js";
