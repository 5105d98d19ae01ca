/**
 * The answer step of the RAG examples. With `OPENAI_API_KEY` set it asks a real chat model through
 * any OpenAI-compatible `/chat/completions` endpoint (`OPENAI_BASE_URL`, `OPENAI_MODEL`; DashScope,
 * SiliconFlow and DMXAPI all offer one). Without a key it returns a clearly labelled stand-in that
 * quotes the top passages, so the pipeline runs offline end to end.
 */
import process from "node:process";
import type { Env } from "./reranker.ts";

export interface Answer {
  text: string;
  /** Who wrote it: a model id, or "offline stand-in". */
  by: string;
}

/** Whether a chat model is configured (`OPENAI_API_KEY` is set). */
export function chatModelConfigured(env: Env = process.env): boolean {
  return Boolean(env.OPENAI_API_KEY);
}

/** The prompt sent to a chat model: the passages, numbered, then the question. */
export function answerPrompt(question: string, passages: readonly string[]): string {
  const context = passages.map((p, i) => `[${i + 1}] ${p}`).join("\n");
  return `Answer the question using only these passages; cite them as [n]. Reply in the question's language.\n\n${context}\n\nQuestion: ${question}`;
}

/** The offline stand-in: no model, just the top passages quoted, and a label saying so. */
export function standInAnswer(question: string, passages: readonly string[], quote = 2): Answer {
  const lines = passages.slice(0, quote).map((p, i) => `  [${i + 1}] “${p}”`);
  return {
    by: "offline stand-in",
    text: [
      `[offline stand-in: no chat model configured; set OPENAI_API_KEY to use one] The best passages for “${question}” say:`,
      ...lines,
    ].join("\n"),
  };
}

/** Answers `question` from `passages` (best first): a chat model when a key is set, else the stand-in. */
export async function answer(question: string, passages: readonly string[], env: Env = process.env): Promise<Answer> {
  const key = env.OPENAI_API_KEY;
  if (!key) return standInAnswer(question, passages);
  const baseURL = (env.OPENAI_BASE_URL ?? "https://api.openai.com/v1").replace(/\/+$/, "");
  const model = env.OPENAI_MODEL ?? "gpt-4o-mini";
  const response = await fetch(`${baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ model, temperature: 0, messages: [{ role: "user", content: answerPrompt(question, passages) }] }),
    signal: AbortSignal.timeout(60_000),
  });
  if (!response.ok) throw new Error(`chat model ${model} at ${baseURL}: HTTP ${response.status}`);
  const body = (await response.json()) as { choices?: { message?: { content?: string } }[] };
  const text = body.choices?.[0]?.message?.content;
  if (typeof text !== "string") throw new Error(`chat model ${model}: the reply has no choices[0].message.content`);
  return { text: text.trim(), by: model };
}
