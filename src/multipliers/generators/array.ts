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
 *
 * An 8xN array has N rows. Two's complement operands use the Baugh-Wooley form: with a7 and
 * b(N-1) the sign bits, a7 b(N-1) and the products of magnitude bits are ANDs, the products of
 * one sign bit with the other operand's magnitude bits are NANDs (-x 2^k = (1 - x) 2^k - 2^k),
 * and the constant 2^7 + 2^(N-1) + 2^(N+7) collects the -2^k terms, modulo 2^(8+N).
 */
import type { NetlistBuilder } from "../builder.ts";
import { CONST0, OPERAND_BITS, PRODUCT_BITS, wireA, wireB } from "../netlist.ts";

/** The operands an array is built for. */
export interface ArrayShape {
  /** Rows: the width N of B. */
  weightBits: number;
  /** Baugh-Wooley two's complement array. */
  signed: boolean;
}

export const UNSIGNED_8X8_ARRAY: Readonly<ArrayShape> = { weightBits: OPERAND_BITS, signed: false };

/** A row of bits to add: weight -> wire. */
export type BitRow = Map<number, number>;

export interface ReduceOptions {
  /**
   * Columns below this weight use lower-part-OR cells (after Mahdiani et al.'s lower-part-OR
   * adder): their bits are ORed and no carry leaves them. Default 0 (exact everywhere).
   */
  orBelow?: number;
  /** Columns of the result (carries out of the top one are dropped); default 16. */
  width?: number;
}

/** Which partial products an array keeps: keep(i, j) for pp(i, j) = A[j] & B[i]. */
export type KeepPartialProduct = (i: number, j: number) => boolean;

/**
 * The partial-product rows of an array, with a gate for every kept product: ANDs, and for a
 * `signed` (Baugh-Wooley) array NANDs where exactly one factor is a sign bit (the last of
 * `aBits`, the last of `bBits`).
 */
export function partialProductRows(
  b: NetlistBuilder,
  keep: KeepPartialProduct = () => true,
  aBits: number[] = Array.from({ length: OPERAND_BITS }, (_, j) => wireA(j)),
  bBits: number[] = Array.from({ length: OPERAND_BITS }, (_, i) => wireB(i)),
  signed = false,
): BitRow[] {
  const signA = aBits.length - 1, signB = bBits.length - 1;
  return bBits.map((bi, i) => {
    const row: BitRow = new Map();
    aBits.forEach((aj, j) => {
      if (!keep(i, j)) return;
      const inverted = signed && (i === signB) !== (j === signA);
      row.set(i + j, inverted ? b.add("NAND2", [aj, bi])[0] : b.and(aj, bi));
    });
    return row;
  });
}

/** The Baugh-Wooley constant of an aBits x bBits array: 2^(a-1) + 2^(b-1) + 2^(a+b-1). */
export function baughWooleyConstant(aBits: number, bBits: number): number {
  return (2 ** (aBits - 1) + 2 ** (bBits - 1) + 2 ** (aBits + bBits - 1)) % 2 ** (aBits + bBits);
}

/**
 * Adds rows of bits into a `width`-bit result (carry-save rows, then a ripple-carry merge)
 * and returns its wires, least significant first. Carries out of the top column are dropped.
 */
export function reduceRows(
  b: NetlistBuilder,
  rows: BitRow[],
  { orBelow = 0, width = PRODUCT_BITS }: ReduceOptions = {},
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
    for (let w = 0; w < width; w++) {
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
  for (let w = 0; w < width; w++) {
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
