/**
 * Generators of multipliers, written from the published definitions of each family. Each
 * returns an optimised netlist (see optimise.ts); nothing here computes a product: tables
 * always come from simulating these netlists. The array families also build 8xN and two's
 * complement (Baugh-Wooley) circuits, given an ArrayShape; the others are 8x8 unsigned.
 */
import { NetlistBuilder } from "../builder.ts";
import { CONST0, type Netlist, OPERAND_BITS, PRODUCT_BITS, wireA, wireB } from "../netlist.ts";
import { optimise } from "../optimise.ts";
import {
  type ArrayShape,
  baughWooleyConstant,
  type BitRow,
  constantRow,
  type KeepPartialProduct,
  partialProductRows,
  reduceRows,
  UNSIGNED_8X8_ARRAY,
} from "./array.ts";
import { bitsFor, leadingOne, rippleAdd, shiftLeft, shiftRight } from "./blocks.ts";

const N = OPERAND_BITS;
const operandA = () => Array.from({ length: N }, (_, j) => wireA(j));
const operandB = (n = N) => Array.from({ length: n }, (_, i) => wireB(i));

/** Bits of an array's product: 8 + N. */
const productBits = (shape: ArrayShape) => N + shape.weightBits;

/** The netlist whose product is `product` (8 + N bits), sign- or zero-extended to O[15:0]. */
function arrayNetlist(b: NetlistBuilder, product: number[], shape: ArrayShape): Netlist {
  const top = product[productBits(shape) - 1];
  const outputs = Array.from(
    { length: PRODUCT_BITS },
    (_, k) => k < productBits(shape) ? product[k] : shape.signed ? top : CONST0,
  );
  return optimise(b.build(outputs, shape));
}

/** The Baugh-Wooley constant of a signed array (0 unsigned), with its bits below `from` cleared. */
function arrayConstant(shape: ArrayShape, from = 0): number {
  if (!shape.signed) return 0;
  const c = baughWooleyConstant(N, shape.weightBits);
  return c - (c % 2 ** from);
}

/**
 * An array multiplier that keeps only some partial products (the others are omitted with
 * their cells), plus an optional constant added into the array (modulo 2^(8+N)). A signed
 * array adds its Baugh-Wooley constant from weight `constantFrom` up.
 */
export function keptArray(
  keep: KeepPartialProduct,
  constant = 0,
  shape: ArrayShape = UNSIGNED_8X8_ARRAY,
  constantFrom = 0,
): Netlist {
  const b = new NetlistBuilder();
  const width = productBits(shape);
  const rows: BitRow[] = [
    constantRow((constant + arrayConstant(shape, constantFrom)) % 2 ** width),
    ...partialProductRows(b, keep, operandA(), operandB(shape.weightBits), shape.signed),
  ];
  return arrayNetlist(b, reduceRows(b, rows, { width }), shape);
}

/**
 * The exact carry-save array multiplier: 64 AND2, 48 FA, 8 HA for 8x8 unsigned; an 8xN or
 * Baugh-Wooley signed array for other shapes.
 */
export function exactArray(shape: ArrayShape = UNSIGNED_8X8_ARRAY): Netlist {
  return keptArray(() => true, 0, shape);
}

/**
 * Mean value of the partial products of weight below k under uniform operands (each is 1 with
 * probability 1/4): the expected loss of dropping those columns.
 */
export function droppedColumnsMean(k: number): number {
  let sum = 0;
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) if (i + j < k) sum += 2 ** (i + j);
  return sum / 4;
}

/**
 * Constant-correction value of a truncated multiplier (after Schulte and Swartzlander's
 * constant correction): the expected dropped value, rounded to a multiple of 2^k so that it
 * only enters the kept columns.
 */
export function truncationCompensation(k: number): number {
  return Math.round(droppedColumnsMean(k) / 2 ** k) * 2 ** k;
}

/**
 * Truncated multiplier: the partial products of the k least significant columns (weight < k)
 * are not generated, so their adders disappear too; with `compensate` (8x8 unsigned only),
 * the constant of `truncationCompensation(k)` is added in the kept columns. A signed array
 * also drops the bits of its constant below k.
 */
