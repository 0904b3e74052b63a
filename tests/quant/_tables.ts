/**
 * Synthetic 8x8 multiplier tables for the quantisation tests, built here so the tests do not
 * depend on the circuit library: the exact product, partial-product removal (bilinear in the
 * operand bits), operand truncation, constant compensation and arbitrary random errors.
 */
import { Rng } from "../../src/util/rng.ts";

export { exactTable } from "../../src/model/product_table.ts";

function build(f: (a: number, b: number) => number): Uint16Array {
  const t = new Uint16Array(65536);
  for (let a = 0; a < 256; a++) {
    for (let b = 0; b < 256; b++) t[a * 256 + b] = Math.min(65535, Math.max(0, f(a, b)));
  }
  return t;
}

/** Keeps partial product a_i * b_j (weight 2^(i+j)) only where keep(i, j). */
export function partialProductTable(keep: (i: number, j: number) => boolean): Uint16Array {
  return build((a, b) => {
    let s = 0;
    for (let i = 0; i < 8; i++) {
      for (let j = 0; j < 8; j++) if ((a >> i) & (b >> j) & 1 && keep(i, j)) s += 2 ** (i + j);
    }
    return s;
  });
}

/** Truncated multiplier: the partial products of the k least significant columns removed. */
export function truncatedTable(k: number, compensation = 0): Uint16Array {
  const t = partialProductTable((i, j) => i + j >= k);
  return build((a, b) => t[a * 256 + b] + compensation);
}

/** Operand truncation: the low bits of each operand cleared before an exact product. */
export function operandTruncationTable(bitsA: number, bitsB: number): Uint16Array {
  const ma = 255 & ~((1 << bitsA) - 1), mb = 255 & ~((1 << bitsB) - 1);
  return build((a, b) => (a & ma) * (b & mb));
}

/** Exact product plus a random error in [-spread, spread] on every pair (full rank). */
export function randomErrorTable(seed: number, spread: number): Uint16Array {
  const rng = new Rng(seed);
  return build((a, b) => a * b + rng.int(2 * spread + 1) - spread);
}

/** Exact product with a few random partial products dropped (a random PP-removal design). */
export function randomPerforatedTable(seed: number, drop: number): Uint16Array {
  const rng = new Rng(seed);
  const dropped = new Set<number>();
  while (dropped.size < drop) dropped.add(rng.int(64));
  return partialProductTable((i, j) => !dropped.has(i * 8 + j));
}

/** A non-bilinear design: the product rounded to a multiple of 2^k (carries spread errors). */
export function roundedProductTable(k: number): Uint16Array {
  return build((a, b) => Math.round((a * b) / 2 ** k) * 2 ** k);
}
