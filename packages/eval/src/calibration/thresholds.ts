/**
 * `--target precision=0.8 | recall=0.9`: the score threshold that reaches a target on the fitting
 * split, and what it actually gives on the evaluated split. Pure.
 */

/** A target: keep hits scoring at least the threshold so that precision (or recall) reaches `value`. */
export interface Target {
  metric: "precision" | "recall";
  value: number;
}

/** Parses `precision=0.8` or `recall=0.9` (a value in (0, 1]). */
export function parseTarget(text: string): Target {
  const match = /^\s*(precision|recall)\s*=\s*([0-9.]+)\s*$/.exec(text);
  const value = match ? Number(match[2]) : Number.NaN;
  if (!match || !(value > 0 && value <= 1)) {
    throw new RangeError(`--target must be precision=X or recall=X with X in (0, 1], got "${text}"`);
  }
  return { metric: match[1] as Target["metric"], value };
}

/** Precision and recall of keeping the hits scoring at least a threshold. */
export interface Selection {
  threshold: number;
  /** Hits kept. */
  selected: number;
  /** Share of kept hits that are relevant (null when none is kept). */
  precision: number | null;
  /** Share of relevant hits that are kept (null when none is relevant). */
  recall: number | null;
}

/** Precision and recall of `score ≥ threshold` over the pairs. */
export function selectAt(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): Selection {
  let selected = 0;
  let kept = 0;
  let relevant = 0;
  for (let i = 0; i < scores.length; i++) {
    const y = labels[i]! > 0 ? 1 : 0;
    relevant += y;
    if (scores[i]! >= threshold) {
      selected++;
      kept += y;
    }
  }
  return { threshold, selected, precision: selected === 0 ? null : kept / selected, recall: relevant === 0 ? null : kept / relevant };
}

/**
 * The threshold reaching `target` on the pairs: for precision, the lowest threshold whose kept
 * hits reach it (the most recall at that precision); for recall, the highest threshold that
 * reaches it (the most precision at that recall). Thresholds are the pairs' own scores (all hits
 * with an equal score are kept or dropped together). Undefined when no threshold reaches it.
 */
export function thresholdFor(scores: ArrayLike<number>, labels: ArrayLike<number>, target: Target): number | undefined {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let relevant = 0;
  for (let i = 0; i < labels.length; i++) relevant += labels[i]! > 0 ? 1 : 0;
  if (relevant === 0) return undefined;
  let found: number | undefined;
  let selected = 0;
  let kept = 0;
  let k = 0;
  while (k < order.length) {
    const threshold = scores[order[k]!]!;
    while (k < order.length && scores[order[k]!] === threshold) {
      selected++;
      kept += labels[order[k]!]! > 0 ? 1 : 0;
      k++;
    }
    if (target.metric === "recall") {
      if (kept / relevant >= target.value) return threshold;
    } else if (kept / selected >= target.value) found = threshold;
  }
  return found;
}
