/** LangChain glue for the examples: the local embedding as `Embeddings`, and a sentence splitter. */
import { Embeddings } from "@langchain/core/embeddings";
import { TextSplitter, type TextSplitterParams } from "@langchain/classic/text_splitter";
import { embed } from "./embedding.ts";

/** The hashed local embedding of `embedding.ts`, usable with `MemoryVectorStore` and friends. */
export class LocalHashEmbeddings extends Embeddings {
  constructor() {
    super({});
  }

  override async embedDocuments(documents: string[]): Promise<number[][]> {
    return documents.map((d) => embed(d));
  }

  override async embedQuery(document: string): Promise<number[]> {
    return embed(document);
  }
}

const HAN = /\p{Script=Han}/u;

/**
 * Splits at sentence ends (`Intl.Segmenter`, which knows "。" as well as ". "), then packs whole
 * sentences into chunks of up to `chunkSize` characters. Unlike splitting at spaces, no chunk
 * starts or ends mid-sentence, and Chinese, which has no spaces, splits too.
 */
export class SentenceSplitter extends TextSplitter {
  readonly #segmenter = new Intl.Segmenter(undefined, { granularity: "sentence" });

  constructor(fields?: Partial<TextSplitterParams>) {
    super(fields);
  }

  override async splitText(text: string): Promise<string[]> {
    const sentences = Array.from(this.#segmenter.segment(text), (s) => s.segment.trim()).filter((s) => s !== "");
    return this.mergeSplits(sentences, HAN.test(text) ? "" : " ");
  }
}
