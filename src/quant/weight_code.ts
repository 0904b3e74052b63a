/**
 * How a layer's weights are coded for its multiplier. Weight bytes are always stored in the
 * byte domain the 8-bit executor's tables are indexed by (multiplier_table.ts):
 * - unsigned N-bit (N = 8: the default): affine codes 0..2^N - 1, w = s * (q - z), z per
 *   output channel (or tensor), the range widened to hold 0;
 * - signed N-bit: symmetric two's complement, w = s * v with v in -(2^(N-1) - 1)..2^(N-1) - 1
 *   and zero-point 0 (TFLite's int8 scheme for N = 8), stored as the byte v + 128, so the
 *   executor's weight zero-point is 128.
 *
 * No Deno API here: the embedding library bundles this module.
 */
import { affineFromRange, quantize } from "./affine.ts";

export interface WeightCode {
  /** Bits of a weight: 2..8. */
  bits: number;
  signed: boolean;
}

/** 8-bit unsigned affine weights: what every layer had before other codes. */
export const BYTE_WEIGHTS: Readonly<WeightCode> = { bits: 8, signed: false };

/** The stored byte of signed value 0. */
export const SIGNED_OFFSET = 128;

export function describeCode(code: WeightCode): string {
  return `${code.bits}-bit ${code.signed ? "signed" : "unsigned"}`;
}

export function sameCode(a: WeightCode, b: WeightCode): boolean {
  return a.bits === b.bits && a.signed === b.signed;
}

/** Whether `byte` is a stored weight of this code (weight tuning picks only these). */
export function isCodeByte(code: WeightCode, byte: number): boolean {
  if (!code.signed) return byte < 1 << code.bits;
  const max = (1 << (code.bits - 1)) - 1;
  return Math.abs(byte - SIGNED_OFFSET) <= max;
}

export interface CodedWeights {
  bytes: Uint8Array;
  /** Per output channel, the stored byte of real 0 (128 for signed codes). */
  zero: Int32Array;
  scale: Float64Array;
}

/**
 * Codes weights (any layout whose innermost dimension is the output channel, k of them) per
 * output channel or, with `perTensor`, with one scale (and zero-point) for all.
 */
export function codeWeights(
  w: Float64Array,
  k: number,
  code: WeightCode,
  perTensor: boolean,
): CodedWeights {
  const lo = new Float64Array(k).fill(Infinity), hi = new Float64Array(k).fill(-Infinity);
  for (let i = 0; i < w.length; i++) {
    const co = i % k;
    lo[co] = Math.min(lo[co], w[i]);
    hi[co] = Math.max(hi[co], w[i]);
  }
  if (perTensor) {
    const [l, h] = [Math.min(...lo), Math.max(...hi)];
    lo.fill(l);
    hi.fill(h);
  }
  const zero = new Int32Array(k), scale = new Float64Array(k);
  const bytes = new Uint8Array(w.length);
  if (code.signed) {
    const max = (1 << (code.bits - 1)) - 1;
    for (let co = 0; co < k; co++) {
      const m = Math.max(Math.abs(lo[co]), Math.abs(hi[co]));
      scale[co] = m > 0 ? m / max : 1;
      zero[co] = SIGNED_OFFSET;
    }
    for (let i = 0; i < w.length; i++) {
      // Halves away from zero, so a weight and its negation get opposite codes.
      const r = w[i] / scale[i % k], v = Math.sign(r) * Math.round(Math.abs(r));
      bytes[i] = SIGNED_OFFSET + Math.min(max, Math.max(-max, v));
    }
    return { bytes, zero, scale };
  }
  const levels = (1 << code.bits) - 1;
  for (let co = 0; co < k; co++) {
    const e = affineFromRange(lo[co], hi[co], levels);
    scale[co] = e.scale;
    zero[co] = e.zero;
  }
  for (let i = 0; i < w.length; i++) {
    const co = i % k;
    bytes[i] = quantize(w[i], { scale: scale[co], zero: zero[co] }, levels);
  }
  return { bytes, zero, scale };
}
