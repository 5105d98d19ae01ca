/** How good a calibration is on held-out pairs: Brier score and skill, ECE, reliability. Pure. */

/** One bin of the reliability table: predictions in [from, to). The last bin includes 1. */
export interface ReliabilityBin {
  from: number;
  to: number;
  /** Pairs whose calibrated p falls in the bin. */
  count: number;
  /** Their mean calibrated p. */
  predicted: number;
  /** The share of them that is relevant. */
  observed: number;
}

/** The calibration measures of one system on the evaluated split. */
export interface CalibrationMeasures {
  /** (hit, label) pairs measured: each query's top `depth` hits. */
  pairs: number;
  /** Mean squared difference between calibrated p and the 0/1 label: lower is better. */
  brier: number;
  /** The Brier score of always predicting the fitted base rate. */
  brierBaseRate: number;
  /** 1 − brier / brierBaseRate: above 0, the calibrated scores beat the base rate. Null when brierBaseRate is 0. */
  brierSkill: number | null;
  /** Expected calibration error over 10 equal-width bins: Σ count/pairs · |predicted − observed|. */
  ece: number;
  /** The non-empty bins, lowest first. */
  reliability: ReliabilityBin[];
}

/** Equal-width bins of the reliability table and the ECE. */
export const RELIABILITY_BINS = 10;

/** Measures predictions `p` against 0/1 `labels`, with `baseRate` as the no-skill reference. */
export function calibrationMeasures(p: ArrayLike<number>, labels: ArrayLike<number>, baseRate: number): CalibrationMeasures {
  const n = p.length;
  if (n !== labels.length) throw new RangeError("predictions and labels differ in length");
  let brier = 0;
  let base = 0;
  const count = new Float64Array(RELIABILITY_BINS);
  const predicted = new Float64Array(RELIABILITY_BINS);
  const observed = new Float64Array(RELIABILITY_BINS);
  for (let i = 0; i < n; i++) {
    const y = labels[i]! > 0 ? 1 : 0;
    const q = p[i]!;
    brier += (q - y) ** 2;
    base += (baseRate - y) ** 2;
    const bin = Math.min(RELIABILITY_BINS - 1, Math.floor(q * RELIABILITY_BINS));
    count[bin]! += 1;
    predicted[bin]! += q;
    observed[bin]! += y;
  }
  const reliability: ReliabilityBin[] = [];
  let ece = 0;
  for (let b = 0; b < RELIABILITY_BINS; b++) {
    const c = count[b]!;
    if (c === 0) continue;
    const bin = {
      from: b / RELIABILITY_BINS,
      to: (b + 1) / RELIABILITY_BINS,
      count: c,
      predicted: predicted[b]! / c,
      observed: observed[b]! / c,
    };
    reliability.push(bin);
    ece += (c / n) * Math.abs(bin.predicted - bin.observed);
  }
  brier = n === 0 ? 0 : brier / n;
  base = n === 0 ? 0 : base / n;
  return { pairs: n, brier, brierBaseRate: base, brierSkill: base === 0 ? null : 1 - brier / base, ece, reliability };
}
