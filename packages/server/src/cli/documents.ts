import type { RerankDocument } from "@rerankit/core";
import { UsageError } from "./flags.js";

/** The documents of an input file, each with the line it came from. */
export interface InputDocuments {
  documents: RerankDocument[];
  /** `lines[i]` is the 0-based input line of `documents[i]`. */
  lines: number[];
  /** 1-based numbers of the blank lines before the last document (not sent: rerank APIs refuse empty documents). */
  blankLines: number[];
}

/**
 * Reads the documents of `rerankit rank`: one per line, or JSONL (one JSON object with a string
 * `text` per line). The first non-blank line decides the format, so a plain-text file whose later
 * lines happen to start with `{` stays plain text. Blank lines are not documents; each document
 * keeps its line, so results can point at input lines (blank lines before the last document are
 * reported; trailing ones are just the end of the file).
 */
export function readDocuments(input: string, source = "input"): InputDocuments {
  const text = input.split(/\r?\n/);
  const out: InputDocuments = { documents: [], lines: [], blankLines: [] };
  const first = text.find((line) => line.trim() !== "");
  if (first === undefined) return out;
  const jsonl = isJsonObject(first);
  const blanks: number[] = [];
  text.forEach((line, i) => {
    if (line.trim() === "") {
      blanks.push(i + 1);
      return;
    }
    out.blankLines.push(...blanks);
    blanks.length = 0;
    out.documents.push(jsonl ? jsonlDocument(line, `${source} line ${i + 1}`) : line);
    out.lines.push(i);
  });
  return out;
}

/** Just the documents of {@link readDocuments}. */
export function parseDocuments(input: string, source?: string): RerankDocument[] {
  return readDocuments(input, source).documents;
}

function jsonlDocument(line: string, where: string): RerankDocument {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new UsageError(`${where} is not valid JSON (the first line made this a JSONL file)`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value) || typeof (value as { text?: unknown }).text !== "string") {
    throw new UsageError(`${where} has no string "text" field`);
  }
  return value as { text: string };
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
