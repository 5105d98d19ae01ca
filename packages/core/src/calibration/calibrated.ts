/**
 * `calibrated(reranker, profile)`: scores that mean "the probability that this hit is relevant",
 * the same on every provider, from a profile fitted by `rerankit eval --calibration-out`. The
 * client's `calibration` option runs the same step ({@link calibrationStep}).
 */
import { RerankInputError } from "../errors.js";
import { tellWarning } from "../hooks.js";
import type { Reranker, RerankHooks, RerankRequest, RerankResponse, RerankResult } from "../types.js";
import { calibrationMap } from "./map.js";
import { type CalibrationProfile, checkCalibrationProfile } from "./profile.js";
import { passSelfDescription } from "../ranking/self-description.js";

/** Options of {@link calibrated}. */
export interface CalibratedOptions {
  /**
   * `onWarning` hears that the profile was fitted for another provider or model than the one that
   * answered (once per provider and model); a request's own `hooks.onWarning` hears it too.
   * @default none
   */
  hooks?: Pick<RerankHooks, "onWarning">;
}

/** What {@link calibrationStep} returns: one call through the map. */
export interface CalibrationStep {
  run(request: RerankRequest, inner: (request: RerankRequest) => Promise<RerankResponse>): Promise<RerankResponse>;
}

/**
 * Results sorted by calibrated score descending; ties (flat stretches of the map) by raw score
 * descending, then index ascending. That is the inner reranker's own order, so the inner `topN`
 * cut is the calibrated one's too (the map never decreases).
 */
function compareCalibrated(a: RerankResult, b: RerankResult): number {
  return b.relevanceScore - a.relevanceScore || (b.rawScore ?? 0) - (a.rawScore ?? 0) || a.index - b.index;
}

/**
 * The calibration step, shared by {@link calibrated} and `RerankClient`: checks the profile now
 * (a bad one is a RerankInputError naming the field), then per call asks `inner` without
 * `minScore` (it compares probabilities, known only after the map), maps every score, and cuts.
 */
export function calibrationStep(profile: unknown, options: CalibratedOptions & { field?: string } = {}): CalibrationStep {
  const checked = checkCalibrationProfile(profile, options.field);
  const map = calibrationMap(checked.points);
  const warned = new Set<string>();

  function warnMismatch(request: RerankRequest, response: RerankResponse): void {
    const wrongProvider = checked.provider !== undefined && response.provider !== checked.provider;
    const wrongModel = checked.model !== undefined && response.model !== checked.model;
    if (!wrongProvider && !wrongModel) return;
    const key = `${response.provider}\u0000${response.model}`;
    if (warned.has(key)) return;
    warned.add(key);
    const fitted = [checked.provider, checked.model].filter(Boolean).join(" ");
    const message =
      `rerankit: the calibration profile "${checked.system}" was fitted for ${fitted}, ` +
      `but ${response.provider} ${response.model} answered; its probabilities may not hold for this model`;
    tellWarning({ message }, options.hooks?.onWarning, request.hooks?.onWarning);
  }

  return {
    async run(request, inner) {
      const { minScore, ...rest } = request;
      if (minScore !== undefined && (typeof minScore !== "number" || Number.isNaN(minScore))) {
        throw new RerankInputError(`minScore must be a number (got ${String(minScore)})`, { field: "minScore" });
      }
      const response = await inner(rest);
      if (response.results.length > 0) warnMismatch(request, response);
      let results = response.results.map(
        (r): RerankResult => ({ ...r, relevanceScore: map(r.relevanceScore), rawScore: r.relevanceScore }),
      );
      results.sort(compareCalibrated);
      if (minScore !== undefined) results = results.filter((r) => r.relevanceScore >= minScore);
      return { ...response, results, scoreKind: "calibrated" };
    },
  };
}

/**
 * Wraps any {@link Reranker} (a `RerankClient`, a `Bm25Reranker`, the local cross-encoder, your
 * own) so that each result's `relevanceScore` is the calibrated probability that the hit is
 * relevant and its `rawScore` the reranker's own score; the response's `scoreKind` is
 * `"calibrated"` and `minScore` compares probabilities. `topN` goes to the inner reranker (the
 * map never decreases, so its top N are the calibrated top N).
 *
 * The profile is checked here: an unknown `format`, points not strictly increasing in raw score,
 * or a `p` outside [0, 1] is a RerankInputError naming the field. A profile fitted for another
 * provider or model than the one that answers warns through `hooks.onWarning` (it may still be
 * what you want), once per provider and model.
 *
 * @example
 * const profile = await loadCalibration("calibration/cohere_rerank-v3.5.calibration.json");
 * const reranker = calibrated(new RerankClient({ provider: "cohere", model: "rerank-v3.5" }), profile);
 * const { results } = await reranker.rerank({ query, documents, minScore: 0.5 }); // p ≥ 0.5: more likely relevant than not
 */
export function calibrated(reranker: Reranker, profile: CalibrationProfile, options: CalibratedOptions = {}): Reranker {
  const step = calibrationStep(profile, options);
  // What the inner reranker says of itself (model, listDependent) passes through: the map changes
  // scores, not which model made them nor whether they depend on the list.
  return passSelfDescription({ rerank: (request: RerankRequest) => step.run(request, (inner) => reranker.rerank(inner)) }, reranker);
}
