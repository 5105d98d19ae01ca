/** LlamaIndex glue for the examples: the local embedding as a LlamaIndex `BaseEmbedding`. */
import { BaseEmbedding } from "@llamaindex/core/embeddings";
import { embed } from "./embedding.ts";

/** The hashed local embedding of `embedding.ts`, usable as `Settings.embedModel`. */
export class LocalHashEmbedding extends BaseEmbedding {
  // biome-ignore lint/complexity/noUselessConstructor: BaseEmbedding's constructor is protected; this one is public.
  constructor() {
    super();
  }

  override async getTextEmbedding(text: string): Promise<number[]> {
    return embed(text);
  }
}
