/**
 * A LlamaIndex.TS RAG pipeline with a reranking step: the corpus as `Document`s, a
 * `VectorStoreIndex` (local embedding), and a query engine that retrieves 20 nodes and reranks
 * them to 4 with `RerankPostprocessor`.
 *
 *   pnpm tsx --conditions=@rerankit/source examples/llamaindex-rag.ts ["your question"]
 *
 * Offline it reranks through the local Rerankit server (BM25) and answers with `MockLLM`; set
 * RERANKIT_PROVIDER and that provider's key to use a hosted reranker, and OPENAI_API_KEY for a
 * real answer step.
 */
import process from "node:process";
import { pathToFileURL } from "node:url";
import { MockLLM } from "@llamaindex/core/llms/mock";
import { MetadataMode, type NodeWithScore } from "@llamaindex/core/schema";
import { Document, Settings, VectorStoreIndex } from "llamaindex";
import { RerankPostprocessor } from "@rerankit/llamaindex";
import { passages, queries } from "./data/corpus.ts";
import { answer, standInAnswer } from "./lib/answer.ts";
import { sideBySide, type RankedRow } from "./lib/format.ts";
import { LocalHashEmbedding } from "./lib/llamaindex.ts";
import { openReranker, type Env } from "./lib/reranker.ts";

/** What the offline MockLLM says: it is a placeholder, and says so. */
export const MOCK_ANSWER = "[offline stand-in: MockLLM returns this fixed text; set OPENAI_API_KEY for a real answer]";

/** The corpus as LlamaIndex documents; the passage id is the document id and is kept out of the embedded text. */
export function loadDocuments(): Document[] {
  return passages.map(
    (p) =>
      new Document({
        id_: p.id,
        text: p.text,
        metadata: { id: p.id, topic: p.topic, lang: p.lang },
        excludedEmbedMetadataKeys: ["id", "topic", "lang"],
        excludedLlmMetadataKeys: ["id", "topic", "lang"],
      }),
  );
}

export async function runLlamaindexRag({
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
    Settings.embedModel = new LocalHashEmbedding();
    Settings.llm = new MockLLM({ responseMessage: MOCK_ANSWER, timeBetweenToken: 0 });

    const index = await VectorStoreIndex.fromDocuments(loadDocuments());
    const retriever = index.asRetriever({ similarityTopK: 20 });
    const queryEngine = index.asQueryEngine({
      similarityTopK: 20,
      nodePostprocessors: [new RerankPostprocessor({ reranker: chosen.client, topN: 4, metadataMode: MetadataMode.NONE })],
    });

    const asked = questions ?? [queries.find((q) => q.id === "q11")!.text, queries.find((q) => q.id === "q16")!.text];
    for (const question of asked) {
      const relevant = queries.find((q) => q.text === question)?.relevant ?? {};
      const row = (n: NodeWithScore, withScore: boolean): RankedRow => {
        const id = String(n.node.metadata.id);
        return {
          id,
          text: n.node.getContent(MetadataMode.NONE),
          relevant: (relevant[id] ?? 0) > 0,
          score: withScore ? n.score : undefined,
        };
      };
      const before = await retriever.retrieve({ query: question });
      const response = await queryEngine.query({ query: question });
      const after = response.sourceNodes ?? [];
      print("");
      print(`Question: ${question}`);
      print(
        sideBySide(
          before.slice(0, 8).map((n) => row(n, false)),
          after.map((n) => row(n, true)),
        ),
      );
      if (env.OPENAI_API_KEY) {
        const reply = await answer(
          question,
          after.map((n) => n.node.getContent(MetadataMode.LLM)),
          env,
        );
        print(`Answer (${reply.by}):`);
        print(reply.text);
      } else {
        print(`Answer (MockLLM): ${response.toString()}`);
        print(
          standInAnswer(
            question,
            after.map((n) => n.node.getContent(MetadataMode.NONE)),
          ).text,
        );
      }
    }
  } finally {
    await chosen.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const question = process.argv.slice(2).join(" ").trim();
  runLlamaindexRag(question ? { questions: [question] } : {}).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
