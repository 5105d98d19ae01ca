import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The tiny random-weight cross-encoders made by scripts/make-tiny-model.py (one- and two-logit heads). */
export const TINY = fileURLToPath(new URL("./fixtures/tiny-cross-encoder", import.meta.url));
export const TINY_2LOGIT = fileURLToPath(new URL("./fixtures/tiny-cross-encoder-2logit", import.meta.url));
/** The tiny random-weight Qwen3-Reranker made by scripts/make-tiny-qwen3.py. */
export const QWEN3 = fileURLToPath(new URL("./fixtures/tiny-qwen3-reranker", import.meta.url));

/** A case of expected.json: token ids from the script's BERT tokenizer and logits from PyTorch. */
export interface ExpectedCase {
  query: string;
  document: string;
  maxLength: number | null;
  inputIds: number[];
  tokenTypeIds: number[];
  logits: number[];
}

export function expectedCases(folder: string): ExpectedCase[] {
  return (JSON.parse(readFileSync(`${folder}/expected.json`, "utf8")) as { cases: ExpectedCase[] }).cases;
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
/** softmax([a, b])[1], written the textbook way (the package uses the stable sigmoid form). */
export const softmaxSecond = ([a, b]: number[]): number => Math.exp(b!) / (Math.exp(a!) + Math.exp(b!));
