// 8-bit convolution through a multiplier's table, pre-gathered by the layer's weights: the
// fast path for any multiplier. For every tap t and activation byte a, the host writes
// rows[t][a][co] = table[a * 256 + w[t, co]] (uint16, channels padded to a multiple of 8), so
// the products of one tap for 8 output channels are one 16-byte load, widened and added to
// int32 accumulators. The sums are the same as the scalar table path's, bit for bit.
//
// Per output pixel the window is compacted (as in qconv_u8.ts) into the byte offsets of the
// rows it needs, skipping taps whose byte is 0 when table row 0 is all zeros; then blocks of up
// to 32 channels (8 accumulators) walk the list. The rows take 512 * kh * kw * c * kp bytes:
// large layers live in L2/L3, and a pixel reads only the rows its bytes select.
import { Requant } from "./qrequant";

/**
 * y[p, co] = requant(sum_taps rows[t][a][co] - zw[co] * sum_taps a + bias[co]).
 * x: padded bytes [n][hp][wp][c]; rows: uint16 [kh*kw*c][256][kp], kp = k rounded up to 8;
 * zw, bias: i32[kp]; scale: f32[kp]; y as q8_conv2d_table; scratch: 8 * kh * kw * c bytes.
 */
export function q8_conv2d_rows(
  x: usize,
  rows: usize,
  zw: usize,
  bias: usize,
  scale: usize,
  y: usize,
  scratch: usize,
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
  skipZero: i32,
): void {
  const taps = kh * kw * c;
  const kp = (k + 7) & ~7;
  const rowBytes = <usize> kp << 1; // one (tap, a) row
  const tapBytes = rowBytes << 8; // 256 rows per tap
  const offs = scratch;
  let t = 0;
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      for (let ci = 0; ci < c; ci++) {
        store<i32>(offs + (<usize> t << 2), (ky * wp + kx) * c + ci);
        t++;
      }
    }
  }
  const list = offs + (<usize> taps << 2);
  const keepZero = skipZero == 0;
  const isF32 = outF32 != 0;
  const outPix: usize = isF32 ? <usize> k << 2 : <usize> k;
  const outElem: usize = isF32 ? 4 : 1;
  const vz = f32x4.splat(<f32> zOut);
  const vlo = f32x4.splat(<f32> lo);
  let out = y;
  const rowLen = kw * c;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const origin = x + <usize> (((b * hp + oy * sh) * wp + ox * sw) * c);
        if (kp <= 16) {
          // Narrow layers: walk the window rows directly, no list (a zero byte reads its
          // tap's zero row, which stays in L1).
          let a0 = i32x4.splat(0), a1 = i32x4.splat(0), a2 = i32x4.splat(0), a3 = i32x4.splat(0);
          let asum = 0;
          let tapRow: usize = rows;
          for (let ky = 0; ky < kh; ky++) {
            const src = origin + <usize> (ky * wp * c);
            for (let j = 0; j < rowLen; j++) {
              const a = <i32> load<u8>(src + <usize> j);
              asum += a;
              const r = tapRow + <usize> a * rowBytes;
              let v = v128.load(r);
              a0 = i32x4.add(a0, i32x4.extend_low_i16x8_u(v));
              a1 = i32x4.add(a1, i32x4.extend_high_i16x8_u(v));
              if (kp > 8) {
                v = v128.load(r, 16);
                a2 = i32x4.add(a2, i32x4.extend_low_i16x8_u(v));
                a3 = i32x4.add(a3, i32x4.extend_high_i16x8_u(v));
              }
              tapRow += tapBytes;
            }
          }
          const vAsum = i32x4.splat(asum);
          Rows.finish4(a0, 0, k, vAsum, zw, bias, scale, vz, vlo, out, outElem, isF32);
          Rows.finish4(a1, 4, k, vAsum, zw, bias, scale, vz, vlo, out, outElem, isF32);
          if (kp > 8) {
            Rows.finish4(a2, 8, k, vAsum, zw, bias, scale, vz, vlo, out, outElem, isF32);
            Rows.finish4(a3, 12, k, vAsum, zw, bias, scale, vz, vlo, out, outElem, isF32);
          }
          out += outPix;
          continue;
        }
        let cnt = 0;
        let asum = 0;
        let tapRow: usize = rows;
        for (let i = 0; i < taps; i++) {
          const a = <i32> load<u8>(origin + <usize> load<i32>(offs + (<usize> i << 2)));
          asum += a;
          store<u32>(list + (<usize> cnt << 2), <u32> (tapRow + <usize> a * rowBytes));
          cnt += i32(a != 0 || keepZero);
          tapRow += tapBytes;
        }
        const end = list + (<usize> cnt << 2);
        const vAsum = i32x4.splat(asum);
        for (let co = 0; co < kp; co += 32) {
          const width = min(32, kp - co);
          const colOff = <usize> co << 1;
          let a0 = i32x4.splat(0), a1 = i32x4.splat(0), a2 = i32x4.splat(0), a3 = i32x4.splat(0);
          let a4 = i32x4.splat(0), a5 = i32x4.splat(0), a6 = i32x4.splat(0), a7 = i32x4.splat(0);
          if (width == 32) {
            for (let e = list; e < end; e += 4) {
              const r = <usize> load<u32>(e) + colOff;
              let v = v128.load(r);
              a0 = i32x4.add(a0, i32x4.extend_low_i16x8_u(v));
              a1 = i32x4.add(a1, i32x4.extend_high_i16x8_u(v));
              v = v128.load(r, 16);
              a2 = i32x4.add(a2, i32x4.extend_low_i16x8_u(v));
              a3 = i32x4.add(a3, i32x4.extend_high_i16x8_u(v));
              v = v128.load(r, 32);
              a4 = i32x4.add(a4, i32x4.extend_low_i16x8_u(v));
              a5 = i32x4.add(a5, i32x4.extend_high_i16x8_u(v));
              v = v128.load(r, 48);
              a6 = i32x4.add(a6, i32x4.extend_low_i16x8_u(v));
              a7 = i32x4.add(a7, i32x4.extend_high_i16x8_u(v));
            }
          } else if (width == 16) {
            for (let e = list; e < end; e += 4) {
              const r = <usize> load<u32>(e) + colOff;
              let v = v128.load(r);
              a0 = i32x4.add(a0, i32x4.extend_low_i16x8_u(v));
              a1 = i32x4.add(a1, i32x4.extend_high_i16x8_u(v));
              v = v128.load(r, 16);
              a2 = i32x4.add(a2, i32x4.extend_low_i16x8_u(v));
              a3 = i32x4.add(a3, i32x4.extend_high_i16x8_u(v));
            }
          } else {
            // 8 or 24 channels: 8 at a time.
            for (let e = list; e < end; e += 4) {
              const r = <usize> load<u32>(e) + colOff;
              let v = v128.load(r);
              a0 = i32x4.add(a0, i32x4.extend_low_i16x8_u(v));
              a1 = i32x4.add(a1, i32x4.extend_high_i16x8_u(v));
              if (width > 8) {
                v = v128.load(r, 16);
                a2 = i32x4.add(a2, i32x4.extend_low_i16x8_u(v));
                a3 = i32x4.add(a3, i32x4.extend_high_i16x8_u(v));
              }
              if (width > 16) {
                v = v128.load(r, 32);
                a4 = i32x4.add(a4, i32x4.extend_low_i16x8_u(v));
                a5 = i32x4.add(a5, i32x4.extend_high_i16x8_u(v));
              }
            }
          }
          Rows.finish4(a0, co, k, vAsum, zw, bias, scale, vz, vlo, out, outElem, isF32);
          Rows.finish4(a1, co + 4, k, vAsum, zw, bias, scale, vz, vlo, out, outElem, isF32);
          if (width > 8) {
            Rows.finish4(a2, co + 8, k, vAsum, zw, bias, scale, vz, vlo, out, outElem, isF32);
            Rows.finish4(a3, co + 12, k, vAsum, zw, bias, scale, vz, vlo, out, outElem, isF32);
          }
          if (width > 16) {
            Rows.finish4(a4, co + 16, k, vAsum, zw, bias, scale, vz, vlo, out, outElem, isF32);
            Rows.finish4(a5, co + 20, k, vAsum, zw, bias, scale, vz, vlo, out, outElem, isF32);
          }
          if (width > 24) {
            Rows.finish4(a6, co + 24, k, vAsum, zw, bias, scale, vz, vlo, out, outElem, isF32);
            Rows.finish4(a7, co + 28, k, vAsum, zw, bias, scale, vz, vlo, out, outElem, isF32);
          }
        }
        out += outPix;
      }
    }
  }
}

