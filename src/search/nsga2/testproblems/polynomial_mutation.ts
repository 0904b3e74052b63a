/**
 * Polynomial mutation (Deb and Goyal, 1996), bounded form: each variable, with probability
 * `probability`, moves by a perturbation drawn from a polynomial distribution with index
 * `eta` (larger = smaller steps), scaled so the result stays inside the bounds.
 */
import type { Rng } from "../../../util/rng.ts";

export interface PolynomialMutationOptions {
  /** Distribution index; 20 is the usual choice. */
  eta?: number;
  /** Per-variable probability; default 1 / number of variables. */
  probability?: number;
}

/**
 * Mutates `x` in place and returns it.
 *
 * @example
 * polynomialMutation(rng, child, lower, upper, { eta: 20 });
 */
export function polynomialMutation(
  rng: Rng,
  x: Float64Array,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  { eta = 20, probability = 1 / x.length }: PolynomialMutationOptions = {},
): Float64Array {
  const power = 1 / (eta + 1);
  for (let i = 0; i < x.length; i++) {
    if (rng.next() >= probability) continue;
    const lo = lower[i], hi = upper[i], width = hi - lo;
    if (!(width > 0)) continue;
    const toLow = (x[i] - lo) / width, toHigh = (hi - x[i]) / width;
    const u = rng.next();
    let step: number;
    if (u < 0.5) {
      const v = 2 * u + (1 - 2 * u) * Math.pow(1 - toLow, eta + 1);
      step = Math.pow(v, power) - 1;
    } else {
      const v = 2 * (1 - u) + 2 * (u - 0.5) * Math.pow(1 - toHigh, eta + 1);
      step = 1 - Math.pow(v, power);
    }
    x[i] = Math.min(Math.max(x[i] + step * width, lo), hi);
  }
  return x;
}