export function truncated(
  k: number,
  compensate = false,
  shape: ArrayShape = UNSIGNED_8X8_ARRAY,
): Netlist {
  if (compensate && (shape.signed || shape.weightBits !== N)) {
    throw new Error("truncated: the constant compensation is defined for 8x8 unsigned arrays");
  }
  return keptArray((i, j) => i + j >= k, compensate ? truncationCompensation(k) : 0, shape, k);
}

/**
 * Broken-array multiplier (Mahdiani et al.): the carry-save cells above the horizontal break
 * level (rows of B[0..h-1]) and right of the vertical break level (weights below v) are
 * omitted, i.e. pp(i, j) is kept iff i >= h and i + j >= v.
 */
export function brokenArray(h: number, v: number, shape: ArrayShape = UNSIGNED_8X8_ARRAY): Netlist {
  return keptArray((i, j) => i >= h && i + j >= v, 0, shape, v);
}

/**
 * Operand truncation: A's ta and B's tb low bits read as 0, and the array shrinks with them.
 * (In a signed array a zero bit still enters the NANDs of the sign row, so the bits are tied
 * to 0 rather than their products dropped.)
 */
export function operandTruncation(
  ta: number,
  tb: number,
  shape: ArrayShape = UNSIGNED_8X8_ARRAY,
): Netlist {
  if (!shape.signed) return keptArray((i, j) => j >= ta && i >= tb, 0, shape);
  const b = new NetlistBuilder();
  const a = operandA().map((w, j) => (j < ta ? CONST0 : w));
  const x = operandB(shape.weightBits).map((w, i) => (i < tb ? CONST0 : w));
  const width = productBits(shape);
  const rows = [
    constantRow(arrayConstant(shape)),
    ...partialProductRows(b, () => true, a, x, true),
  ];
  return arrayNetlist(b, reduceRows(b, rows, { width }), shape);
}

/**
 * Partial-product perforation (Zervakis et al.): the k consecutive partial-product rows of
 * B[j..j+k-1] are not generated (never the sign row of a signed array).
 */
export function perforated(j: number, k: number, shape: ArrayShape = UNSIGNED_8X8_ARRAY): Netlist {
  if (j + k > shape.weightBits || (shape.signed && j + k > shape.weightBits - 1)) {
    throw new Error(`perforated: rows ${j}..${j + k - 1} are not magnitude rows of B`);
  }
  return keptArray((i) => i < j || i >= j + k, 0, shape);
}

/**
 * Exact partial products, but every adder cell of the columns below weight k is a
 * lower-part-OR cell (Mahdiani et al.'s LOA idea applied to the array): the column's bits are
 * ORed and no carry leaves the lower part.
 */
export function orLower(k: number, shape: ArrayShape = UNSIGNED_8X8_ARRAY): Netlist {
  const b = new NetlistBuilder();
  const width = productBits(shape);
  const rows = partialProductRows(
    b,
    () => true,
    operandA(),
    operandB(shape.weightBits),
    shape.signed,
  );
  if (shape.signed) rows.unshift(constantRow(arrayConstant(shape)));
  return arrayNetlist(b, reduceRows(b, rows, { orBelow: k, width }), shape);
}

/** Kulkarni et al.'s 2x2 block: exact except 3 x 3 = 7 (3 output bits). */
function underdesignedBlock(b: NetlistBuilder, a: number[], x: number[]): number[] {
  return [b.and(a[0], x[0]), b.or(b.and(a[1], x[0]), b.and(a[0], x[1])), b.and(a[1], x[1])];
}

/**
 * Under-designed multiplier (Kulkarni, Gupta and Ercegovac): sixteen approximate 2x2 blocks
 * (3 x 3 = 7), their shifted outputs summed exactly by the carry-save array.
 */
