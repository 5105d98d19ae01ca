/**
 * The AI SDK provider passes `calibration` to the client it builds: `rerank()`'s scores are the
 * profile's map of the provider's own scores. A bad profile fails `createRerankit`, not the first call.
 */
import { type CalibrationProfile, calibrationMap, RerankClient, RerankInputError } from "@rerankit/core";
import { type RerankServer, startRerankServer } from "@rerankit/server";
import { rerank } from "ai7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRerankit } from "../src/index.js";

const query = "how to prevent a cold";
const documents = [
  "Stock markets fell sharply.",
  "Sleep helps the immune system fight the common cold.",
  "Handwashing with soap helps prevent the common cold.",
  "Cold brew coffee steeps in cold water.",
];

let server: RerankServer;
beforeAll(async () => {
  server = await startRerankServer();
});
afterAll(async () => {
  await server?.close();
});

function profile(points: [number, number][]): CalibrationProfile {
  return {
    format: "rerankit-calibration/1",
    system: "rerankit",
    method: "isotonic",
    points,
    baseRate: 0.3,
    fittedOn: { queries: 3, pairs: 12 },
    created: "2026-12-06T05:00:00.000Z",
  };
}

describe("createRerankit({ calibration })", () => {
  it("ranks with calibrated probabilities, and says so in the provider metadata", async () => {
    const client = new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1` });
    const raw = await client.rerank({ query, documents });
    await client.close();
    const scores = raw.results.map((r) => r.relevanceScore);
    const points: [number, number][] = [
      [Math.min(...scores), 0.02],
      [Math.max(...scores), 0.9],
    ];
    const map = calibrationMap(points);
    const rerankit = createRerankit({ provider: "rerankit", baseURL: `${server.url}/v1`, calibration: profile(points) });
    try {
      const result = await rerank({ model: rerankit.reranking(), query, documents });
      expect(result.ranking.map((r) => r.originalIndex)).toEqual(raw.results.map((r) => r.index));
      expect(result.ranking.map((r) => r.score)).toEqual(raw.results.map((r) => map(r.relevanceScore)));
      expect(result.providerMetadata?.rerankit).toMatchObject({ scoreKind: "calibrated" });
    } finally {
      await rerankit.close();
    }
  });

  it("refuses a bad profile when it is given", () => {
    expect(() =>
      createRerankit({
        provider: "rerankit",
        baseURL: `${server.url}/v1`,
        calibration: profile([
          [1, 0.2],
          [0, 0.3],
        ]),
      }),
    ).toThrow(RerankInputError);
  });
});
