/** The profile's map: piecewise-linear between its points, constant beyond the ends. Pure. */

/**
 * The function a profile's `points` stand for (what `calibrated()` applies to every score), for
 * tools that apply a profile to stored scores. Returns the map of checked `points` (strictly increasing raw, p in [0, 1]). Binary search:
 * an isotonic profile can hold thousands of points and a call maps every result.
 */
export function calibrationMap(points: readonly (readonly [number, number])[]): (raw: number) => number {
  const n = points.length;
  const xs = Float64Array.from(points, (p) => p[0]);
  const ys = Float64Array.from(points, (p) => p[1]);
  return (raw) => {
    if (raw <= xs[0]!) return ys[0]!;
    if (raw >= xs[n - 1]!) return ys[n - 1]!;
    // The last point with x <= raw (exists: raw > xs[0]), and the next one (exists: raw < xs[n-1]).
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (xs[mid]! <= raw) lo = mid;
      else hi = mid;
    }
    const x0 = xs[lo]!;
    const y0 = ys[lo]!;
    const t = (raw - x0) / (xs[hi]! - x0);
    // Clamped: rounding must never take p out of [y0, y1] (the map stays monotone and in [0, 1]).
    return Math.min(ys[hi]!, Math.max(y0, y0 + t * (ys[hi]! - y0)));
  };
}
