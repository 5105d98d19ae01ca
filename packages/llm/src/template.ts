/** Prompt templates for {@link LogprobReranker}: how a (query, document, instruct) becomes chat messages. */

/** One chat message, as OpenAI-compatible servers take it. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** What a template turns into messages. */
export interface LogprobPromptInput {
  query: string;
  document: string;
  /** The call's `instruct`, else the reranker's, else the template's `defaultInstruct`. */
  instruct: string;
}

/**
 * A yes/no relevance prompt. The score is P(`yes`) against P(`no`) for the model's first answer
 * token, so the prompt must make the model answer with one of those two words.
 *
 * `name` identifies the prompt in score-cache keys and in `RerankResponse.provider`
 * (`logprob/<name>`): give a new name whenever you change the prompt, so scores cached under the
 * old one are never served for the new one.
 *
 * @example
 * const bgeStyle: LogprobTemplate = {
 *   name: "my-judge-v1", yes: "yes", no: "no", defaultInstruct: "Is the passage relevant?",
 *   messages: ({ query, document, instruct }) => [
 *     { role: "user", content: `${instruct}\nQuery: ${query}\nPassage: ${document}\nAnswer yes or no.` },
 *   ],
 * };
 */
export interface LogprobTemplate {
  readonly name: string;
  /** The answer token meaning "relevant" (matched after trimming whitespace and lowercasing). */
  readonly yes: string;
  /** The answer token meaning "not relevant" (matched the same way). */
  readonly no: string;
  /** Used when neither the call nor the reranker gives an `instruct`. */
  readonly defaultInstruct: string;
  messages(input: LogprobPromptInput): ChatMessage[];
}

/** The Qwen3-Reranker model card's default instruction. */
export const QWEN3_DEFAULT_INSTRUCT = "Given a web search query, retrieve relevant passages that answer the query";

/** The Qwen3-Reranker model card's system prompt. */
export const QWEN3_SYSTEM_PROMPT =
  'Judge whether the Document meets the requirements based on the Query and the Instruct provided. Note that the answer can only be "yes" or "no".';

/**
 * The prompt of the Qwen3-Reranker model card (Qwen/Qwen3-Reranker-0.6B/4B/8B): the system
 * prompt above, then one user message `<Instruct>: …\n<Query>: …\n<Document>: …`; the answer is
 * the token `yes` or `no`. The card appends an empty `<think>` block after the assistant tag;
 * over a chat API the server's template does that when thinking is disabled
 * (`chat_template_kwargs: { enable_thinking: false }`, sent by default).
 *
 * Works as a zero-shot judge with other instruction-following chat models too.
 */
export const qwen3RerankerTemplate: LogprobTemplate = {
  name: "qwen3-reranker",
  yes: "yes",
  no: "no",
  defaultInstruct: QWEN3_DEFAULT_INSTRUCT,
  messages: ({ query, document, instruct }) => [
    { role: "system", content: QWEN3_SYSTEM_PROMPT },
    { role: "user", content: `<Instruct>: ${instruct}\n<Query>: ${query}\n<Document>: ${document}` },
  ],
};
