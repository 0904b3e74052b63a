// 8-bit convolution as a sum of exact int16 dot products: the fast path for multipliers whose
// product table decomposes into a few integer rank-1 terms (src/quant/decompose.ts). The host
// turns each term j into a stream: the padded input mapped through f_j (int16 tensor) and the
// weights mapped through g_j (packed int16); the kernel sums
//
//   acc[p, co] = bias[co] + sum_streams sum_taps F[p + tap] * G[tap, co]
//
// with i32x4.dot_i16x8_s in wrapping int32 arithmetic, which is exact because the true sum
// fits int32. A window row (kw taps x c channels) is contiguous in NHWC, so the reduction
// runs over kh rows of L = kw * c values, in chunks of 8 (lanes past L meet zero weights).
// Each step of the micro-kernel loads 2 pixels' chunks and 4 channels' weights: 8 dot
// products in 8 accumulators, 14 vector registers in all.
//
// The weight zero-point term -zw[co] * sum_taps a, when no stream's f spans a, is not a stream
// of its own: the per-pixel window sum is one extra dot product per chunk (against a packed
// "ones" row that is 0 past kw*c), shared by all channels.
import { Requant } from "./qrequant";

/**
 * streams: ns pairs (u32 F, u32 G). F: int16 [n][hp][wp][c] plus 16 bytes of slack;
 * G: int16 [ceil(k/4)][kh][ceil(kw*c/8)][4][8]; bias: i32[ceil(k/4)*4]; scale: f32[same];
 * y: bytes [n][oh][ow][k] (or f32 when outF32). asumF: 0, or an int16 tensor of the input
 * bytes (as F) whose window sums are multiplied by zw (i32[ceil(k/4)*4]) and subtracted;
 * ones: int16 [kh][ceil(kw*c/8)][8], 1 on lanes below kw*c.
 */
export function q8_conv2d_dot(
  streams: usize,
  ns: i32,
  asumF: usize,
  ones: usize,
  zw: usize,
  bias: usize,
  scale: usize,
  y: usize,
  n: i32,
  hp: i32,
  wp: i32,
  c: i32,
  k: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  oh: i32,
  ow: i32,
  zOut: i32,
  lo: i32,
  outF32: i32,
): void {
  const chunks = (kw * c + 7) >> 3;
  const kb = (k + 3) >> 2;
  const gBlock = <usize> (kh * chunks) << 6; // bytes of one block of 4 channels
  const pixBytes = <usize> c << 1;
  const rowBytes = <usize> wp * pixBytes;
  const stepBytes = <usize> sw * pixBytes;
  const isF32 = outF32 != 0;
  const outPix: usize = isF32 ? <usize> k << 2 : <usize> k;
  const outElem: usize = isF32 ? 4 : 1;
  const vz = f32x4.splat(<f32> zOut);
  const vlo = f32x4.splat(<f32> lo);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const rowOff = <usize> (b * hp + oy * sh) * rowBytes;
      let out = y + <usize> ((b * oh + oy) * ow) * outPix;
      for (let ox = 0; ox < ow; ox += 2) {
        const two = ox + 1 < ow;
        const off0 = rowOff + <usize> ox * stepBytes;
        const off1 = two ? off0 + stepBytes : off0;
        let sum0 = i32x4.splat(0), sum1 = i32x4.splat(0);
        if (asumF != 0) {
          let g = ones;
          for (let ky = 0; ky < kh; ky++) {
            let p0 = asumF + off0 + <usize> ky * rowBytes;
            let p1 = asumF + off1 + <usize> ky * rowBytes;
            const gEnd = g + (<usize> chunks << 4);
            while (g < gEnd) {
              const wv = v128.load(g);
              sum0 = i32x4.add(sum0, i32x4.dot_i16x8_s(v128.load(p0), wv));
              sum1 = i32x4.add(sum1, i32x4.dot_i16x8_s(v128.load(p1), wv));
              p0 += 16;
              p1 += 16;
              g += 16;
            }
          }
          sum0 = i32x4.splat(Dot.hsum(sum0));
          sum1 = i32x4.splat(Dot.hsum(sum1));
        }
        for (let cb = 0; cb < kb; cb++) {
          let c00 = i32x4.splat(0),
            c01 = i32x4.splat(0),
            c02 = i32x4.splat(0),
            c03 = i32x4.splat(0);
          let c10 = i32x4.splat(0),
            c11 = i32x4.splat(0),
            c12 = i32x4.splat(0),
            c13 = i32x4.splat(0);
          for (let s = 0; s < ns; s++) {
            const f = <usize> load<u32>(streams + (<usize> s << 3));
            let g = <usize> load<u32>(streams + (<usize> s << 3), 4) + <usize> cb * gBlock;
            for (let ky = 0; ky < kh; ky++) {
              let p0 = f + off0 + <usize> ky * rowBytes;
              let p1 = f + off1 + <usize> ky * rowBytes;
              const gEnd = g + (<usize> chunks << 6);
              while (g < gEnd) {
                const a0 = v128.load(p0);
                const a1 = v128.load(p1);
                let wv = v128.load(g);
                c00 = i32x4.add(c00, i32x4.dot_i16x8_s(a0, wv));
                c10 = i32x4.add(c10, i32x4.dot_i16x8_s(a1, wv));
                wv = v128.load(g, 16);
                c01 = i32x4.add(c01, i32x4.dot_i16x8_s(a0, wv));
                c11 = i32x4.add(c11, i32x4.dot_i16x8_s(a1, wv));
                wv = v128.load(g, 32);
                c02 = i32x4.add(c02, i32x4.dot_i16x8_s(a0, wv));
                c12 = i32x4.add(c12, i32x4.dot_i16x8_s(a1, wv));
                wv = v128.load(g, 48);
                c03 = i32x4.add(c03, i32x4.dot_i16x8_s(a0, wv));
                c13 = i32x4.add(c13, i32x4.dot_i16x8_s(a1, wv));
                p0 += 16;
                p1 += 16;
                g += 64;
              }
            }
          }
          const co = cb << 2;
          const count = min(4, k - co);
          const at = <usize> co << 2;
          const vb = v128.load(bias + at);
          const vs = v128.load(scale + at);
          const vzw = asumF != 0 ? v128.load(zw + at) : i32x4.splat(0);
          const r0 = i32x4.sub(
            i32x4.add(Requant.hsum4(c00, c01, c02, c03), vb),
            i32x4.mul(vzw, sum0),
          );
          Requant.store4(r0, vs, vz, vlo, out + <usize> co * outElem, count, isF32);
          if (two) {
            const r1 = i32x4.sub(
              i32x4.add(Requant.hsum4(c10, c11, c12, c13), vb),
              i32x4.mul(vzw, sum1),
            );
            Requant.store4(r1, vs, vz, vlo, out + outPix + <usize> co * outElem, count, isF32);
          }
        }
        out += two ? outPix << 1 : outPix;
      }
    }
  }
}

