/**
 * Issue 20 item 7 through the AI SDK: `providerOptions.rerankit.extraBody` may add provider
 * fields, never replace the query, the documents, the model or the top-N (the ranking would be of
 * other texts, labelled as the caller's). Refused with a RerankInputError naming the field, before
 * any request, even with `onError: "passthrough"`.
 */
import { RerankInputError } from "@rerankit/core";
import { type RerankServer, startRerankServer } from "@rerankit/server";
import { rerank } from "ai7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRerankit } from "../src/index.js";

let server: RerankServer;
beforeAll(async () => {
  server = await startRerankServer();
});
afterAll(async () => {
  await server.close();
});

describe("providerOptions.rerankit.extraBody", () => {
  for (const onError of ["throw", "passthrough"] as const) {
    it(`refuses query, documents, model and top_n before any request (onError: ${onError})`, async () => {
      let sent = 0;
      const counting = ((input: string, init: RequestInit) => {
        sent++;
        return fetch(input, init);
      }) as typeof fetch;
      const provider = createRerankit({ provider: "rerankit", baseURL: `${server.url}/v1`, fetch: counting, onError });
      try {
        for (const [key, value] of [
          ["query", "another query"],
          ["documents", ["planted"]],
          ["model", "other"],
          ["top_n", 1],
        ] as const) {
          const call = rerank({
            model: provider.reranking(),
            query: "prevent a cold",
            documents: ["wash hands", "cold winter"],
            providerOptions: { rerankit: { extraBody: { [key]: value } } },
          });
          const error = await call.catch((e: unknown) => e);
          expect(error, key).toBeInstanceOf(RerankInputError);
          expect((error as RerankInputError).field).toBe(`extraBody.${key}`);
        }
        expect(sent).toBe(0);
        // Other fields still go out.
        await rerank({
          model: provider.reranking(),
          query: "prevent a cold",
          documents: ["wash hands", "cold winter"],
          providerOptions: { rerankit: { extraBody: { truncate: true } } },
        });
        expect(sent).toBe(1);
      } finally {
        await provider.close();
      }
    });
  }
});
