/**
 * Exhaustive error metrics as approximate-circuit libraries define them. With
 * e = approx(a, b) - a * b over all operand pairs:
 * - MAE = mean |e|, WCE = max |e|, MSE = mean e^2,
 * - EP = share of pairs with e != 0,
 * - MRE = mean |e| / (a * b) over the pairs with a * b != 0,
 * - MAE% = MAE / 2^16 * 100 and WCE% = WCE / 2^16 * 100 (per cent of the output range),
 *   EP% = EP * 100, MRE% = MRE * 100.
 */

export interface ErrorMetrics {
  mae: number;
  maePct: number;
  wce: number;
  wcePct: number;
  mse: number;
  /** Share of pairs in error, 0..1. */
  ep: number;
  epPct: number;
  /** Mean relative error, as a fraction. */
  mre: number;
  mrePct: number;
}

/** The names of the metrics, in the order libraries print them. */
export const METRIC_NAMES = [
  "mae",
  "maePct",
  "wce",
  "wcePct",
  "mse",
  "ep",
  "epPct",
  "mre",
  "mrePct",
] as const satisfies readonly (keyof ErrorMetrics)[];

/**
 * Metrics of any list of approximate results against the exact ones; `range` is the size of
 * the output range the per-cent figures refer to (2^16 for 8x8 multipliers).
 */
export function errorMetricsOf(
  approx: ArrayLike<number>,
  exact: ArrayLike<number>,
  range: number,
): ErrorMetrics {
  if (approx.length !== exact.length || approx.length === 0) {
    throw new Error(`errorMetricsOf: ${approx.length} results for ${exact.length} exact values`);
  }
  let sumAbs = 0, sumSq = 0, worst = 0, wrong = 0, sumRel = 0, nonzero = 0;
  for (let i = 0; i < approx.length; i++) {
    const e = approx[i] - exact[i];
    const abs = Math.abs(e);
    sumAbs += abs;
    sumSq += e * e;
    if (abs > worst) worst = abs;
    if (e !== 0) wrong++;
    if (exact[i] !== 0) {
      sumRel += abs / Math.abs(exact[i]);
      nonzero++;
    }
  }
  const n = approx.length;
  const mae = sumAbs / n, ep = wrong / n, mre = nonzero ? sumRel / nonzero : 0;
  return {
    mae,
    maePct: (mae / range) * 100,
    wce: worst,
    wcePct: (worst / range) * 100,
    mse: sumSq / n,
    ep,
    epPct: ep * 100,
    mre,
    mrePct: mre * 100,
  };
}

let exactProducts: Uint16Array | undefined;

/** a * b for every pair, index a * 256 + b: the reference the metrics compare against. */
export function exactProductTable(): Uint16Array {
  if (!exactProducts) {
    exactProducts = new Uint16Array(65536);
    for (let a = 0; a < 256; a++) for (let b = 0; b < 256; b++) exactProducts[a * 256 + b] = a * b;
  }
  return exactProducts;
}

/** Metrics of a 256x256 product table (index a * 256 + b) over all 65,536 pairs. */
export function errorMetrics(table: Uint16Array): ErrorMetrics {
  if (table.length !== 65536) {
    throw new Error(`errorMetrics: expected a table of 65,536 products, found ${table.length}`);
  }
  return errorMetricsOf(table, exactProductTable(), 65536);
}
