// 8-bit depthwise convolution through a multiplier's product table: every product is one
// scalar look-up, as the table path of full convolutions (qconv_u8.ts). Semantics:
// src/quant/plan.ts (a depthwise conv step) and src/quant/qkernels.ts.
import { Requant } from "./qrequant";

/**
 * y[p, ch] = requant(sum_taps table[a * 256 + w] - zw[ch] * sum_taps a + bias[ch]) over the
 * kh*kw taps of channel ch. x: padded bytes [n][hp][wp][c]; w: bytes [kh][kw][cp] with cp = c
 * rounded up to 8; zw, bias: i32[c]; scale: f32[c]; y: bytes [n][oh][ow][c] (or f32 when
 * outF32). _k equals c (the window arguments are those of a full convolution's).
 */
export function q8_dwconv2d_table(
  x: usize,
  table: usize,
  w: usize,
  zw: usize,
  bias: usize,
  scale: usize,
  y: usize,
  n: i32,
  hp: i32,
  wp: i32,
  c: i32,
  _k: i32,
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
  const cp = (c + 7) & ~7;
  const fz = <f32> zOut, flo = <f32> lo, isF32 = outF32 != 0;
  const outPix: usize = isF32 ? <usize> c << 2 : <usize> c;
  let out = y;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const origin = x + <usize> (((b * hp + oy * sh) * wp + ox * sw) * c);
        for (let ch = 0; ch < c; ch++) {
          let s = 0, asum = 0;
          for (let ky = 0; ky < kh; ky++) {
            const row = origin + <usize> (ky * wp * c + ch);
            const wRow = w + <usize> (ky * kw * cp + ch);
            for (let kx = 0; kx < kw; kx++) {
              const a = <i32> load<u8>(row + <usize> (kx * c));
              const wq = <i32> load<u8>(wRow + <usize> (kx * cp));
              s += <i32> load<u16>(table + (<usize> (a * 256 + wq) << 1));
              asum += a;
            }
          }
          const at = <usize> ch << 2;
          const acc = s - load<i32>(zw + at) * asum + load<i32>(bias + at);
          const sc = load<f32>(scale + at);
          if (isF32) store<f32>(out + at, <f32> acc * sc);
          else store<u8>(out + <usize> ch, <u8> Requant.byte(acc, sc, fz, flo));
        }
        out += outPix;
      }
    }
  }
}
