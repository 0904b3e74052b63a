/**
 * Datapath blocks for the multipliers that are not plain arrays (logarithmic, dynamic range):
 * leading-one detection, barrel shifters, ripple-carry adders. Bit vectors are wire arrays,
 * least significant bit first. Blocks may feed constants into cells; `optimise` removes them.
 */
import type { NetlistBuilder } from "../builder.ts";
import { CONST0 } from "../netlist.ts";

export interface LeadingOne {
  /** oneHot[i] = 1 iff bit i is the most significant 1. */
  oneHot: number[];
  /** Position of the most significant 1, binary (0 when the input is 0). */
  position: number[];
  /** 1 iff any input bit is 1. */
  nonzero: number;
}

/** Bits needed to write the numbers 0..n. */
export function bitsFor(n: number): number {
  return Math.max(1, Math.ceil(Math.log2(n + 1)));
}

/** Leading-one detector: a prefix OR from the top, one AND per bit, OR trees for the code. */
export function leadingOne(b: NetlistBuilder, x: number[]): LeadingOne {
  const n = x.length;
  // above[i] = OR of x[i+1..n-1]
  const above: number[] = new Array(n);
  above[n - 1] = CONST0;
  for (let i = n - 2; i >= 0; i--) {
    above[i] = i === n - 2 ? x[n - 1] : b.or(x[i + 1], above[i + 1]);
  }
  const oneHot = x.map((xi, i) => (i === n - 1 ? xi : b.and(xi, b.not(above[i]))));
  const nonzero = n === 1 ? x[0] : b.or(x[0], above[0]);
  const position = Array.from(
    { length: bitsFor(n - 1) },
    (_, t) => b.orAll(oneHot.filter((_, i) => (i >> t) & 1)),
  );
  return { oneHot, position, nonzero };
}

/**
 * x shifted left by the binary amount `shift` (log shifter: one MUX2 stage per amount bit),
 * `width` bits wide; bits shifted out are lost, zeros come in.
 */
export function shiftLeft(
  b: NetlistBuilder,
  x: number[],
  shift: number[],
  width: number,
): number[] {
  let v = Array.from({ length: width }, (_, i) => x[i] ?? CONST0);
  shift.forEach((s, t) => {
    const d = 1 << t;
    v = v.map((vi, i) => b.mux(s, vi, i >= d ? v[i - d] : CONST0));
  });
  return v;
}

/** x shifted right by the binary amount `shift`, zeros come in at the top. */
export function shiftRight(b: NetlistBuilder, x: number[], shift: number[]): number[] {
  let v = [...x];
  shift.forEach((s, t) => {
    const d = 1 << t;
    v = v.map((vi, i) => b.mux(s, vi, i + d < v.length ? v[i + d] : CONST0));
  });
  return v;
}

/** x + y + cin with a ripple of full adders; the result is one bit longer than the longer operand. */
export function rippleAdd(b: NetlistBuilder, x: number[], y: number[], cin = CONST0): number[] {
  const n = Math.max(x.length, y.length);
  const out: number[] = [];
  let carry = cin;
  for (let i = 0; i < n; i++) {
    const [s, c] = b.fa(x[i] ?? CONST0, y[i] ?? CONST0, carry);
    out.push(s);
    carry = c;
  }
  out.push(carry);
  return out;
}
