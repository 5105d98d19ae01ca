/**
 * The measured paths. Each one reranks the same documents against the same bench server and
 * reports the ranking it got, so the harness can check that every path measures a working call.
 * Converting documents to a framework's objects happens in `prepare` (that is the caller's data,
 * not the call); `call` is exactly what a user's code awaits.
 */
import { RerankClient } from "@rerankit/core";
import { pathToFileURL } from "node:url";
import { Agent, request } from "undici";

export interface PathConfig {
  /** Documents per request for the paths that batch (the floor batches by hand). @default unlimited */
  maxDocumentsPerRequest?: number;
  /** Parallel batch requests within one call, for the paths that batch. @default 4 */
  concurrency?: number;
}

export interface OpenPath {
  prepare(docs: string[]): unknown;
  call(input: unknown, query: string): Promise<unknown>;
  /** Input indices, best first. */
  ranking(input: unknown, output: unknown): number[];
  close(): Promise<void>;
}

export type PathGroup = "floor" | "rerankit" | "anchor";

export interface BenchPath {
  name: string;
  group: PathGroup;
  /** What the path is, for the results page. */
  description: string;
  /** Resolves with the opened path, or a sentence saying why it cannot run here. */
  open(url: string, config?: PathConfig): Promise<OpenPath | string>;
}

const DUMMY_KEY = "bench-not-a-key";
const ANCHOR_MODEL = "rerank-v3.5";

interface WireReply {
  results: { index: number; relevance_score: number }[];
}

