/**
 * Affine 8-bit quantisation: a real value x is held as an unsigned byte q with
 * x = scale * (q - zero). Every quantised tensor of the engine (activations and weights) uses
 * it, and this file also fixes the one rounding rule the whole quantised path shares, so that
 * the wasm kernels and the TypeScript reference give the same bits.
 */

/** Scale and zero-point of an affine uint8 encoding: x = scale * (q - zero). */
export interface Affine {
  scale: number;
  /** The byte that encodes real 0 (0..255). */
  zero: number;
}

/**
 * The encoding of a real range [lo, hi] onto 0..255 (or 0..levels: narrower weight codes).
 * The range is first widened to hold 0, so that real zero (padding, ReLU's floor) is one
 * exact byte; an empty range (0, 0) gets scale 1.
 */
export function affineFromRange(lo: number, hi: number, levels = 255): Affine {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
    throw new Error(`Cannot quantise the range [${lo}, ${hi}]: expected finite lo <= hi`);
  }
  const min = Math.min(lo, 0), max = Math.max(hi, 0);
  if (max === min) return { scale: 1, zero: 0 };
  const scale = (max - min) / levels;
  const zero = Math.min(levels, Math.max(0, Math.round(-min / scale)));
  return { scale, zero };
}

/** The byte that encodes x (rounded to nearest, saturated to 0..255, or 0..levels). */
export function quantize(x: number, q: Affine, levels = 255): number {
  return Math.min(levels, Math.max(0, Math.round(x / q.scale) + q.zero));
}

export function dequantize(byte: number, q: Affine): number {
  return q.scale * (byte - q.zero);
}

/** Round half to even, as wasm's `f32.nearest` does (Math.round rounds halves up). */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The requantisation every quantised kernel performs, in float32 exactly as wasm computes it:
 * v = f32(f32(acc) * scale) + zOut (each step rounded to float32, no fused multiply-add), then
 * rounded half to even and clamped to [lo, hi]. `scale` and `zOut` must be float32 values
 * (pass them through Math.fround). Float32 keeps four lanes per SIMD vector; its relative error
 * (6e-8) is far below one step of the output byte.
 */
export function requantize(acc: number, scale: number, zOut: number, lo: number, hi: number) {
  const v = Math.fround(Math.fround(Math.fround(acc) * scale) + zOut);
  return Math.min(Math.max(roundHalfEven(v), lo), hi);
}

/** float32(f32(acc) * scale): the dequantised output of a layer that ends in float logits. */
export function dequantizeAcc(acc: number, scale: number): number {
  return Math.fround(Math.fround(acc) * scale);
}
