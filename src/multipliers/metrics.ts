/**
 * Exhaustive error metrics as approximate-circuit libraries define them. With
 * e = approx(a, b) - a * b over all operand pairs of the circuit's operand ranges (0..255 and
 * 0..2^N - 1 unsigned; -128..127 and -2^(N-1)..2^(N-1) - 1 two's complement):
 * - MAE = mean |e|, WCE = max |e|, MSE = mean e^2,
 * - EP = share of pairs with e != 0,
 * - MRE = mean |e| / |a * b| over the pairs with a * b != 0,
 * - MAE% = MAE / 2^(8+N) * 100 and WCE% = WCE / 2^(8+N) * 100 (per cent of the output range,
 *   2^16 for 8x8), EP% = EP * 100, MRE% = MRE * 100.
 */
import {
  checkTableSize,
  type Operands,
  operandValue,
  productValues,
  tableSize,
  UNSIGNED_8X8,
} from "./products.ts";

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

const exactTables = new Map<string, Uint16Array>();

/**
 * The table of the exact multiplier of these operands (default 8x8 unsigned: a * b at index
 * a * 256 + b): the reference the metrics compare against.
 */
export function exactProductTable(operands: Operands = UNSIGNED_8X8): Uint16Array {
  const key = `${operands.weightBits} ${operands.signed}`;
  let table = exactTables.get(key);
  if (!table) {
    const n = operands.weightBits;
    table = new Uint16Array(tableSize(n));
    for (let a = 0; a < 256; a++) {
      for (let b = 0; b < 1 << n; b++) {
        const product = operandValue(a, 8, operands.signed) * operandValue(b, n, operands.signed);
        table[(a << n) | b] = product & 0xffff;
      }
    }
    exactTables.set(key, table);
  }
  return table;
}

/**
 * Metrics of a product table over all its operand pairs, read as `operands` say (default 8x8
 * unsigned, 65,536 pairs).
 */
export function errorMetrics(table: Uint16Array, operands: Operands = UNSIGNED_8X8): ErrorMetrics {
  checkTableSize(table, operands, "errorMetrics");
  return errorMetricsOf(
    productValues(table, operands),
    productValues(exactProductTable(operands), operands),
    2 ** (8 + operands.weightBits),
  );
}
