/** The RankGPT prompt (Sun et al., 2023, "Is ChatGPT Good at Search?"), as one system and one user message. */

export const RANKGPT_SYSTEM_PROMPT =
  "You are RankGPT, an intelligent assistant that can rank passages based on their relevancy to the query.";

/**
 * Cuts a passage to at most `maxChars` UTF-16 code units without splitting a surrogate pair (a
 * lone surrogate would reach the provider as U+FFFD or be refused).
 */
export function clip(text: string, maxChars: number | undefined): string {
  if (maxChars === undefined || text.length <= maxChars) return text;
  const cut = text.charCodeAt(maxChars - 1);
  return text.slice(0, cut >= 0xd800 && cut <= 0xdbff ? maxChars - 1 : maxChars);
}

/** The user message for one window: the query, `[1] text`, `[2] text`, …, then the answer format. */
export function rankGptPrompt(query: string, passages: readonly string[], instruct: string | undefined): string {
  const n = passages.length;
  const lines = [
    `I will provide you with ${n} passages, each indicated by a numerical identifier []. Rank the passages based on their relevance to the search query: ${query}`,
  ];
  if (instruct !== undefined) lines.push(`Task: ${instruct}`);
  lines.push("");
  for (const [i, p] of passages.entries()) lines.push(`[${i + 1}] ${p}`);
  lines.push(
    "",
    `Search Query: ${query}`,
    `Rank the ${n} passages above based on their relevance to the search query. List them in descending order of relevance using their identifiers, the most relevant first. The output format should be [] > [], e.g., [2] > [1] > [3]. Answer only with the ranking, without any other words or explanation.`,
  );
  return lines.join("\n");
}
