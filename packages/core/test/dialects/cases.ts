/**
 * One case per preset: the request we send, the reply body copied from the provider's documentation
 * (`source` says where), and what the client must read back. Where a provider documents only a
 * schema, the body follows that schema and `source` says so; README.md in this folder lists which
 * bodies are verbatim and which are derived.
 */
import {
  RerankAuthenticationError,
  RerankBadRequestError,
  type RerankError,
  RerankServerError,
  type ProviderId,
  type RerankUsage,
  type ScoreKind,
} from "../../src/index.js";
import type { Reply } from "./replay-server.js";

export const KEY = "test-key-123456";
const bearer = { authorization: `Bearer ${KEY}` };

export interface DialectCase {
  provider: ProviderId;
  source: string;
  /** Path prefix of the base URL (appended to the local server's origin). */
  prefix: string;
  model?: string;
  request: { query: string; documents: string[]; topN?: number };
  /** Client `extraBody`, for documented requests that carry a provider field (NIM's `truncate`). */
  extraBody?: Record<string, unknown>;
  expectPath: string;
  expectHeaders: Record<string, string>;
  expectBody: Record<string, unknown>;
  reply: Reply;
  expectRanking: Array<[index: number, score: number]>;
  expectUsage: RerankUsage;
  expectScoreKind: ScoreKind;
  expectRequestIds: string[];
  error: { source: string; status: number; body: unknown; errorClass: abstract new (...args: never[]) => RerankError; message: string };
}

const cohereDocs = [
  "Carson City is the capital city of the American state of Nevada.",
  "The Commonwealth of the Northern Mariana Islands is a group of islands in the Pacific Ocean. Its capital is Saipan.",
  "Capitalization or capitalisation in English grammar is the use of a capital letter at the start of a word. English usage varies from capitalization in other languages.",
  "Washington, D.C. (also known as simply Washington or D.C., and officially as the District of Columbia) is the capital of the United States. It is a federal district.",
  "Capital punishment has existed in the United States since beforethe United States was a country. As of 2017, capital punishment is legal in 30 of the 50 states.",
];

const jinaDocs = [
  "Organic skincare for sensitive skin with aloe vera and chamomile...",
  "New makeup trends focus on bold colors and innovative techniques...",
  "Bio-Hautpflege für empfindliche Haut mit Aloe Vera und Kamille...",
];

const localaiDocs = [
  "Eco-friendly kitchenware for modern homes",
  "Biodegradable cleaning supplies for eco-conscious consumers",
  "Organic cotton baby clothes for sensitive skin",
  "Natural organic skincare range for sensitive skin",
  "Tech gadgets for smart homes: 2024 edition",
  "Sustainable gardening tools and compost solutions",
  "Sensitive skin-friendly facial cleansers and toners",
  "Organic food wraps and storage solutions",
  "All-natural pet food for dogs with allergies",
  "Yoga mats made from recycled materials",
];

const nimPassages = [
  "two roads diverged in a yellow wood, and sorry i could not travel both and be one traveler, long i stood and looked down one as far as i could to where it bent in the undergrowth;",
  "then took the other, as just as fair, and having perhaps the better claim because it was grassy and wanted wear, though as for that the passing there had worn them really about the same,",
  "and both that morning equally lay in leaves no step had trodden black. oh, i marked the first for another day! yet knowing how way leads on to way i doubted if i should ever come back.",
  "i shall be telling this with a sigh somewhere ages and ages hence: two roads diverged in a wood, and i, i took the one less traveled by, and that has made all the difference.",
];

const pineconeDocs = [
  "Apple is a popular fruit known for its sweetness and crisp texture.",
  "Many people enjoy eating apples as a healthy snack.",
  "Apple Inc. has revolutionized the tech industry with its sleek designs and user-friendly interfaces.",
  "An apple a day keeps the doctor away, as the saying goes.",
];

const togetherDocs = [
  "The llama is a domesticated South American camelid, widely used as a meat and pack animal by Andean cultures since the pre-Columbian era.",
  "The giant panda (Ailuropoda melanoleuca), also known as the panda bear or simply panda, is a bear species endemic to China.",
  "The guanaco is a camelid native to South America, closely related to the llama. Guanacos are one of two wild South American camelids; the other species is the vicuña, which lives at higher elevations.",
  "The wild Bactrian camel (Camelus ferus) is an endangered species of camel endemic to Northwest China and southwestern Mongolia.",
];