class Rows {
  /** Zero-point and bias terms of channels co..co+3, then their outputs. */
  @inline
  static finish4(
    sums: v128,
    co: i32,
    k: i32,
    vAsum: v128,
    zw: usize,
    bias: usize,
    scale: usize,
    vz: v128,
    vlo: v128,
    out: usize,
    outElem: usize,
    isF32: bool,
  ): void {
    const count = min(4, k - co);
    if (count <= 0) return;
    const at = <usize> co << 2;
    const acc = i32x4.add(
      i32x4.sub(sums, i32x4.mul(v128.load(zw + at), vAsum)),
      v128.load(bias + at),
    );
    Requant.store4(acc, v128.load(scale + at), vz, vlo, out + <usize> co * outElem, count, isF32);
  }
}

/**
 * Builds the gathered rows of a layer: rows[t][a][co] = table[a * 256 + w[t, co]] for
 * co < k, 0 for k <= co < kp. w: bytes [taps][k] (HWIO).
 */
export function q8_gather_rows(table: usize, w: usize, rows: usize, taps: i32, k: i32): void {
  const kp = (k + 7) & ~7;
  let dst = rows;
  for (let t = 0; t < taps; t++) {
    const wt = w + <usize> (t * k);
    for (let a = 0; a < 256; a++) {
      const row = table + (<usize> a << 9);
      for (let co = 0; co < k; co++) {
        store<u16>(
          dst + (<usize> co << 1),
          load<u16>(row + (<usize> load<u8>(wt + <usize> co) << 1)),
        );
      }
      for (let co = k; co < kp; co++) store<u16>(dst + (<usize> co << 1), 0);
      dst += <usize> kp << 1;
    }
  }
}
