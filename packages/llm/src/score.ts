/** Reading P(yes) from a first token's top logprobs. Pure. */

/** One entry of `choices[0].logprobs.content[0].top_logprobs`. */
export interface TopLogprob {
  token: string;
  logprob: number;
}

/** The outcome of reading one reply: a score, or why there is none. */
export type YesNoReading =
  | { score: number; yes: number | undefined; no: number | undefined }
  | { score: undefined; problem: "neither" | "empty" };

const normalise = (token: string) => token.trim().toLowerCase();

/**
 * log(Σ e^x): several tokens may read as one answer after trimming and lowercasing (`"yes"`,
 * `" Yes"`); their probabilities add up. Shifted by the maximum so nothing overflows.
 */
function logSumExp(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const max = Math.max(...values);
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return max + Math.log(sum);
}

/**
 * P(yes) = e^ly / (e^ly + e^ln), computed as the logistic of ly − ln (never NaN, never overflows).
 * Tokens are matched after trimming whitespace and lowercasing; entries whose logprob is not a
 * finite number (`null`, `-Infinity` sent as a string) are skipped. When only one answer appears,
 * the other's logprob is taken as the smallest one reported: the model gave it at most that much.
 * When neither appears there is no score (the caller raises a `RerankResponseError`).
 */
export function yesProbability(top: readonly TopLogprob[], yesToken: string, noToken: string): YesNoReading {
  const yesKey = normalise(yesToken);
  const noKey = normalise(noToken);
  const yes: number[] = [];
  const no: number[] = [];
  let smallest = Number.POSITIVE_INFINITY;
  for (const entry of top) {
    if (typeof entry.logprob !== "number" || !Number.isFinite(entry.logprob)) continue;
    smallest = Math.min(smallest, entry.logprob);
    const key = normalise(entry.token);
    if (key === yesKey) yes.push(entry.logprob);
    else if (key === noKey) no.push(entry.logprob);
  }
  if (smallest === Number.POSITIVE_INFINITY) return { score: undefined, problem: "empty" };
  const ly = logSumExp(yes);
  const ln = logSumExp(no);
  if (ly === undefined && ln === undefined) return { score: undefined, problem: "neither" };
  const score = 1 / (1 + Math.exp((ln ?? smallest) - (ly ?? smallest)));
  return { score, yes: ly, no: ln };
}
