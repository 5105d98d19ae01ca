/**
 * Calibration at run time: a profile is checked when it is given (the field named), the map is
 * piecewise-linear and flat beyond its ends, and `calibrated()` turns any reranker's scores into
 * probabilities with `rawScore` kept, `minScore` on probabilities, and `topN` cut in raw order.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  Bm25Reranker,
  type CalibrationProfile,
  calibrated,
  checkCalibrationProfile,
  checkRerankResponse,
  loadCalibration,
  RerankClient,
  RerankInputError,
  type Reranker,
  type RerankRequest,
} from "../src/index.js";
import { calibrationMap } from "../src/calibration/map.js";
import { thrown } from "./helpers/thrown.js";

function profile(over: Partial<Record<keyof CalibrationProfile, unknown>> = {}): CalibrationProfile {
  return {
    format: "rerankit-calibration/1",
    system: "bm25",
    method: "isotonic",
    points: [
      [0, 0.1],
      [1, 0.5],
      [2, 0.5],
      [3, 0.9],
    ],
    baseRate: 0.2,
    fittedOn: { split: "train", queries: 10, pairs: 100 },
    created: "2026-12-06T05:00:00.000Z",
    ...over,
  } as CalibrationProfile;
}

const inputError = (fn: () => unknown) => thrown(fn, RerankInputError);

describe("checkCalibrationProfile: a bad profile is a RerankInputError naming the field", () => {
  const cases: [string, Partial<Record<keyof CalibrationProfile, unknown>>, string][] = [
    ["unknown format", { format: "rerankit-calibration/2" }, "calibration.format"],
    ["missing format", { format: undefined }, "calibration.format"],
    ["system not a string", { system: 3 }, "calibration.system"],
    ["model not a string", { model: 3 }, "calibration.model"],
    ["unknown method", { method: "beta" }, "calibration.method"],
    ["no points", { points: [] }, "calibration.points"],
    ["a point not a pair", { points: [[0, 0.1], [1]] }, "calibration.points[1]"],
    ["raw not finite", { points: [[Number.NaN, 0.1]] }, "calibration.points[0]"],
    ["p above 1", { points: [[0, 1.2]] }, "calibration.points[0]"],
    ["p below 0", { points: [[0, -0.1]] }, "calibration.points[0]"],
    [
      "raw repeated",
      {
        points: [
          [0, 0.1],
          [0, 0.2],
        ],
      },
      "calibration.points[1]",
    ],
    [
      "raw decreasing",
      {
        points: [
          [0, 0.1],
          [1, 0.2],
          [0.5, 0.3],
        ],
      },
      "calibration.points[2]",
    ],
    [
      "p decreasing",
      {
        points: [
          [0, 0.5],
          [1, 0.4],
        ],
      },
      "calibration.points[1]",
    ],
    ["baseRate outside [0, 1]", { baseRate: 2 }, "calibration.baseRate"],
    ["fittedOn missing", { fittedOn: undefined }, "calibration.fittedOn"],
    ["fittedOn.pairs not a count", { fittedOn: { queries: 1, pairs: -1 } }, "calibration.fittedOn.pairs"],
    ["created missing", { created: undefined }, "calibration.created"],
  ];
  it.each(cases)("%s → %s", (_name, over, field) => {
    const error = inputError(() => checkCalibrationProfile(profile(over)));
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
  });

  it("accepts a good profile as it is, and a profile without provider, model or split", () => {
    const good = profile();
    expect(checkCalibrationProfile(good)).toBe(good);
    expect(() => checkCalibrationProfile(profile({ fittedOn: { queries: 0, pairs: 0 } }))).not.toThrow();
  });

  it("is checked when given: calibrated() and the client's option throw at once, before any call", () => {
    const inner: Reranker = {
      rerank: () => {
        throw new Error("never called");
      },
    };
    expect(inputError(() => calibrated(inner, profile({ format: "x" }))).field).toBe("calibration.format");
    const error = inputError(
      () =>
        new RerankClient({
          provider: "rerankit",
          calibration: profile({
            points: [
              [1, 0.1],
              [0, 0.2],
            ],
          }),
        }),
    );
    expect(error.field).toBe("calibration.points[1]");
  });
});

describe("calibrationMap: piecewise-linear between points, constant beyond the ends", () => {
  const map = calibrationMap(profile().points);
  it.each([
    [-100, 0.1],
    [0, 0.1],
    [0.5, 0.3],
    [1, 0.5],
    [1.5, 0.5],
    [2, 0.5],
    [2.25, 0.6],
    [3, 0.9],
    [1e9, 0.9],
  ])("map(%d) = %d", (raw, p) => {
    expect(map(raw)).toBeCloseTo(p, 12);
  });

  it("matches a linear scan on many points and random scores (the binary search finds the right segment)", () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const points: [number, number][] = [];
    let x = -5;
    let y = 0;
    for (let i = 0; i < 500; i++) {
      x += 0.01 + rand();
      y = Math.min(1, y + rand() * 0.004);
      points.push([x, y]);
    }
    const fast = calibrationMap(points);
    const slow = (raw: number) => {
      if (raw <= points[0]![0]) return points[0]![1];
      for (let i = 1; i < points.length; i++) {
        const [x1, y1] = points[i]!;
        const [x0, y0] = points[i - 1]!;
        if (raw <= x1) return y0 + ((raw - x0) / (x1 - x0)) * (y1 - y0);
      }
      return points[points.length - 1]![1];
    };
    for (let k = 0; k < 2000; k++) {
      const raw = -10 + rand() * (x + 20);
      expect(fast(raw)).toBeCloseTo(slow(raw), 12);
    }
  });
});

describe("calibrated(): any reranker's scores become probabilities", () => {
  const documents = [
    "the cat sat on the mat",
    "dogs and cats living together",
    "a cat, a cat, a cat on a mat",
    "stock markets fell sharply",
    "cat food prices",
    "nothing relevant here at all",
  ];
  const request: RerankRequest = { query: "cat mat", documents };
  // A profile spanning BM25's scores on these documents, with a flat stretch in the middle.
  async function setup() {
    const bm25 = new Bm25Reranker();
    const raw = await bm25.rerank(request);
    const scores = raw.results.map((r) => r.relevanceScore).sort((a, b) => a - b);
    const lo = scores[0]!;
    const hi = scores[scores.length - 1]!;
    const points: [number, number][] = [
      [lo, 0.05],
      [lo + (hi - lo) * 0.2, 0.3],
      [lo + (hi - lo) * 0.9, 0.3],
      [hi, 0.95],
    ];
    const p = profile({ points, provider: raw.provider, model: raw.model });
    return { bm25, raw, p, map: calibrationMap(points) };
  }

  it("maps each score, keeps the raw one, says scoreKind calibrated, and loses no document", async () => {
    const { bm25, raw, p, map } = await setup();
    const response = await calibrated(bm25, p).rerank(request);
    expect(response.scoreKind).toBe("calibrated");
    expect(response.results).toHaveLength(documents.length);
    const rawOf = new Map(raw.results.map((r) => [r.index, r.relevanceScore]));
    for (const r of response.results) {
      expect(r.rawScore).toBe(rawOf.get(r.index));
      expect(r.relevanceScore).toBe(map(r.rawScore!));
    }
    // Ties from the flat stretch keep the raw order: the adapters' check accepts the order.
    expect(new Set(response.results.map((r) => r.relevanceScore)).size).toBeLessThan(documents.length);
    expect(() => checkRerankResponse(response, { documents: documents.length })).not.toThrow();
    expect(response.results.map((r) => r.index)).toEqual(raw.results.map((r) => r.index));
  });

  it("compares minScore with probabilities, not raw scores, and asks the inner reranker without it", async () => {
    const { bm25, p } = await setup();
    const seen: RerankRequest[] = [];
    const spy: Reranker = {
      rerank: (r) => {
        seen.push(r);
        return bm25.rerank(r);
      },
    };
    const full = await calibrated(bm25, p).rerank(request);
    const cut = await calibrated(spy, p).rerank({ ...request, minScore: 0.3 });
    expect(seen[0]!.minScore).toBeUndefined();
    expect(cut.results).toEqual(full.results.filter((r) => r.relevanceScore >= 0.3));
    expect(cut.results.length).toBeGreaterThan(0);
    expect(cut.results.length).toBeLessThan(full.results.length);
    expect(() => checkRerankResponse(cut, { documents: documents.length, minScore: 0.3 })).not.toThrow();
  });

  it("cuts topN in raw order within ties, the same as the first N of the full calibrated ranking", async () => {
    const { bm25, p } = await setup();
    const full = await calibrated(bm25, p).rerank(request);
    for (let n = 1; n <= documents.length; n++) {
      const top = await calibrated(bm25, p).rerank({ ...request, topN: n });
      expect(top.results).toEqual(full.results.slice(0, n));
    }
  });

  it("warns once through the hooks when the profile was fitted for another model, and still answers", async () => {
    const { bm25, p } = await setup();
    const own: string[] = [];
    const perCall: string[] = [];
    const reranker = calibrated(bm25, { ...p, model: "other-model" }, { hooks: { onWarning: ({ message }) => own.push(message) } });
    await reranker.rerank({ ...request, hooks: { onWarning: ({ message }) => perCall.push(message) } });
    await reranker.rerank(request);
    expect(own).toHaveLength(1);
    expect(own[0]).toContain("other-model");
    expect(perCall).toEqual(own);
    // The model it was fitted for: no warning.
    const quiet: string[] = [];
    await calibrated(bm25, p, { hooks: { onWarning: ({ message }) => quiet.push(message) } }).rerank(request);
    expect(quiet).toEqual([]);
  });

  it("keeps what the inner reranker says of itself (model, listDependent): the server and caches read them", () => {
    const p = profile();
    const rerank = async () => {
      throw new Error("never");
    };
    const cases: [Reranker & Record<string, unknown>, Record<string, unknown>][] = [
      [
        { rerank, model: "judge", listDependent: false },
        { model: "judge", listDependent: false },
      ],
      [
        { rerank, model: "ranker", listDependent: true },
        { model: "ranker", listDependent: true },
      ],
      [new Bm25Reranker() as unknown as Reranker & Record<string, unknown>, { model: "rerankit-bm25", listDependent: true }],
      [{ rerank }, {}],
      [{ rerank, model: 7, listDependent: "yes" }, {}],
    ];
    for (const [inner, facts] of cases) {
      const wrapped = calibrated(inner, p) as unknown as Record<string, unknown>;
      expect({ model: wrapped.model, listDependent: wrapped.listDependent }).toEqual({
        model: undefined,
        listDependent: undefined,
        ...facts,
      });
    }
  });

  it("rejects a minScore that is not a number before calling the inner reranker", async () => {
    const { p } = await setup();
    let calls = 0;
    const inner: Reranker = {
      rerank: async () => {
        calls++;
        throw new Error("never");
      },
    };
    await expect(calibrated(inner, p).rerank({ ...request, minScore: Number.NaN })).rejects.toMatchObject({ field: "minScore" });
    expect(calls).toBe(0);
  });
});

describe("loadCalibration: reads a profile file, and names the file of a bad one", () => {
  it("reads a profile written as JSON", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rerankit-calibration-"));
    const file = join(dir, "bm25.calibration.json");
    await writeFile(file, JSON.stringify(profile(), null, 2));
    expect(await loadCalibration(file)).toEqual(profile());
  });

  it("names the file and the place of bad JSON, the file of a bad field, and a missing file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rerankit-calibration-"));
    const broken = join(dir, "broken.calibration.json");
    await writeFile(broken, '{\n  "format": "rerankit-calibration/1",\n  "points": [1, 2,]\n}\n');
    const syntax = await loadCalibration(broken).catch((e: unknown) => e);
    expect(syntax).toBeInstanceOf(RerankInputError);
    expect((syntax as Error).message).toContain(broken);
    // Where: the runtime's parser message (Node 20 quotes the text around the error, Node 22 names the line).
    expect((syntax as Error).message).toMatch(/\[1, 2,\]|line 3/);
    const bad = join(dir, "bad.calibration.json");
    await writeFile(bad, JSON.stringify(profile({ method: "beta" })));
    const field = await loadCalibration(bad).catch((e: unknown) => e);
    expect(field).toMatchObject({ field: "profile.method" });
    expect((field as Error).message).toContain(bad);
    await expect(loadCalibration(join(dir, "missing.json"))).rejects.toMatchObject({ field: "path" });
  });
});
