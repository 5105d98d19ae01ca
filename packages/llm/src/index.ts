/**
 * @rerankit/llm: LLM rerankers. `LogprobReranker` scores each document by a chat model's P(yes)
 * through any OpenAI-compatible server (vLLM, llama.cpp, Ollama, OpenAI); `ListwiseReranker` orders
 * documents RankGPT-style with any AI SDK language model.
 */
export { LogprobReranker, type LogprobRerankerOptions } from "./logprob-reranker.js";
export {
  qwen3RerankerTemplate,
  QWEN3_DEFAULT_INSTRUCT,
  QWEN3_SYSTEM_PROMPT,
  type ChatMessage,
  type LogprobPromptInput,
  type LogprobTemplate,
} from "./template.js";
export { yesProbability, type TopLogprob, type YesNoReading } from "./score.js";
export { ListwiseReranker, type ListwiseRerankerOptions } from "./listwise-reranker.js";
export { slidingWindows, parsePermutation, type Window } from "./windows.js";
export { RANKGPT_SYSTEM_PROMPT, rankGptPrompt } from "./listwise-prompt.js";
export { isLlmSpec, llmRerankerFromSpec, parseLlmSpec, type LlmSpecOptions, type LlmSpecReranker } from "./spec.js";
