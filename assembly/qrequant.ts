// Requantisation shared by the 8-bit kernels: accumulator -> output byte, in float32 exactly as
// src/quant/affine.ts `requantize` specifies (convert, multiply, add: each rounded to float32,
// never fused; then round half to even and clamp). Kernels that end a network write the float
// f32(acc) * scale instead.

/** Where a vector of up to 4 results is parked when fewer than 4 lanes may be stored. */
const laneSpill: usize = memory.data(16, 16);

/** Helpers inlined into the kernels (static methods: deno fmt keeps their decorators). */
export class Requant {
  /** One accumulator -> its output byte (as i32). */
  @inline
  static byte(acc: i32, scale: f32, zOut: f32, lo: f32): i32 {
    let v = nearest<f32>(<f32> acc * scale + zOut);
    v = v < lo ? lo : v; // plain compares: wasm's f32.min/max cost a NaN-aware sequence
    v = v > 255 ? 255 : v;
    return <i32> v;
  }

  /** Four accumulators -> four int32 bytes (0..255) in the low bytes of the lanes. */
  @inline
  static four(acc: v128, scale: v128, zOut: v128, lo: v128): v128 {
    const v = f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(acc), scale), zOut);
    // pmin/pmax are single instructions; they differ from min/max only on NaN and -0.
    const r = f32x4.pmin(f32x4.pmax(f32x4.nearest(v), lo), f32x4.splat(255));
    return i32x4.trunc_sat_f32x4_s(r);
  }

  /** Lane sums of four vectors: [sum(a), sum(b), sum(c), sum(d)]. */
  @inline
  static hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
    const ab = i32x4.add(i32x4.shuffle(a, b, 0, 4, 1, 5), i32x4.shuffle(a, b, 2, 6, 3, 7));
    const cd = i32x4.add(i32x4.shuffle(c, d, 0, 4, 1, 5), i32x4.shuffle(c, d, 2, 6, 3, 7));
    return i32x4.add(i32x4.shuffle(ab, cd, 0, 1, 4, 5), i32x4.shuffle(ab, cd, 2, 3, 6, 7));
  }

  /**
   * Stores `count` (1..4) channels of a result vector: the requantised bytes, or with `outF32`
   * the floats f32(acc) * scale. `acc` holds the accumulators of channels co..co+3.
   */
  @inline
  static store4(
    acc: v128,
    scale: v128,
    zOut: v128,
    lo: v128,
    out: usize,
    count: i32,
    outF32: bool,
  ): void {
    if (outF32) {
      const v = f32x4.mul(f32x4.convert_i32x4_s(acc), scale);
      if (count == 4) {
        v128.store(out, v);
      } else {
        v128.store(laneSpill, v);
        memory.copy(out, laneSpill, <usize> count << 2);
      }
    } else {
      const q = Requant.four(acc, scale, zOut, lo);
      const bytes = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(q, q), i16x8.splat(0));
      if (count == 4) {
        v128.store32_lane(out, bytes, 0);
      } else {
        v128.store(laneSpill, bytes);
        memory.copy(out, laneSpill, <usize> count);
      }
    }
  }
}
