/**
 * The provider preset ids, as a type of their own: `types.ts` names them without importing the
 * presets (which import the dialects, which import `types.ts`: an import circle). `presets.ts`
 * is checked against this list both ways (`satisfies Record<ProviderId, …>`).
 */

/** A provider preset id: `"dmxapi"`, `"siliconflow"`, `"dashscope"`, `"cohere"`, … */
export type ProviderId =
  | "dmxapi"
  | "siliconflow"
  | "dashscope"
  | "dashscope-compatible"
  | "rerankit"
  | "cohere"
  | "jina"
  | "voyage"
  | "mixedbread"
  | "pinecone"
  | "together"
  | "openrouter"
  | "vllm"
  | "tei"
  | "infinity"
  | "xinference"
  | "llamacpp"
  | "localai"
  | "nvidia-nim";