/** One hand-built request with raw undici and JSON.parse: the least any client can do. */
async function floorRequest(dispatcher: Agent, url: string, query: string, docs: readonly string[]): Promise<WireReply> {
  const body = `{"model":"bench","query":${JSON.stringify(query)},"documents":${JSON.stringify(docs)}}`;
  const res = await request(url, { method: "POST", headers: { "content-type": "application/json" }, body, dispatcher });
  const reply = JSON.parse(await res.body.text()) as WireReply & { message?: string };
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${reply.message}`);
  return reply;
}

const floor: BenchPath = {
  name: "floor (undici.request)",
  group: "floor",
  description:
    "raw `undici.request` on its own keep-alive Agent, body built by hand, `JSON.parse` of the reply; for lists over the server limit, hand-split batches run `concurrency` at a time and merged by score",
  async open(url, config = {}) {
    const dispatcher = new Agent({ keepAliveTimeout: 10_000 });
    const endpoint = `${url}/v1/rerank`;
    const limit = config.maxDocumentsPerRequest ?? Infinity;
    const concurrency = config.concurrency ?? 4;
    return {
      prepare: (docs) => docs,
      async call(input, query) {
        const docs = input as string[];
        if (docs.length <= limit) return (await floorRequest(dispatcher, endpoint, query, docs)).results;
        const scores = new Float64Array(docs.length);
        let next = 0;
        const worker = async () => {
          for (let start = next; start < docs.length; start = next) {
            next += limit;
            const reply = await floorRequest(dispatcher, endpoint, query, docs.slice(start, start + limit));
            for (const r of reply.results) scores[start + r.index] = r.relevance_score;
          }
        };
        await Promise.all(Array.from({ length: concurrency }, worker));
        const order = Array.from(docs.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b);
        return order.map((index) => ({ index, relevance_score: scores[index]! }));
      },
      ranking: (_input, output) => (output as WireReply["results"]).map((r) => r.index),
      close: () => dispatcher.close(),
    };
  },
};

function rerankClient(url: string, config: PathConfig): RerankClient {
  return new RerankClient({
    provider: "rerankit",
    baseURL: `${url}/v1`,
    // Named, so that every client path sends the same body (the preset names no model of its own).
    model: "rerankit-bm25",
    ...(config.maxDocumentsPerRequest !== undefined ? { maxDocumentsPerRequest: config.maxDocumentsPerRequest } : {}),
    ...(config.concurrency !== undefined ? { concurrency: config.concurrency } : {}),
  });
}

const client: BenchPath = {
  name: "RerankClient",
  group: "rerankit",
  description: '`new RerankClient({ provider: "rerankit", baseURL })`, `rerank({ query, documents })`',
  async open(url, config = {}) {
    const c = rerankClient(url, config);
    return {
      prepare: (docs) => docs,
      call: (input, query) => c.rerank({ query, documents: input as string[] }),
      ranking: (_input, output) => (output as Awaited<ReturnType<RerankClient["rerank"]>>).results.map((r) => r.index),
      close: () => c.close(),
    };
  },
};

/** Imports a workspace package that may not have landed yet, without making typecheck depend on it. */
async function optionalImport(specifier: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(specifier)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

interface LcDocument {
  pageContent: string;
  metadata: Record<string, unknown>;
}

const compressor: BenchPath = {
  name: "RerankCompressor",
  group: "rerankit",
  description: "`@rerankit/langchain` `RerankCompressor({ reranker: RerankClient })`, `compressDocuments(documents, query)`",
  async open(url, config = {}) {
    const mod = await optionalImport("@rerankit/langchain");
    const Ctor = mod?.RerankCompressor as
      | (new (
          options: object,
        ) => { compressDocuments(d: LcDocument[], q: string): Promise<LcDocument[]> })
      | undefined;
    if (!Ctor) return "`@rerankit/langchain` does not export `RerankCompressor` yet";
    const { Document } = await import("@langchain/core/documents");
    const c = rerankClient(url, config);
    const compressor = new Ctor({ reranker: c });
    return {
      prepare: (docs) => docs.map((pageContent, i) => new Document({ pageContent, metadata: { i } })),
      call: (input, query) => compressor.compressDocuments(input as LcDocument[], query),
      ranking: (_input, output) => (output as LcDocument[]).map((d) => d.metadata.i as number),
      close: () => c.close(),
    };
  },
};

interface LiNodeWithScore {
  node: { id_: string };
  score?: number;
}

const postprocessor: BenchPath = {
  name: "RerankPostprocessor",
  group: "rerankit",
  description: "`@rerankit/llamaindex` `RerankPostprocessor({ reranker: RerankClient })`, `postprocessNodes(nodes, query)`",
  async open(url, config = {}) {
    const mod = await optionalImport("@rerankit/llamaindex");
    const Ctor = mod?.RerankPostprocessor as
      | (new (
          options: object,
        ) => { postprocessNodes(n: LiNodeWithScore[], q: string): Promise<LiNodeWithScore[]> })
      | undefined;
    if (!Ctor) return "`@rerankit/llamaindex` does not export `RerankPostprocessor` yet";
    const { TextNode } = await import("@llamaindex/core/schema");
    const c = rerankClient(url, config);
    const post = new Ctor({ reranker: c });
    return {
      prepare: (docs) => docs.map((text, i) => ({ node: new TextNode({ text, id_: String(i) }), score: 0 })),
      call: (input, query) => post.postprocessNodes(input as LiNodeWithScore[], query),
      ranking: (_input, output) => (output as LiNodeWithScore[]).map((n) => Number(n.node.id_)),
      close: () => c.close(),
    };
  },
};

const langchainCohere: BenchPath = {
  name: "@langchain/cohere CohereRerank",
  group: "anchor",
  description:
    "`new CohereRerank({ client: new CohereClient({ token, environment: url }), model, topN })` (cohere-ai 8), `compressDocuments(documents, query)`",
  async open(url) {
    const { CohereRerank } = await import("@langchain/cohere");
    const { CohereClient } = await import("cohere-ai");
    const { Document } = await import("@langchain/core/documents");
    const cohereClient = new CohereClient({ token: DUMMY_KEY, environment: url });
    // @langchain/cohere is typed against its own cohere-ai (7.x); the 8.x client has the same rerank().
    const anchor = new CohereRerank({ client: cohereClient as never, model: ANCHOR_MODEL });
    return {
      prepare: (docs) => docs.map((pageContent, i) => new Document({ pageContent, metadata: { i } })),
      call(input, query) {
        const docs = input as InstanceType<typeof Document>[];
        anchor.topN = docs.length;
        return anchor.compressDocuments(docs, query);
      },
      ranking: (_input, output) => (output as LcDocument[]).map((d) => d.metadata.i as number),
      close: async () => {},
    };
  },
};

const vercelAi: BenchPath = {
  name: "ai rerank() + @ai-sdk/cohere",
  group: "anchor",
  description:
    '`rerank({ model: createCohere({ baseURL: url + "/v2", apiKey }).reranking(model), documents, query })` (ai 6, @ai-sdk/cohere 3)',
  async open(url) {
    const { rerank } = await import("ai");
    const { createCohere } = await import("@ai-sdk/cohere");
    const model = createCohere({ baseURL: `${url}/v2`, apiKey: DUMMY_KEY }).reranking(ANCHOR_MODEL);
    return {
      prepare: (docs) => docs,
      call: (input, query) => rerank({ model, documents: input as string[], query }),
      ranking: (_input, output) => (output as Awaited<ReturnType<typeof rerank<string>>>).ranking.map((r) => r.originalIndex),
      close: async () => {},
    };
  },
};

const llamaindexCohere: BenchPath = {
  name: "@llamaindex/cohere CohereRerank",
  group: "anchor",
  description: "`new CohereRerank({ apiKey, baseUrl: url, model, topN })` (its own cohere-ai 7.14), `postprocessNodes(nodes, query)`",
  async open(url) {
    const { CohereRerank } = await import("@llamaindex/cohere");
    const { TextNode } = await import("@llamaindex/core/schema");
    const anchor = new CohereRerank({ apiKey: DUMMY_KEY, baseUrl: url, model: ANCHOR_MODEL });
    return {
      prepare: (docs) => docs.map((text, i) => ({ node: new TextNode({ text, id_: String(i) }), score: 0 })),
      call(input, query) {
        const nodes = input as { node: InstanceType<typeof TextNode> }[];
        anchor.topN = nodes.length;
        return anchor.postprocessNodes(nodes, query);
      },
      ranking: (_input, output) => (output as LiNodeWithScore[]).map((n) => Number(n.node.id_)),
      close: async () => {},
    };
  },
};

/**
 * `RerankClient` from another copy of core's sources (`--baseline DIR`, DIR holding `index.ts`):
 * a hot-path change measured side by side with the code before it, in the same rounds.
 */
export function baselineClientPath(dir: string): BenchPath {
  return {
    name: "RerankClient (baseline)",
    group: "rerankit",
    description: `RerankClient from ${dir}`,
    async open(url, config = {}) {
      const { RerankClient: Baseline } = (await import(pathToFileURL(`${dir}/index.ts`).href)) as { RerankClient: typeof RerankClient };
      const c = new Baseline({
        provider: "rerankit",
        baseURL: `${url}/v1`,
        model: "rerankit-bm25",
        ...(config.maxDocumentsPerRequest !== undefined ? { maxDocumentsPerRequest: config.maxDocumentsPerRequest } : {}),
        ...(config.concurrency !== undefined ? { concurrency: config.concurrency } : {}),
      });
      return {
        prepare: (docs) => docs,
        call: (input, query) => c.rerank({ query, documents: input as string[] }),
        ranking: (_input, output) => (output as Awaited<ReturnType<RerankClient["rerank"]>>).results.map((r) => r.index),
        close: () => c.close(),
      };
    },
  };
}

/**
 * `RerankPostprocessor` from another copy of the llamaindex adapter's sources (`--baseline-llamaindex
 * DIR`), given a `RerankClient` from the `--baseline` copy of core (or the current one): the adapter
 * before a change, measured side by side with the current one.
 */
export function baselinePostprocessorPath(liDir: string, coreDir: string | undefined): BenchPath {
  return {
    name: "RerankPostprocessor (baseline)",
    group: "rerankit",
    description: `RerankPostprocessor from ${liDir}${coreDir ? `, RerankClient from ${coreDir}` : ""}`,
    async open(url, config = {}) {
      const mod = (await import(pathToFileURL(`${liDir}/index.ts`).href)) as Record<string, unknown>;
      const Ctor = mod.RerankPostprocessor as new (
        options: object,
      ) => { postprocessNodes(n: LiNodeWithScore[], q: string): Promise<LiNodeWithScore[]> };
      const Client = coreDir
        ? ((await import(pathToFileURL(`${coreDir}/index.ts`).href)) as { RerankClient: typeof RerankClient }).RerankClient
        : RerankClient;
      const { TextNode } = await import("@llamaindex/core/schema");
      const c = new Client({
        provider: "rerankit",
        baseURL: `${url}/v1`,
        ...(config.maxDocumentsPerRequest !== undefined ? { maxDocumentsPerRequest: config.maxDocumentsPerRequest } : {}),
        ...(config.concurrency !== undefined ? { concurrency: config.concurrency } : {}),
      });
      const post = new Ctor({ reranker: c });
      return {
        prepare: (docs) => docs.map((text, i) => ({ node: new TextNode({ text, id_: String(i) }), score: 0 })),
        call: (input, query) => post.postprocessNodes(input as LiNodeWithScore[], query),
        ranking: (_input, output) => (output as LiNodeWithScore[]).map((n) => Number(n.node.id_)),
        close: () => c.close(),
      };
    },
  };
}

/** Every measured path, floor first. */
export const paths: readonly BenchPath[] = [floor, client, compressor, postprocessor, langchainCohere, vercelAi, llamaindexCohere];

export function pathByName(name: string): BenchPath {
  const path = paths.find((p) => p.name === name);
  if (!path) throw new Error(`no bench path named ${name}`);
  return path;
}
