// 8-bit convolution through a multiplier's product table (the path that works for any
// multiplier). Semantics: src/quant/plan.ts and src/quant/qkernels.ts.
//
// The input arrives already padded with the zero-point byte (q8_pad), so every tap is a real
// byte and goes through the table. Per output pixel, the window is first compacted into a list
// of (table row, weight row) pairs, skipping taps whose byte is 0 when the host says row 0 of
// the table is all zeros (after a ReLU about half the bytes are 0); the list is then walked
// once per block of 8 output channels with the 8 sums in registers, one 32-bit load giving
// four weight bytes.
import { Requant } from "./qrequant";

/**
 * y[p, co] = requant(sum_taps table[a * 256 + w] - zw[co] * sum_taps a + bias[co]).
 * x: padded bytes [n][hp][wp][c]; w: bytes [kh][kw][c][kp] with kp = k rounded up to 8;
 * zw, bias: i32[k]; scale: f32[k]; y: bytes [n][oh][ow][k] (or f32 when outF32);
 * scratch: 12 * kh * kw * c bytes. skipZero: taps with a == 0 add nothing (table row 0 is 0).
 */
export function q8_conv2d_table(
  x: usize,
  table: usize,
  w: usize,
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
  const fz = <f32> zOut;
  const flo = <f32> lo;
  const isF32 = outF32 != 0;
  const outPix: usize = isF32 ? <usize> k << 2 : <usize> k;
  let out = y;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const origin = x + <usize> (((b * hp + oy * sh) * wp + ox * sw) * c);
        let cnt = 0;
        let asum = 0;
        for (let i = 0; i < taps; i++) {
          const a = <i32> load<u8>(origin + <usize> load<i32>(offs + (<usize> i << 2)));
          asum += a;
          const e = list + (<usize> cnt << 3);
          store<i32>(e, a << 9);
          store<i32>(e, i * kp, 4);
          cnt += i32(a != 0 || keepZero);
        }
        const end = list + (<usize> cnt << 3);
        for (let co = 0; co < k; co += 8) {
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
          const wb = w + <usize> co;
          for (let e = list; e < end; e += 8) {
            const row = table + <usize> load<i32>(e);
            const wq = wb + <usize> load<i32>(e, 4);
            const q0 = load<u32>(wq);
            const q1 = load<u32>(wq, 4);
            s0 += <i32> load<u16>(row + ((q0 << 1) & 0x1fe));
            s1 += <i32> load<u16>(row + ((q0 >> 7) & 0x1fe));
            s2 += <i32> load<u16>(row + ((q0 >> 15) & 0x1fe));
            s3 += <i32> load<u16>(row + ((q0 >> 23) & 0x1fe));
            s4 += <i32> load<u16>(row + ((q1 << 1) & 0x1fe));
            s5 += <i32> load<u16>(row + ((q1 >> 7) & 0x1fe));
            s6 += <i32> load<u16>(row + ((q1 >> 15) & 0x1fe));
            s7 += <i32> load<u16>(row + ((q1 >> 23) & 0x1fe));
          }
          const m = min(8, k - co);
          Table.finish(s0, co, asum, zw, bias, scale, out, fz, flo, isF32);
          if (m > 1) Table.finish(s1, co + 1, asum, zw, bias, scale, out, fz, flo, isF32);
          if (m > 2) Table.finish(s2, co + 2, asum, zw, bias, scale, out, fz, flo, isF32);
          if (m > 3) Table.finish(s3, co + 3, asum, zw, bias, scale, out, fz, flo, isF32);
          if (m > 4) Table.finish(s4, co + 4, asum, zw, bias, scale, out, fz, flo, isF32);
          if (m > 5) Table.finish(s5, co + 5, asum, zw, bias, scale, out, fz, flo, isF32);
          if (m > 6) Table.finish(s6, co + 6, asum, zw, bias, scale, out, fz, flo, isF32);
          if (m > 7) Table.finish(s7, co + 7, asum, zw, bias, scale, out, fz, flo, isF32);
        }
        out += outPix;
      }
    }
  }
}

class Table {
  /** Adds the zero-point and bias terms to one channel's sum and stores its output. */
  @inline
  static finish(
    s: i32,
    co: i32,
    asum: i32,
    zw: usize,
    bias: usize,
    scale: usize,
    out: usize,
    zOut: f32,
    lo: f32,
    isF32: bool,
  ): void {
    const at = <usize> co << 2;
    const acc = s - load<i32>(zw + at) * asum + load<i32>(bias + at);
    const sc = load<f32>(scale + at);
    if (isF32) store<f32>(out + at, <f32> acc * sc);
    else store<u8>(out + <usize> co, <u8> Requant.byte(acc, sc, zOut, lo));
  }
}

/**
 * Copies bytes [n][h][w][c] into [n][h+pt+pb][w+pl+pr][c], filling the border with `fill`
 * (the zero-point: real 0).
 */
export function q8_pad(
  x: usize,
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
  const rowIn = <usize> (wd * c);
  const rowOut = <usize> (wp * c);
  let src = x;
  let dst = y;
  for (let b = 0; b < n; b++) {
    memory.fill(dst, <u8> fill, <usize> pt * rowOut);
    dst += <usize> pt * rowOut;
    for (let r = 0; r < h; r++) {
      memory.fill(dst, <u8> fill, <usize> (pl * c));
      memory.copy(dst + <usize> (pl * c), src, rowIn);
      memory.fill(dst + <usize> (pl * c) + rowIn, <u8> fill, <usize> (pr * c));
      src += rowIn;
      dst += rowOut;
    }
    memory.fill(dst, <u8> fill, <usize> pb * rowOut);
    dst += <usize> pb * rowOut;
  }
}
