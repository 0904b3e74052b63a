/**
 * The carry-save array multiplier and its reduction, shared by every family that keeps the
 * array's structure and only changes which bits enter it or how low columns add.
 *
 * Partial product pp(i, j) = A[j] & B[i] has weight i + j; row i holds B[i]'s eight
 * products. The array adds the rows one after the other in carry-save form: at each weight
 * the running sum bit, the running carry bit and the new row's bit go into a full adder
 * (three bits), a half adder (two) or pass through (one); carries move one weight up into the
 * next row. A ripple-carry adder then merges the last sum and carry vectors. For the exact
 * 8x8 multiplier this is the textbook array: 64 AND2, 7 HA in the first adder row, 6 rows of
 * 7 FA, and a 7-bit ripple adder of 1 HA + 6 FA: 64 AND2, 48 FA, 8 HA.
 */
import type { NetlistBuilder } from "../builder.ts";
import { CONST0, OPERAND_BITS, PRODUCT_BITS, wireA, wireB } from "../netlist.ts";

/** A row of bits to add: weight -> wire. */
export type BitRow = Map<number, number>;

export interface ReduceOptions {
  /**
   * Columns below this weight use lower-part-OR cells (after Mahdiani et al.'s lower-part-OR
   * adder): their bits are ORed and no carry leaves them. Default 0 (exact everywhere).
   */
  orBelow?: number;
}

/** Which partial products an array keeps: keep(i, j) for pp(i, j) = A[j] & B[i]. */
export type KeepPartialProduct = (i: number, j: number) => boolean;

/** The partial-product rows of an n x n array, with AND gates for every kept product. */
export function partialProductRows(
  b: NetlistBuilder,
  keep: KeepPartialProduct = () => true,
  aBits: number[] = Array.from({ length: OPERAND_BITS }, (_, j) => wireA(j)),
  bBits: number[] = Array.from({ length: OPERAND_BITS }, (_, i) => wireB(i)),
): BitRow[] {
  return bBits.map((bi, i) => {
    const row: BitRow = new Map();
    aBits.forEach((aj, j) => {
      if (keep(i, j)) row.set(i + j, b.and(aj, bi));
    });
    return row;
  });
}

/**
 * Adds rows of bits into a 16-bit result (carry-save rows, then a ripple-carry merge) and
 * returns the output wires O[0..15]. Carries out of weight 15 are dropped.
 */
export function reduceRows(
  b: NetlistBuilder,
  rows: BitRow[],
  { orBelow = 0 }: ReduceOptions = {},
): number[] {
  let sum: (number | undefined)[] = [];
  let carry: (number | undefined)[] = [];
  let started = false;
  for (const row of rows) {
    if (row.size === 0) continue;
    if (!started) {
      for (const [w, bit] of row) sum[w] = bit;
      started = true;
      continue;
    }
    const nextSum: (number | undefined)[] = [];
    const nextCarry: (number | undefined)[] = [];
    for (let w = 0; w < PRODUCT_BITS; w++) {
      const bits = [sum[w], carry[w], row.get(w)].filter((x) => x !== undefined) as number[];
      const [s, c] = addColumn(b, bits, w < orBelow);
      nextSum[w] = s;
      if (c !== undefined) nextCarry[w + 1] = c;
    }
    sum = nextSum;
    carry = nextCarry;
  }
  // Vector merge: ripple-carry adder over the remaining sum and carry bits.
  const outputs: number[] = [];
  let rippleCarry: number | undefined;
  for (let w = 0; w < PRODUCT_BITS; w++) {
    const bits = [sum[w], carry[w], rippleCarry].filter((x) => x !== undefined) as number[];
    const [s, c] = addColumn(b, bits, w < orBelow);
    outputs[w] = s ?? CONST0;
    rippleCarry = c;
  }
  return outputs;
}

/** Adds up to three bits of one column: [sum, carry] (either may be absent). */
function addColumn(
  b: NetlistBuilder,
  bits: number[],
  lowerOr: boolean,
): [number | undefined, number | undefined] {
  if (bits.length === 0) return [undefined, undefined];
  if (bits.length === 1) return [bits[0], undefined];
  if (lowerOr) return [bits.reduce((x, y) => b.or(x, y)), undefined];
  if (bits.length === 2) return b.ha(bits[0], bits[1]);
  return b.fa(bits[0], bits[1], bits[2]);
}

/** Wires of an unsigned constant as a row of constant-1 bits (weights of its set bits). */
export function constantRow(value: number): BitRow {
  const row: BitRow = new Map();
  for (let w = 0; w < PRODUCT_BITS; w++) if ((value >>> w) & 1) row.set(w, 1);
  return row;
}
