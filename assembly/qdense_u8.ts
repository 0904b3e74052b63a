// 8-bit fully connected layers: a dense layer over n samples of `inF` bytes is the 1x1
// convolution of a 1 x n "image" with inF channels, so both paths reuse the conv kernels.
import { q8_conv2d_table } from "./qconv_u8";
import { q8_conv2d_dot } from "./qconv_dot";

/** y[s, o] = requant(sum_i table[x[s,i] * 256 + w[i,o]] - zw[o] * sum_i x[s,i] + bias[o]).
 * w: bytes [inF][outP] with outP = outF rounded up to 8; scratch: 12 * inF bytes. */
export function q8_dense_table(
  x: usize,
  table: usize,
  w: usize,
  zw: usize,
  bias: usize,
  scale: usize,
  y: usize,
  scratch: usize,
  n: i32,
  inF: i32,
  outF: i32,
  zOut: i32,
  lo: i32,
  outF32: i32,
  skipZero: i32,
): void {
  q8_conv2d_table(
    x,
    table,
    w,
    zw,
    bias,
    scale,
    y,
    scratch,
    1,
    1,
    n,
    inF,
    outF,
    1,
    1,
    1,
    1,
    1,
    n,
    zOut,
    lo,
    outF32,
    skipZero,
  );
}

/** Dot-product path of a dense layer; streams as for q8_conv2d_dot (F: int16 [n][inF]). */
export function q8_dense_dot(
  streams: usize,
  ns: i32,
  asumF: usize,
  ones: usize,
  zw: usize,
  bias: usize,
  scale: usize,
  y: usize,
  n: i32,
  inF: i32,
  outF: i32,
  zOut: i32,
  lo: i32,
  outF32: i32,
): void {
  q8_conv2d_dot(
    streams,
    ns,
    asumF,
    ones,
    zw,
    bias,
    scale,
    y,
    1,
    1,
    n,
    inF,
    outF,
    1,
    1,
    1,
    1,
    1,
    n,
    zOut,
    lo,
    outF32,
  );
}
