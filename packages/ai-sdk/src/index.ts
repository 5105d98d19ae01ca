export {
  createRerankit,
  RerankitRerankingModel,
  type RerankitCallOptions,
  type RerankitProvider,
  type RerankitProviderOptions,
  type RerankitProviderSettings,
} from "./provider.js";
