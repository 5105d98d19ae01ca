/**
 * Query/document pairs as a cross-encoder reads them: `[CLS] query [SEP] document [SEP]` for
 * BERT, `<s> query </s></s> document </s>` for XLM-RoBERTa, and so on.
 *
 * Hand-written on purpose: transformers.js's pair truncation cuts the end of the joined sequence,
 * closing separator included, so a long document would be scored without its final `[SEP]`, which
 * the model never saw in training. Hugging Face's Python tokenizers (and sentence-transformers'
 * `CrossEncoder`, which calls them with `truncation=True`, i.e. `longest_first`) truncate the text
 * and then add the special tokens. We do the same with the tokenizer's own pieces: the special
 * tokens come from the tokenizer's post-processor (read once from a probe pair), the texts are
 * tokenized without special tokens, and only the texts are truncated.
 */

import { RerankError } from "@rerankit/core";
import { PROVIDER } from "./loader.js";

/** One tokenized pair, ready for the model. */
export interface EncodedPair {
  readonly inputIds: readonly number[];
  readonly tokenTypeIds: readonly number[];
}

/** The special tokens a tokenizer puts around and between the two texts of a pair. */
export interface PairTemplate {
  readonly prefix: readonly number[];
  readonly middle: readonly number[];
  readonly suffix: readonly number[];
  readonly prefixTypes: readonly number[];
  readonly middleTypes: readonly number[];
  readonly suffixTypes: readonly number[];
  /** Token type id of the query's tokens (the first text). */
  readonly firstType: number;
  /** Token type id of the document's tokens (the second text). */
  readonly secondType: number;
}

/** How many special tokens a pair adds. */
export function specialTokenCount(template: PairTemplate): number {
  return template.prefix.length + template.middle.length + template.suffix.length;
}

/**
 * Reads the template from one probe pair: `pairIds` is the tokenizer's encoding of the pair (special
 * tokens included), `firstIds`/`secondIds` the two probe texts encoded alone without special tokens.
 * Returns undefined when the pair is not `prefix first middle second suffix`.
 */
export function readPairTemplate(
  pairIds: readonly number[],
  pairTypes: readonly number[] | undefined,
  firstIds: readonly number[],
  secondIds: readonly number[],
): PairTemplate | undefined {
  const types = pairTypes ?? pairIds.map(() => 0);
  for (let a = 0; a + firstIds.length <= pairIds.length; a++) {
    if (!startsAt(pairIds, firstIds, a)) continue;
    for (let b = a + firstIds.length; b + secondIds.length <= pairIds.length; b++) {
      if (!startsAt(pairIds, secondIds, b)) continue;
      const afterB = b + secondIds.length;
      return {
        prefix: pairIds.slice(0, a),
        middle: pairIds.slice(a + firstIds.length, b),
        suffix: pairIds.slice(afterB),
        prefixTypes: types.slice(0, a),
        middleTypes: types.slice(a + firstIds.length, b),
        suffixTypes: types.slice(afterB),
        firstType: types[a] ?? 0,
        secondType: types[b] ?? 0,
      };
    }
  }
  return undefined;
}

function startsAt(haystack: readonly number[], needle: readonly number[], at: number): boolean {
  for (let i = 0; i < needle.length; i++) if (haystack[at + i] !== needle[i]) return false;
  return true;
}

/**
 * How many query and document tokens to keep so that the pair fits `budget` text tokens (the
 * length limit minus the special tokens).
 *
 * The document is truncated and the query kept whole. Only a query that alone fills the budget is
 * cut, and then both texts get half the budget (Hugging Face's `longest_first` split, exactly), so the
 * document is never dropped entirely.
 *
 * How this relates to sentence-transformers' `CrossEncoder`: it tokenizes with `truncation=True`,
 * i.e. `longest_first`, which also cuts only the document while the query is at most half the
 * budget (the usual case: a 10-token query against a 510-token budget). The two differ only for a
 * query longer than half the budget: `longest_first` then cuts both texts to half, we keep the
 * query whole and give the document what is left.
 */
export function truncatedLengths(queryLength: number, documentLength: number, budget: number): [number, number] {
  if (queryLength + documentLength <= budget) return [queryLength, documentLength];
  if (queryLength < budget) return [queryLength, budget - queryLength];
  // The query alone is too long: Hugging Face tokenizers' longest_first split (the shorter text is
  // kept whole when it fits in half; otherwise each gets half, the longer one the odd token).
  const half = Math.floor(budget / 2);
  if (documentLength <= half) return [budget - documentLength, documentLength];
  // Halves; the odd token goes to the longer text (to the document on a tie).
  return documentLength >= queryLength ? [half, budget - half] : [budget - half, half];
}

/** Joins the query's and the document's text tokens with the template's special tokens. */
export function buildPair(template: PairTemplate, query: readonly number[], document: readonly number[]): EncodedPair {
  const inputIds = [...template.prefix, ...query, ...template.middle, ...document, ...template.suffix];
  const tokenTypeIds = [
    ...template.prefixTypes,
    ...query.map(() => template.firstType),
    ...template.middleTypes,
    ...document.map(() => template.secondType),
    ...template.suffixTypes,
  ];
  return { inputIds, tokenTypeIds };
}