export function underdesigned(): Netlist {
  const b = new NetlistBuilder();
  const a = operandA(), x = operandB();
  const rows: BitRow[] = [];
  for (let i2 = 0; i2 < N / 2; i2++) {
    // Blocks two apart do not overlap: even and odd A-pairs make two rows per B-pair.
    for (const parity of [0, 1]) {
      const row: BitRow = new Map();
      for (let j2 = parity; j2 < N / 2; j2 += 2) {
        const bits = underdesignedBlock(
          b,
          a.slice(2 * j2, 2 * j2 + 2),
          x.slice(2 * i2, 2 * i2 + 2),
        );
        bits.forEach((bit, t) => row.set(2 * (i2 + j2) + t, bit));
      }
      rows.push(row);
    }
  }
  return optimise(b.build(reduceRows(b, rows)));
}

/**
 * Mitchell's logarithmic multiplier: with a = 2^ka (1 + fa), b = 2^kb (1 + fb) (ka, kb from
 * leading-one detectors, fa, fb the bits below the leading one, normalised by a left shift),
 * log2(a b) is approximated by ka + kb + fa + fb and the antilogarithm by
 * 2^(ka+kb) (1 + fa + fb) when fa + fb < 1, else 2^(ka+kb+1) (fa + fb); the result is
 * truncated to an integer, and 0 when an operand is 0. `fractionBits` < 7 keeps only the top
 * bits of each fraction (smaller adder and shifter).
 */
export function mitchell(fractionBits = N - 1): Netlist {
  const b = new NetlistBuilder();
  const logs = [operandA(), operandB()].map((x) => {
    const lod = leadingOne(b, x);
    // Shift left by 7 - k = ~k: a stage shifts when its bit of k is 0.
    let v = x;
    lod.position.forEach((kt, t) => {
      const d = 1 << t;
      v = v.map((vi, i) => b.mux(kt, i >= d ? v[i - d] : CONST0, vi));
    });
    const fraction = v.slice(0, N - 1).map((f, i) => (i >= N - 1 - fractionBits ? f : CONST0));
    return { k: lod.position, fraction, nonzero: lod.nonzero };
  });
  const [la, lb] = logs;
  const s = rippleAdd(b, la.fraction, lb.fraction); // 8 bits: s[7] is the carry into 2^0
  const e = rippleAdd(b, la.k, lb.k, s[N - 1]); // 4 bits, 0..15
  // Mantissa 1.s[6:0] (when fa + fb >= 1, s[7] = 1 and the mantissa is again 1.s[6:0]).
  const mantissa = [...s.slice(0, N - 1), 1];
  // product = floor(mantissa * 2^e / 2^7): shift into 23 bits, keep bits 7..22.
  const shifted = shiftLeft(b, mantissa, e, PRODUCT_BITS + N - 1);
  const nonzero = b.and(la.nonzero, lb.nonzero);
  const outputs = shifted.slice(N - 1).map((bit) => b.and(bit, nonzero));
  return optimise(b.build(outputs));
}

/**
 * DRUM (Hashemi, Bahar and Reda's dynamic range unbiased multiplier) with k-bit segments:
 * an operand below 2^k is used as is; a larger one is replaced by the k bits starting at its
 * leading one, with the lowest of them forced to 1 (unbiasing). The k x k segments are
 * multiplied by an exact array and the product shifted left by both shift amounts.
 */
export function drum(k: number): Netlist {
  const b = new NetlistBuilder();
  const parts = [operandA(), operandB()].map((x) => {
    const upper = x.slice(k);
    const lod = leadingOne(b, upper);
    // Shift = bit length of x >> k = position of its leading one + 1 (0 when it is 0).
    const shift = Array.from(
      { length: bitsFor(N - k) },
      (_, t) => b.orAll(lod.oneHot.filter((_, i) => ((i + 1) >> t) & 1)),
    );
    const segment = shiftRight(b, x, shift).slice(0, k);
    segment[0] = b.or(segment[0], lod.nonzero);
    return { segment, shift };
  });
  const [pa, pb] = parts;
  const product = reduceRows(b, partialProductRows(b, () => true, pa.segment, pb.segment))
    .slice(0, 2 * k);
  const shift = rippleAdd(b, pa.shift, pb.shift);
  return optimise(b.build(shiftLeft(b, product, shift, PRODUCT_BITS)));
}