/**
 * Pads bytes [n][h][w][c] to int16 [n][h+pt+pb][w+pl+pr][c] through a 256-entry int16 table
 * (lut = 0: the byte itself); the border gets the image of `fill` (the zero-point). Writes 16
 * bytes of zeros after the tensor (the dot kernel's chunks may read past a window row).
 */
export function q8_pad_lut_i16(
  x: usize,
  lut: usize,
  y: usize,
  n: i32,
  h: i32,
  wd: i32,
  c: i32,
  pt: i32,
  pl: i32,
  pb: i32,
  pr: i32,
  fill: i32,
): void {
  const wp = wd + pl + pr;
  const border = lut != 0 ? <i32> load<i16>(lut + (<usize> fill << 1)) : fill;
  const rowIn = <usize> (wd * c);
  let src = x;
  let dst = y;
  for (let b = 0; b < n; b++) {
    dst = Dot.fill(dst, border, <usize> (pt * wp * c));
    for (let r = 0; r < h; r++) {
      dst = Dot.fill(dst, border, <usize> (pl * c));
      if (lut == 0) {
        let i: usize = 0;
        for (; i + 8 <= rowIn; i += 8) {
          v128.store(dst + (i << 1), v128.load8x8_u(src + i));
        }
        for (; i < rowIn; i++) store<i16>(dst + (i << 1), <i16> load<u8>(src + i));
      } else {
        for (let i: usize = 0; i < rowIn; i++) {
          store<i16>(dst + (i << 1), load<i16>(lut + (<usize> load<u8>(src + i) << 1)));
        }
      }
      src += rowIn;
      dst += rowIn << 1;
      dst = Dot.fill(dst, border, <usize> (pr * c));
    }
    dst = Dot.fill(dst, border, <usize> (pb * wp * c));
  }
  v128.store(dst, i32x4.splat(0));
}

class Dot {
  /** The sum of the four lanes. */
  @inline
  static hsum(v: v128): i32 {
    return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) +
      i32x4.extract_lane(v, 3);
  }

  /** Writes `count` int16 copies of value from dst; returns the byte after them. */
  @inline
  static fill(dst: usize, value: i32, count: usize): usize {
    const v = i16x8.splat(<i16> value);
    let i: usize = 0;
    for (; i + 8 <= count; i += 8) v128.store(dst + (i << 1), v);
    for (; i < count; i++) store<i16>(dst + (i << 1), <i16> value);
    return dst + (count << 1);
  }
}
