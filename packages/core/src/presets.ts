/**
 * Every provider preset, one file each under `providers/`: adding a provider is one file there,
 * one line here, and one fixture row in `test/dialects/cases.ts`.
 */
import { dmxapiProvider } from "./providers/dmxapi.js";
import { siliconflowProvider } from "./providers/siliconflow.js";
import { dashscopeProvider } from "./providers/dashscope.js";
import { dashscopeCompatibleProvider } from "./providers/dashscope-compatible.js";
import { rerankitProvider } from "./providers/rerankit.js";
import { cohereProvider } from "./providers/cohere.js";
import { jinaProvider } from "./providers/jina.js";
import { voyageProvider } from "./providers/voyage.js";
import { mixedbreadProvider } from "./providers/mixedbread.js";
import { pineconeProvider } from "./providers/pinecone.js";
import { togetherProvider } from "./providers/together.js";
import { openrouterProvider } from "./providers/openrouter.js";
import { vllmProvider } from "./providers/vllm.js";
import { teiProvider } from "./providers/tei.js";
import { infinityProvider } from "./providers/infinity.js";
import { xinferenceProvider } from "./providers/xinference.js";
import { llamacppProvider } from "./providers/llamacpp.js";
import { localaiProvider } from "./providers/localai.js";
import { nvidiaNimProvider } from "./providers/nvidia-nim.js";
import type { ProviderPreset } from "./providers/shared/preset.js";
import type { ProviderId } from "./provider-ids.js";

export type { ProviderPreset } from "./providers/shared/preset.js";

export const presets = {
  dmxapi: dmxapiProvider,
  siliconflow: siliconflowProvider,
  dashscope: dashscopeProvider,
  "dashscope-compatible": dashscopeCompatibleProvider,
  rerankit: rerankitProvider,
  cohere: cohereProvider,
  jina: jinaProvider,
  voyage: voyageProvider,
  mixedbread: mixedbreadProvider,
  pinecone: pineconeProvider,
  together: togetherProvider,
  openrouter: openrouterProvider,
  vllm: vllmProvider,
  tei: teiProvider,
  infinity: infinityProvider,
  xinference: xinferenceProvider,
  llamacpp: llamacppProvider,
  localai: localaiProvider,
  "nvidia-nim": nvidiaNimProvider,
} satisfies Record<ProviderId, ProviderPreset>;

export type { ProviderId } from "./provider-ids.js";

export const providerIds = Object.keys(presets) as ProviderId[];

export function getPreset(id: string): ProviderPreset | undefined {
  return Object.hasOwn(presets, id) ? (presets as Record<string, ProviderPreset>)[id] : undefined;
}