const mixedbreadDocs = [
  "Berlin's techno scene emerged in the early 1990s after reunification.",
  "Paris is celebrated for its haute cuisine and fashion houses.",
  "Detroit, in the United States, is widely cited as the birthplace of techno.",
  "Vienna's musical heritage centers on classical composers such as Mozart and Beethoven.",
];

const pandaDocs = [
  "hi",
  "it is a bear",
  "The giant panda (Ailuropoda melanoleuca), sometimes called a panda bear or simply panda, is a bear species endemic to China.",
];

export const cases: DialectCase[] = [
  {
    provider: "cohere",
    source: "https://docs.cohere.com/reference/rerank (v2 example response)",
    prefix: "/v2",
    request: { query: "What is the capital of the United States?", documents: cohereDocs, topN: 3 },
    expectPath: "/v2/rerank",
    expectHeaders: bearer,
    expectBody: { model: "rerank-v3.5", query: "What is the capital of the United States?", documents: cohereDocs, top_n: 3 },
    reply: {
      body: {
        results: [
          { index: 3, relevance_score: 0.999071 },
          { index: 4, relevance_score: 0.7867867 },
          { index: 0, relevance_score: 0.32713068 },
        ],
        id: "07734bd2-2473-4f07-94e1-0d9f0e6843cf",
        meta: { api_version: { version: "2", is_experimental: false }, billed_units: { search_units: 1 } },
      },
    },
    expectRanking: [
      [3, 0.999071],
      [4, 0.7867867],
      [0, 0.32713068],
    ],
    expectUsage: { requests: 1, searchUnits: 1 },
    expectScoreKind: "probability",
    expectRequestIds: ["07734bd2-2473-4f07-94e1-0d9f0e6843cf"],
    error: {
      source: "https://docs.cohere.com/reference/errors ({ message } body)",
      status: 401,
      body: { message: "invalid api token" },
      errorClass: RerankAuthenticationError,
      message: "invalid api token",
    },
  },
  {
    provider: "jina",
    source: "Jina reranker example as reproduced on https://docs.newapi.pro/en/api/jinaai-rerank (jina.ai/reranker renders it client-side)",
    prefix: "/v1",
    request: { query: "Organic skincare products for sensitive skin", documents: jinaDocs, topN: 2 },
    expectPath: "/v1/rerank",
    expectHeaders: bearer,
    expectBody: {
      model: "jina-reranker-v2-base-multilingual",
      query: "Organic skincare products for sensitive skin",
      documents: jinaDocs,
      top_n: 2,
      return_documents: false,
    },
    reply: {
      body: {
        results: [
          {
            document: { text: "Organic skincare for sensitive skin with aloe vera and chamomile..." },
            index: 0,
            relevance_score: 0.8783142566680908,
          },
          {
            document: { text: "Bio-Hautpflege für empfindliche Haut mit Aloe Vera und Kamille..." },
            index: 2,
            relevance_score: 0.7624675869941711,
          },
        ],
        usage: { prompt_tokens: 815, completion_tokens: 0, total_tokens: 815 },
      },
    },
    expectRanking: [
      [0, 0.8783142566680908],
      [2, 0.7624675869941711],
    ],
    expectUsage: { requests: 1, totalTokens: 815 },
    expectScoreKind: "probability",
    expectRequestIds: [],
    error: {
      source: "PROVIDERS.md errors table: Jina answers FastAPI-style { detail }",
      status: 422,
      body: { detail: [{ loc: ["body", "documents"], msg: "field required", type: "value_error.missing" }] },
      errorClass: RerankBadRequestError,
      message: "body.documents: field required",
    },
  },
  {
    provider: "voyage",
    source: "https://docs.voyageai.com/reference/reranker-api (response example)",
    prefix: "/v1",
    request: { query: "Sample query", documents: ["Sample document 1", "Sample document 2"] },
    expectPath: "/v1/rerank",
    expectHeaders: bearer,
    expectBody: { model: "rerank-2.5", query: "Sample query", documents: ["Sample document 1", "Sample document 2"] },
    reply: {
      body: {
        object: "list",
        data: [
          { relevance_score: 0.4375, index: 0 },
          { relevance_score: 0.421875, index: 1 },
        ],
        model: "rerank-lite-1",
        usage: { total_tokens: 26 },
      },
    },
    expectRanking: [
      [0, 0.4375],
      [1, 0.421875],
    ],
    // 26 reported tokens at rerank-2.5's published $0.05 per million (pricing.ts).
    expectUsage: { requests: 1, totalTokens: 26, cost: { amount: 0.0000013, currency: "USD" } },
    expectScoreKind: "probability",
    expectRequestIds: [],
    error: {
      source: "https://docs.voyageai.com/docs/error-codes ({ detail } body)",
      status: 401,
      body: { detail: "Provided API key is invalid." },
      errorClass: RerankAuthenticationError,
      message: "Provided API key is invalid.",
    },
  },
  {
    provider: "vllm",
    source: "https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#re-rank-api (example response)",
    prefix: "/v1",
    model: "BAAI/bge-reranker-base",
    request: {
      query: "What is the capital of France?",
      documents: ["The capital of Brazil is Brasilia.", "The capital of France is Paris."],
    },
    expectPath: "/v1/rerank",
    expectHeaders: bearer,
    expectBody: {
      model: "BAAI/bge-reranker-base",
      query: "What is the capital of France?",
      documents: ["The capital of Brazil is Brasilia.", "The capital of France is Paris."],
    },
    reply: {
      body: {
        id: "rerank-fae51b2b664d4ed38f5969b612edff77",
        model: "BAAI/bge-reranker-base",
        usage: { total_tokens: 56 },
        results: [
          { index: 1, document: { text: "The capital of France is Paris." }, relevance_score: 0.99853515625 },
          { index: 0, document: { text: "The capital of Brazil is Brasilia." }, relevance_score: 0.0005860328674316406 },
        ],
      },
    },
    expectRanking: [
      [1, 0.99853515625],
      [0, 0.0005860328674316406],
    ],
    expectUsage: { requests: 1, totalTokens: 56 },
    expectScoreKind: "probability",
    expectRequestIds: ["rerank-fae51b2b664d4ed38f5969b612edff77"],
    error: {
      source: "vLLM ErrorResponse (vllm/entrypoints/openai/protocol.py): { error: { message, type, param, code } }",
      status: 404,
      body: { error: { message: "The model `bge` does not exist.", type: "NotFoundError", param: "model", code: 404 } },
      errorClass: RerankBadRequestError,
      message: "The model `bge` does not exist.",
    },
  },
  {
    provider: "tei",
    source:
      "request: huggingface/text-embeddings-inference README.md (curl /rerank), verbatim; response: TEI's reply to that request as printed in opea-project/GenAIExamples ChatQnA/docker_compose/intel/hpu/gaudi/how_to_validate_service.md (TEI's own docs give only the schema); x-compute-tokens value illustrative",
    prefix: "",
    request: { query: "What is Deep Learning?", documents: ["Deep Learning is not...", "Deep learning is..."], topN: 1 },
    expectPath: "/rerank",
    expectHeaders: bearer,
    expectBody: { query: "What is Deep Learning?", texts: ["Deep Learning is not...", "Deep learning is..."] },
    reply: {
      headers: { "x-compute-tokens": "18" },
      body: [
        { index: 1, score: 0.9988041 },
        { index: 0, score: 0.022948774 },
      ],
    },
    expectRanking: [[1, 0.9988041]],
    expectUsage: { requests: 1, totalTokens: 18 },
    expectScoreKind: "probability",
    expectRequestIds: [],
    error: {
      source: "huggingface/text-embeddings-inference docs/openapi.json, /rerank 424 example",
      status: 424,
      body: { error: "Inference failed", error_type: "backend" },
      errorClass: RerankBadRequestError,
      message: "Inference failed",
    },
  },
  {
    provider: "infinity",
    source:
      "request: michaelfeil/infinity docs/assets/openapi.json /rerank description, verbatim; response: derived from ReRankResult and to_rerank_response in libs/infinity_emb/infinity_emb/fastapi_schemas/pymodels.py (no documented example; return_documents false, so document is null)",
    prefix: "/v1",
    model: "mixedbread-ai/mxbai-rerank-xsmall-v1",
    request: { query: "Where is Munich?", documents: ["Munich is in Germany.", "The sky is blue."] },
    expectPath: "/v1/rerank",
    expectHeaders: bearer,
    expectBody: {
      model: "mixedbread-ai/mxbai-rerank-xsmall-v1",
      query: "Where is Munich?",
      documents: ["Munich is in Germany.", "The sky is blue."],
    },
    reply: {
      body: {
        object: "rerank",
        results: [
          { relevance_score: 0.8, index: 0, document: null },
          { relevance_score: 0.01, index: 1, document: null },
        ],
        model: "mixedbread-ai/mxbai-rerank-xsmall-v1",
        usage: { prompt_tokens: 20, total_tokens: 20 },
        id: "infinity-d2d4d2d6-4f8b-4b5b-9b8a-7e6f6d2c1a01",
        created: 1730000000,
      },
    },
    expectRanking: [
      [0, 0.8],
      [1, 0.01],
    ],
    expectUsage: { requests: 1, totalTokens: 20 },
    expectScoreKind: "probability",
    expectRequestIds: ["infinity-d2d4d2d6-4f8b-4b5b-9b8a-7e6f6d2c1a01"],
    error: {
      source:
        "derived from libs/infinity_emb/infinity_emb/fastapi_schemas/errors.py OpenAIException.json() and the /rerank handler's ModelNotDeployedError message (infinity_server.py, inference/batch_handler.py)",
      status: 400,
      body: {
        error: {
          message:
            "ModelNotDeployedError: model=`BAAI/bge-small-en-v1.5` does not support `rerank`. Reason: the loaded moded cannot fullyfill `rerank`. Options are {'embed'}.",
          type: null,
          param: null,
          code: 400,
        },
      },
      errorClass: RerankBadRequestError,
      message: "does not support `rerank`",
    },
  },
  {
    provider: "xinference",
    source:
      "xorbitsai/inference doc/source/models/model_abilities/rerank.rst (Quickstart: cURL request and JSON output), verbatim; the model UID (<MODEL_UID> there) is bge-reranker-base",
    prefix: "/v1",
    model: "bge-reranker-base",
    request: {
      query: "A man is eating pasta.",
      documents: [
        "A man is eating food.",
        "A man is eating a piece of bread.",
        "The girl is carrying a baby.",
        "A man is riding a horse.",
        "A woman is playing violin.",
      ],
    },
    expectPath: "/v1/rerank",
    expectHeaders: bearer,
    expectBody: {
      model: "bge-reranker-base",
      query: "A man is eating pasta.",
      documents: [
        "A man is eating food.",
        "A man is eating a piece of bread.",
        "The girl is carrying a baby.",
        "A man is riding a horse.",
        "A woman is playing violin.",
      ],
    },
    reply: {
      body: {
        id: "480dca92-8910-11ee-b76a-c2c8e4cad3f5",
        results: [
          { index: 0, relevance_score: 0.9999247789382935, document: "A man is eating food." },
          { index: 1, relevance_score: 0.2564932405948639, document: "A man is eating a piece of bread." },
          { index: 3, relevance_score: 0.00003955026841140352, document: "A man is riding a horse." },
          { index: 2, relevance_score: 0.00003742107219295576, document: "The girl is carrying a baby." },
          { index: 4, relevance_score: 0.00003739788007806055, document: "A woman is playing violin." },
        ],
      },
    },
    expectRanking: [
      [0, 0.9999247789382935],
      [1, 0.2564932405948639],
      [3, 0.00003955026841140352],
      [2, 0.00003742107219295576],
      [4, 0.00003739788007806055],
    ],
    expectUsage: { requests: 1 },
    expectScoreKind: "probability",
    expectRequestIds: ["480dca92-8910-11ee-b76a-c2c8e4cad3f5"],
    error: {
      source:
        "derived from xinference/api/utils.py require_model (ValueError -> HTTPException(400, detail=str(ve))) and the message raised in xinference/core/supervisor.py",
      status: 400,
      body: { detail: "Model not found in the model list, uid: bge" },
      errorClass: RerankBadRequestError,
      message: "Model not found in the model list, uid: bge",
    },
  },
  {
    provider: "llamacpp",
    source: "ggml-org/llama.cpp tools/server README (POST /reranking request) and format_response_rerank in the server utils (response)",
    prefix: "/v1",
    request: { query: "What is panda?", documents: pandaDocs, topN: 2 },
    expectPath: "/v1/rerank",
    expectHeaders: bearer,
    expectBody: { model: "default", query: "What is panda?", documents: pandaDocs, top_n: 2 },
    reply: {
      body: {
        model: "bge-reranker-v2-m3",
        object: "list",
        usage: { prompt_tokens: 57, total_tokens: 57 },
        // Old builds answer in input order with unbounded scores: the client sorts.
        results: [
          { index: 0, relevance_score: -10.937 },
          { index: 1, relevance_score: -3.2211 },
          { index: 2, relevance_score: 5.4893 },
        ],
      },
    },
    expectRanking: [
      [2, 5.4893],
      [1, -3.2211],
    ],
    expectUsage: { requests: 1, totalTokens: 57 },
    expectScoreKind: "logit",
    expectRequestIds: [],
    error: {
      source: "llama.cpp server: ERROR_TYPE_NOT_SUPPORTED → 501 { error: { code, message, type } }",
      status: 501,
      body: {
        error: { code: 501, message: "This server does not support reranking. Start it with `--reranking`", type: "not_supported_error" },
      },
      errorClass: RerankServerError,
      message: "This server does not support reranking",
    },
  },
  {
    provider: "localai",
    source:
      "request: mudler/LocalAI docs/content/features/reranker.md (curl /v1/rerank), verbatim; response: derived from core/schema/jina.go JINARerankResponse (the page shows the reply only as a screenshot), values illustrative",
    prefix: "/v1",
    model: "jina-reranker-v1-base-en",
    request: { query: "Organic skincare products for sensitive skin", documents: localaiDocs, topN: 3 },
    expectPath: "/v1/rerank",
    expectHeaders: bearer,
    expectBody: {
      model: "jina-reranker-v1-base-en",
      query: "Organic skincare products for sensitive skin",
      documents: localaiDocs,
      top_n: 3,
    },
    reply: {
      body: {
        model: "jina-reranker-v1-base-en",
        usage: { total_tokens: 172, prompt_tokens: 172 },
        results: [
          { index: 3, document: { text: localaiDocs[3] }, relevance_score: 0.8936 },
          { index: 6, document: { text: localaiDocs[6] }, relevance_score: 0.6412 },
          { index: 2, document: { text: localaiDocs[2] }, relevance_score: 0.3517 },
        ],
      },
    },
    expectRanking: [
      [3, 0.8936],
      [6, 0.6412],
      [2, 0.3517],
    ],
    expectUsage: { requests: 1, totalTokens: 172 },
    expectScoreKind: "probability",
    expectRequestIds: [],
    error: {
      source: "mudler/LocalAI docs/content/reference/api-errors.md, Authentication Errors (401) example, verbatim",
      status: 401,
      body: { error: { code: 401, message: "An authentication key is required", type: "invalid_request_error" } },
      errorClass: RerankAuthenticationError,
      message: "An authentication key is required",
    },
  },
  {
    provider: "nvidia-nim",
    source:
      "https://docs.nvidia.com/nim/nemo-retriever/text-reranking/latest/using-reranking.html (Ranking: cURL request and response, the version with a usage block and nvidia/llama-nemotron-rerank-vl-1b-v2), verbatim",
    prefix: "/v1",
    model: "nvidia/llama-nemotron-rerank-vl-1b-v2",
    request: { query: "which way should i go?", documents: nimPassages, topN: 2 },
    extraBody: { truncate: "END" },
    expectPath: "/v1/ranking",
    expectHeaders: bearer,
    expectBody: {
      model: "nvidia/llama-nemotron-rerank-vl-1b-v2",
      query: { text: "which way should i go?" },
      passages: nimPassages.map((text) => ({ text })),
      truncate: "END",
    },
    reply: {
      body: {
        rankings: [
          { index: 0, logit: -1.2421875 },
          { index: 3, logit: -3.029296875 },
          { index: 2, logit: -5.41015625 },
          { index: 1, logit: -8.2421875 },
        ],
        usage: { prompt_tokens: 123, total_tokens: 123 },
      },
    },
    expectRanking: [
      [0, -1.2421875],
      [3, -3.029296875],
    ],
    expectUsage: { requests: 1, totalTokens: 123 },
    expectScoreKind: "logit",
    expectRequestIds: [],
    error: {
      source: "not documented: NIM's docs show no error body; a FastAPI-style { detail } is assumed",
      status: 400,
      body: { detail: "Input length 8192 exceeds maximum allowed token size 512" },
      errorClass: RerankBadRequestError,
      message: "exceeds maximum allowed token size",
    },
  },
  {
    provider: "mixedbread",
    source:
      "Mixedbread reranking example (request and response) from api-evangelist/mixedbread-ai examples/mixedbread-reranking-example.json, after https://www.mixedbread.com/api-reference/endpoints/reranking",
    prefix: "/v1",
    request: { query: "Which European city is known as the cradle of techno music?", documents: mixedbreadDocs, topN: 3 },
    expectPath: "/v1/reranking",
    expectHeaders: bearer,
    expectBody: {
      model: "mixedbread-ai/mxbai-rerank-large-v2",
      query: "Which European city is known as the cradle of techno music?",
      input: mixedbreadDocs,
      top_k: 3,
    },
    reply: {
      body: {
        object: "list",
        model: "mixedbread-ai/mxbai-rerank-large-v2",
        top_k: 3,
        return_input: true,
        data: [
          { index: 0, score: 0.91, input: "Berlin's techno scene emerged in the early 1990s after reunification." },
          { index: 2, score: 0.87, input: "Detroit, in the United States, is widely cited as the birthplace of techno." },
          { index: 3, score: 0.21, input: "Vienna's musical heritage centers on classical composers such as Mozart and Beethoven." },
        ],
        usage: { prompt_tokens: 120, total_tokens: 120 },
      },
    },
    expectRanking: [
      [0, 0.91],
      [2, 0.87],
      [3, 0.21],
    ],
    expectUsage: { requests: 1, totalTokens: 120 },
    expectScoreKind: "probability",
    expectRequestIds: [],
    error: {
      source: "FastAPI-style { detail } (Mixedbread validation errors)",
      status: 422,
      body: { detail: [{ loc: ["body", "input"], msg: "List should have at most 1000 items after validation", type: "too_long" }] },
      errorClass: RerankBadRequestError,
      message: "body.input: List should have at most 1000 items",
    },
  },
  {
    provider: "pinecone",
    source: "https://docs.pinecone.io/reference/api/2025-10/inference/rerank (response example)",
    prefix: "",
    request: { query: "The tech company Apple is known for its innovative products like the iPhone.", documents: pineconeDocs, topN: 3 },
    expectPath: "/rerank",
    expectHeaders: { "api-key": KEY, "x-pinecone-api-version": "2025-10" },
    expectBody: {
      model: "bge-reranker-v2-m3",
      query: "The tech company Apple is known for its innovative products like the iPhone.",
      documents: pineconeDocs.map((text) => ({ text })),
      top_n: 3,
      return_documents: false,
    },
    reply: {
      body: {
        data: [
          {
            index: 2,
            document: {
              id: "vec3",
              text: "Apple Inc. has revolutionized the tech industry with its sleek designs and user-friendly interfaces.",
            },
            score: 0.47654688,
          },
          {
            index: 0,
            document: { id: "vec1", text: "Apple is a popular fruit known for its sweetness and crisp texture." },
            score: 0.047963805,
          },
          { index: 3, document: { id: "vec4", text: "An apple a day keeps the doctor away, as the saying goes." }, score: 0.007587992 },
          { index: 1, document: { id: "vec2", text: "Many people enjoy eating apples as a healthy snack." }, score: 0.0006491712 },
        ],
        usage: { rerank_units: 1 },
      },
    },
    expectRanking: [
      [2, 0.47654688],
      [0, 0.047963805],
      [3, 0.007587992],
    ],
    expectUsage: { requests: 1, searchUnits: 1 },
    expectScoreKind: "probability",
    expectRequestIds: [],
    error: {
      source: "Pinecone error body { error: { code, message }, status }",
      status: 400,
      body: {
        error: { code: "INVALID_ARGUMENT", message: "Bad request. The request body included invalid request parameters." },
        status: 400,
      },
      errorClass: RerankBadRequestError,
      message: "The request body included invalid request parameters.",
    },
  },
  {
    provider: "together",
    source: "https://docs.together.ai/reference/rerank-1 (response example)",
    prefix: "/v1",
    request: { query: "What animals can I find near Peru?", documents: togetherDocs, topN: 2 },
    expectPath: "/v1/rerank",
    expectHeaders: bearer,
    expectBody: { model: "Salesforce/Llama-Rank-V1", query: "What animals can I find near Peru?", documents: togetherDocs, top_n: 2 },
    reply: {
      body: {
        object: "rerank",
        id: "9dfa1a09-5ebc-4a40-970f-586cb8f4ae47",
        model: "salesforce/turboranker-0.8-3778-6328",
        results: [
          {
            index: 0,
            relevance_score: 0.29980177813003117,
            document: {
              text: '{"title":"Llama","text":"The llama is a domesticated South American camelid, widely used as a meat and pack animal by Andean cultures since the pre-Columbian era."}',
            },
          },
          {
            index: 2,
            relevance_score: 0.2752447527354349,
            document: {
              text: '{"title":"Guanaco","text":"The guanaco is a camelid native to South America, closely related to the llama. Guanacos are one of two wild South American camelids; the other species is the vicuña, which lives at higher elevations."}',
            },
          },
        ],
        usage: { prompt_tokens: 2966, completion_tokens: 0, total_tokens: 2966 },
      },
    },
    expectRanking: [
      [0, 0.29980177813003117],
      [2, 0.2752447527354349],
    ],
    expectUsage: { requests: 1, totalTokens: 2966 },
    expectScoreKind: "probability",
    expectRequestIds: ["9dfa1a09-5ebc-4a40-970f-586cb8f4ae47"],
    error: {
      source: "Together ErrorData { error: { message, type, param, code } }",
      status: 401,
      body: { error: { message: "Invalid API key provided.", type: "invalid_request_error", param: null, code: "invalid_api_key" } },
      errorClass: RerankAuthenticationError,
      message: "Invalid API key provided.",
    },
  },
  {
    provider: "openrouter",
    source: "https://openrouter.ai/docs/api/api-reference/rerank/submit-a-rerank-request (example values)",
    prefix: "/api/v1",
    request: {
      query: "What is the capital of France?",
      documents: ["Paris is the capital of France.", "Berlin is the capital of Germany."],
      topN: 1,
    },
    expectPath: "/api/v1/rerank",
    expectHeaders: bearer,
    expectBody: {
      model: "cohere/rerank-v3.5",
      query: "What is the capital of France?",
      documents: ["Paris is the capital of France.", "Berlin is the capital of Germany."],
      top_n: 1,
    },
    reply: {
      body: {
        id: "gen-rerank-1234567890-abc",
        model: "cohere/rerank-v3.5",
        provider: "Cohere",
        results: [{ document: { text: "Paris is the capital of France." }, index: 0, relevance_score: 0.98 }],
        usage: { search_units: 1, total_tokens: 150 },
      },
    },
    expectRanking: [[0, 0.98]],
    expectUsage: { requests: 1, totalTokens: 150, searchUnits: 1 },
    expectScoreKind: "probability",
    expectRequestIds: ["gen-rerank-1234567890-abc"],
    error: {
      source: "https://openrouter.ai/docs/api-reference/errors (402: insufficient credits)",
      status: 402,
      body: { error: { code: 402, message: "Insufficient credits. Add more using https://openrouter.ai/credits" } },
      errorClass: RerankBadRequestError,
      message: "Insufficient credits",
    },
  },
];