/** Encodes one pair within `maxLength` tokens, special tokens included. */
export function encodePair(
  template: PairTemplate,
  queryIds: readonly number[],
  documentIds: readonly number[],
  maxLength: number,
): EncodedPair {
  const budget = Math.max(0, maxLength - specialTokenCount(template));
  const [q, d] = truncatedLengths(queryIds.length, documentIds.length, budget);
  return buildPair(template, queryIds.slice(0, q), documentIds.slice(0, d));
}

/** Padded, row-major batch tensors' contents. */
export interface PaddedBatch {
  readonly inputIds: BigInt64Array;
  readonly attentionMask: BigInt64Array;
  readonly tokenTypeIds: BigInt64Array;
  readonly rows: number;
  readonly columns: number;
}

/** Right-pads `pairs` to the longest of them with `padId`, attention mask 0 on the padding. */
export function padBatch(pairs: readonly EncodedPair[], padId: number): PaddedBatch {
  let columns = 0;
  for (const p of pairs) columns = Math.max(columns, p.inputIds.length);
  const size = pairs.length * columns;
  const inputIds = new BigInt64Array(size).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(size);
  const tokenTypeIds = new BigInt64Array(size);
  pairs.forEach((p, row) => {
    const base = row * columns;
    for (let i = 0; i < p.inputIds.length; i++) {
      inputIds[base + i] = BigInt(p.inputIds[i]!);
      attentionMask[base + i] = 1n;
      tokenTypeIds[base + i] = BigInt(p.tokenTypeIds[i]!);
    }
  });
  return { inputIds, attentionMask, tokenTypeIds, rows: pairs.length, columns };
}

/** The part of a transformers.js tokenizer that the plain-text encoder reads. */
export interface TokenizerLike {
  encode(text: string, options: { add_special_tokens: boolean }): number[];
}

/** Encodes user text (a query, a document, an instruct) into token ids. */
export type TextEncoder = (text: string) => number[];

/**
 * Characters a text is cut to before tokenising, per token of the budget: far more than any
 * natural text needs (English runs about 4 characters a token, CJK 1 to 1.5), so the first
 * `maxLength` tokens of the cut text are those of the whole text. Without the cut the tokenizer
 * read a whole multi-MB document (1.5 to 3 s a MB) to keep 512 tokens of it. A text averaging more
 * than this a token (long runs of whitespace or separators) is scored on its first
 * `maxLength × 16` characters.
 */
export const CHARACTERS_PER_TOKEN = 16;

/** How far back from the character budget a cut looks for whitespace, so no word is cut in two. */
const WHITESPACE_LOOKBACK = 256;

/**
 * `text` cut to what safely covers `tokens` tokens: unchanged when it is short enough, else cut
 * at the last whitespace before `tokens × CHARACTERS_PER_TOKEN` characters (every pre-tokenizer
 * splits there, so the tokens before the cut are the whole text's), else on a code point boundary.
 */
export function cutForTokens(text: string, tokens: number): string {
  const budget = Math.max(1, tokens) * CHARACTERS_PER_TOKEN;
  if (text.length <= budget) return text;
  for (let at = budget; at > budget - WHITESPACE_LOOKBACK; at--) {
    const code = text.charCodeAt(at);
    if (code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d) return text.slice(0, at);
  }
  const low = text.charCodeAt(budget);
  return text.slice(0, low >= 0xdc00 && low <= 0xdfff ? budget - 1 : budget);
}

const plainEncoders = new WeakMap<object, TextEncoder>();

/**
 * An encoder of user text as plain characters: a `<|im_end|>` in a document is the characters
 * `<`, `|`, `im`, …, never Qwen3's end-of-turn token (which would let a document close its turn and
 * forge an answer), and `[SEP]`/`[CLS]` are never the cross-encoder's separators. Hugging Face's
 * Python tokenizers call this `split_special_tokens=True`; transformers.js has no such option, so
 * a second tokenizer is built (once per tokenizer) from the same tokenizer.json without its
 * special added tokens, which are what its splitter matches in text. Non-special added tokens stay.
 */
export function plainTextEncoder(tokenizer: TokenizerLike): TextEncoder {
  let encoder = plainEncoders.get(tokenizer);
  if (encoder !== undefined) return encoder;
  const internals = tokenizer as unknown as {
    _tokenizerJSON?: { added_tokens?: { special?: boolean }[] };
    _tokenizerConfig?: unknown;
    constructor: new (json: unknown, config: unknown) => TokenizerLike;
  };
  const json = internals._tokenizerJSON;
  if (json === undefined || internals._tokenizerConfig === undefined) {
    // transformers.js changed its internals: refuse rather than let user text carry control tokens.
    throw new RerankError(
      "this version of transformers.js does not expose its tokenizer.json (_tokenizerJSON): user text cannot be tokenised as plain characters, so it is not tokenised at all",
      { provider: PROVIDER },
    );
  }
  const plain = new internals.constructor(
    { ...json, added_tokens: (json.added_tokens ?? []).filter((token) => token.special !== true) },
    internals._tokenizerConfig,
  );
  encoder = (text) => plain.encode(text, { add_special_tokens: false });
  plainEncoders.set(tokenizer, encoder);
  return encoder;
}
