/** The first stage the examples rerank: nearest passages by the local embedding (brute force). */
import { passages as allPassages, type Passage } from "../data/corpus.ts";
import { cosine, embed } from "./embedding.ts";

export interface Hit {
  passage: Passage;
  /** Cosine similarity to the query under the local embedding. */
  similarity: number;
}

/** A brute-force vector index over passages: fine for a hundred, which is all the examples need. */
export class PassageIndex {
  readonly #entries: { passage: Passage; vector: number[] }[];

  constructor(passages: readonly Passage[] = allPassages) {
    this.#entries = passages.map((passage) => ({ passage, vector: embed(passage.text) }));
  }

  /** The `k` passages most similar to `query`, best first (ties by corpus order). */
  search(query: string, k: number): Hit[] {
    const q = embed(query);
    return this.#entries
      .map(({ passage, vector }, i) => ({ passage, similarity: cosine(q, vector), i }))
      .sort((a, b) => b.similarity - a.similarity || a.i - b.i)
      .slice(0, k)
      .map(({ passage, similarity }) => ({ passage, similarity }));
  }
}
