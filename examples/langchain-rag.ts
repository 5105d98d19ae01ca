/**
 * A LangChain.js RAG pipeline with a reranking step: load the corpus, split it, embed it into a
 * `MemoryVectorStore`, retrieve the top 20 chunks, rerank them to the top 4 with
 * `ContextualCompressionRetriever` + `RerankCompressor`, then answer.
 *
 *   pnpm tsx --conditions=@rerankit/source examples/langchain-rag.ts ["your question"]
 *
 * Offline it reranks through the local Rerankit server (BM25); set RERANKIT_PROVIDER and that
 * provider's key to use a hosted reranker, and OPENAI_API_KEY for a real answer step.
 */
import process from "node:process";
import { pathToFileURL } from "node:url";
import { Document } from "@langchain/core/documents";
import { ContextualCompressionRetriever } from "@langchain/classic/retrievers/contextual_compression";
import { MemoryVectorStore } from "@langchain/classic/vectorstores/memory";
import { RerankCompressor } from "@rerankit/langchain";
import { passages, queries } from "./data/corpus.ts";
import { answer } from "./lib/answer.ts";
import { sideBySide, type RankedRow } from "./lib/format.ts";
import { LocalHashEmbeddings, SentenceSplitter } from "./lib/langchain.ts";
import { openReranker, type Env } from "./lib/reranker.ts";

/** Chunks of whole sentences, at most 200 characters: the longer passages become two chunks. */
export const splitter = new SentenceSplitter({ chunkSize: 200, chunkOverlap: 0 });

/** Loads the corpus as LangChain documents and splits them into chunks (each keeps its passage id). */
export async function loadChunks(): Promise<Document[]> {
  const docs = passages.map((p) => new Document({ pageContent: p.text, metadata: { id: p.id, topic: p.topic, lang: p.lang }, id: p.id }));
  return splitter.splitDocuments(docs);
}

export async function runLangchainRag({
  env = process.env,
  print = console.log,
  questions,
}: {
  env?: Env;
  print?: (line: string) => void;
  questions?: string[];
} = {}): Promise<void> {
  const chosen = await openReranker(env);
  try {
    if (chosen.note) print(`note: ${chosen.note}`);
    print(`Reranker: ${chosen.label}`);
    const chunks = await loadChunks();
    const store = await MemoryVectorStore.fromDocuments(chunks, new LocalHashEmbeddings());
    print(`Indexed ${chunks.length} chunks from ${passages.length} passages.`);

    const baseRetriever = store.asRetriever({ k: 20 });
    const retriever = new ContextualCompressionRetriever({
      baseRetriever,
      baseCompressor: new RerankCompressor({ reranker: chosen.client, topN: 4 }),
    });

    const asked = questions ?? [queries.find((q) => q.id === "q12")!.text, queries.find((q) => q.id === "q06")!.text];
    for (const question of asked) {
      const relevant = queries.find((q) => q.text === question)?.relevant ?? {};
      const row = (d: Document): RankedRow => ({
        id: String(d.metadata.id),
        text: d.pageContent,
        relevant: (relevant[String(d.metadata.id)] ?? 0) > 0,
        score: typeof d.metadata.relevanceScore === "number" ? d.metadata.relevanceScore : undefined,
      });
      const before = await baseRetriever.invoke(question);
      const after = await retriever.invoke(question);
      print("");
      print(`Question: ${question}`);
      print(sideBySide(before.slice(0, 8).map(row), after.map(row)));
      const reply = await answer(
        question,
        after.map((d) => d.pageContent),
        env,
      );
      print(`Answer (${reply.by}):`);
      print(reply.text);
    }
  } finally {
    await chosen.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const question = process.argv.slice(2).join(" ").trim();
  runLangchainRag(question ? { questions: [question] } : {}).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
