import type { RerankDocument } from "@rerankit/core";
import { UsageError } from "./usage-error.js";

/**
 * Reads the documents of `rerankit rank`: one per line, or JSONL (one JSON object with a string
 * `text` per line). The first non-empty line decides the format, so a plain-text file whose later
 * lines happen to start with `{` stays plain text. Blank lines are skipped in both.
 */
export function parseDocuments(input: string): RerankDocument[] {
  const lines = input.split(/\r?\n/);
  const first = lines.find((line) => line.trim() !== "");
  if (first === undefined) return [];
  if (!isJsonObject(first)) return lines.filter((line) => line.trim() !== "");

  const documents: RerankDocument[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new UsageError(`line ${i + 1} is not valid JSON (the first line made this a JSONL file)`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value) || typeof (value as { text?: unknown }).text !== "string") {
      throw new UsageError(`line ${i + 1} has no string "text" field`);
    }
    documents.push(value as { text: string });
  });
  return documents;
}

function isJsonObject(line: string): boolean {
  if (!line.trimStart().startsWith("{")) return false;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
