/**
 * Simulated binary crossover (Deb and Agrawal, 1995) with the bounded spread of Deb's NSGA-II:
 * each variable (with probability 1/2) gets two children spread around the parents' mean by a
 * factor drawn from a polynomial distribution with index `eta` (larger = closer to the
 * parents), the distribution truncated so the children stay inside the bounds.
 */
import type { Rng } from "../../../util/rng.ts";

export interface SbxOptions {
  /** Distribution index; 15 is the usual choice for ZDT problems. */
  eta?: number;
  /** Chance a pair is crossed at all. */
  probability?: number;
}

/**
 * @example
 * const [c1, c2] = sbx(rng, p1, p2, lower, upper, { eta: 15 });
 */
export function sbx(
  rng: Rng,
  p1: ArrayLike<number>,
  p2: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  { eta = 15, probability = 0.9 }: SbxOptions = {},
): [Float64Array, Float64Array] {
  const c1 = Float64Array.from(p1), c2 = Float64Array.from(p2);
  if (rng.next() >= probability) return [c1, c2];
  for (let i = 0; i < c1.length; i++) {
    if (rng.next() >= 0.5 || Math.abs(p1[i] - p2[i]) < 1e-14) continue;
    const y1 = Math.min(p1[i], p2[i]), y2 = Math.max(p1[i], p2[i]);
    const lo = lower[i], hi = upper[i];
    const u = rng.next();
    // Spread toward each bound: beta is how far that bound is, in units of half the gap.
    const spread = (beta: number) => {
      const alpha = 2 - Math.pow(beta, -(eta + 1));
      return u <= 1 / alpha
        ? Math.pow(u * alpha, 1 / (eta + 1))
        : Math.pow(1 / (2 - u * alpha), 1 / (eta + 1));
    };
    const gap = y2 - y1;
    const a = 0.5 * (y1 + y2 - spread(1 + (2 * (y1 - lo)) / gap) * gap);
    const b = 0.5 * (y1 + y2 + spread(1 + (2 * (hi - y2)) / gap) * gap);
    const ca = Math.min(Math.max(a, lo), hi), cb = Math.min(Math.max(b, lo), hi);
    if (rng.next() < 0.5) [c1[i], c2[i]] = [cb, ca];
    else [c1[i], c2[i]] = [ca, cb];
  }
  return [c1, c2];
}
