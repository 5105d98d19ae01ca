/**
 * The adapter kit: what every framework adapter (LangChain, LlamaIndex, the AI SDK, yours) shares.
 * See the README's "Writing an adapter" section.
 */
export {
  RerankAdapterCore,
  retrievalOrder,
  type AdapterCall,
  type AdapterCallHooks,
  type AdapterOutcome,
  type RerankAdapterCoreOptions,
} from "./adapter.js";
export { isClosedClientError, isPassthroughError } from "./passthrough.js";
export {
  adapterOptionError,
  checkCallSettings,
  readAdapterOptions,
  type AdapterOnError,
  type AdapterOptionsSplit,
  type RerankAdapterOptions,
  type RerankAdapterSettings,
  type ResolvedAdapterSettings,
} from "./settings.js";
