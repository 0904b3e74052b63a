/**
 * The 8-bit kernels the wasm engine exports (assembly/q*.ts), as the host sees them. They
 * follow the conventions of src/engine/kernels.ts (byte offsets, NHWC, nothing allocated);
 * tensors are bytes, accumulators int32, requantisation as src/quant/affine.ts `requantize`
 * (lo = clamp floor, 255 the ceiling; zOut the output zero-point). A product table is 65,536
 * uint16 (131,072 bytes), index activation * 256 + weight.
 *
 * The argument groups several kernels share are labelled tuples (ChannelArgs, WindowArgs, ...):
 * the host builds each group once, by name, and spreads it into the call, so a kernel call
 * reads as its groups and a misplaced argument is a type error.
 */
import type { Engine } from "../engine/wasm.ts";

/** A conv/dense layer's per-output-channel constants (offsets): weight zero-points and bias
 * (int32), the factor from accumulator to output (float32). */
export type ChannelArgs = [zw: number, bias: number, scale: number];

/** Where a conv's window runs, after the image count: the padded input's height, width and
 * channels, the filters, kernel height and width, strides, and the output height and width.
 * Output pixel (oy, ox) reads padded pixels (oy*sh + ky, ox*sw + kx). */
export type WindowArgs = [
  hp: number,
  wp: number,
  c: number,
  k: number,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
  oh: number,
  ow: number,
];

/** A dense layer over its samples: input and output features. */
export type DenseArgs = [inF: number, outF: number];

/** How accumulators leave: output zero-point, clamp floor, and 1 to write float32
 * f32(acc) * scale[co] (the logits) instead of requantised bytes. */
export type OutputArgs = [zOut: number, lo: number, outF32: number];

/** Padding [n][h][w][c] to [n][h+pt+pb][w+pl+pr][c]: the image count and sizes, the padding
 * at top, left, bottom and right, and the byte the border stands for (the zero-point). */
export type PadArgs = [
  n: number,
  h: number,
  w: number,
  c: number,
  pt: number,
  pl: number,
  pb: number,
  pr: number,
  fill: number,
];

/** The dot path's inputs: the stream descriptors (ns pairs of u32 offsets F, G), their count,
 * the int16 input whose window sums meet zw (0: none) and the "ones" row it is summed with. */
export type StreamArgs = [streams: number, ns: number, asumF: number, ones: number];

/** A pooling window over an unpadded input: the image count, input height, width and
 * channels, kernel, strides, top and left padding, output height and width, and the byte
 * of a window with no in-image tap. */
export type PoolArgs = [
  n: number,
  h: number,
  w: number,
  c: number,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
  pt: number,
  pl: number,
  oh: number,
  ow: number,
  fill: number,
];

export interface QKernels {
  /**
   * Table path. x: bytes [n][hp][wp][c], already padded with the input zero-point. w: bytes
   * [kh][kw][c][kp], kp = k rounded up to 8 (extra columns ignored). zw, bias: i32[k];
   * scale: f32[k].
   * acc = sum_taps table[a*256 + w] - zw[co] * sum_taps a + bias[co];
   * y = requant(acc) bytes [n][oh][ow][k], or f32(acc) * scale[co] when outF32.
   * skipZero: 1 only when table row 0 is all zeros (taps with a = 0 are skipped).
   * scratch: 12 * kh * kw * c bytes.
   */
  q8_conv2d_table(
    ...args: [
      x: number,
      table: number,
      w: number,
      ...ChannelArgs,
      y: number,
      scratch: number,
      n: number,
      ...WindowArgs,
      ...OutputArgs,
      skipZero: number,
    ]
  ): void;
  /**
   * Dot-product path. streams: ns pairs of u32 (F, G): F int16 [n][hp][wp][c] (+16 bytes of
   * slack, from q8_pad_lut_i16), G int16 [ceil(k/4)][kh][ceil(kw*c/8)][4][8] (lane l of chunk
   * j of row ky of channel co = G(ky, kx, ci, co) with j*8 + l = kx*c + ci, 0 past kw*c).
   * acc = bias[co] + sum_streams sum_taps F * G - zw[co] * sum_taps asumF (wrapping int32);
   * asumF: 0 or an int16 input of the plain bytes; ones: int16 [kh][ceil(kw*c/8)][8], 1 below
   * kw*c; bias, scale, zw padded to a multiple of 4 channels. Output as q8_conv2d_table.
   */
  q8_conv2d_dot(
    ...args: [...StreamArgs, ...ChannelArgs, y: number, n: number, ...WindowArgs, ...OutputArgs]
  ): void;
  /**
   * Gathered-rows path: rows uint16 [kh*kw*c][256][kp] with rows[t][a][co] =
   * table[a*256 + w[t,co]] (from q8_gather_rows); zw, bias, scale padded to kp entries;
   * scratch: 8 * kh * kw * c bytes. Same sums and output as q8_conv2d_table.
   */
  q8_conv2d_rows(
    ...args: [
      x: number,
      rows: number,
      ...ChannelArgs,
      y: number,
      scratch: number,
      n: number,
      ...WindowArgs,
      ...OutputArgs,
      skipZero: number,
    ]
  ): void;
  /** rows[t][a][co] = table[a*256 + w[t*k + co]] (0 for k <= co < kp); w bytes [taps][k]. */
  q8_gather_rows(table: number, w: number, rows: number, taps: number, k: number): void;
  /**
   * Table path of a depthwise convolution (k = c): channel ch sums its kh*kw taps of input
   * channel ch. w: bytes [kh][kw][cp], cp = c rounded up to 8. Output as q8_conv2d_table.
   */
  q8_dwconv2d_table(
    ...args: [
      x: number,
      table: number,
      w: number,
      ...ChannelArgs,
      y: number,
      n: number,
      ...WindowArgs,
      ...OutputArgs,
    ]
  ): void;
  /** q8_conv2d_table of a 1 x n image with inF channels and a 1x1 kernel. */
  q8_dense_table(
    ...args: [
      x: number,
      table: number,
      w: number,
      ...ChannelArgs,
      y: number,
      scratch: number,
      n: number,
      ...DenseArgs,
      ...OutputArgs,
      skipZero: number,
    ]
  ): void;
  /** q8_conv2d_dot of a 1 x n image with inF channels and a 1x1 kernel. */
  q8_dense_dot(
    ...args: [...StreamArgs, ...ChannelArgs, y: number, n: number, ...DenseArgs, ...OutputArgs]
  ): void;
  /** Bytes x [n][h][w][c] -> y [n][h+pt+pb][w+pl+pr][c], border = fill. */
  q8_pad(...args: [x: number, y: number, ...PadArgs]): void;
  /** As q8_pad into int16 through lut (256 x int16; 0 = identity); border = lut[fill];
   * 16 zero bytes follow the tensor. */
  q8_pad_lut_i16(...args: [x: number, lut: number, y: number, ...PadArgs]): void;
  /** y = requant(f32(a-za)*ka + f32(b-zb)*kb) with scale 1 (each step float32). */
  q8_add(
    a: number,
    b: number,
    y: number,
    len: number,
    za: number,
    zb: number,
    ka: number,
    kb: number,
    zOut: number,
    lo: number,
  ): void;
  /** Max over in-image taps (fill when none). */
  q8_maxpool(...args: [x: number, y: number, ...PoolArgs]): void;
  /** Mean over in-image taps, rounded half up (fill when none). */
  q8_avgpool(...args: [x: number, y: number, ...PoolArgs]): void;
  /** y[s, ch] = requant(sum_p x[s,p,ch] - hw*zIn, k, zOut, lo 0). */
  q8_gap(
    x: number,
    y: number,
    n: number,
    hw: number,
    c: number,
    zIn: number,
    k: number,
    zOut: number,
  ): void;
  /** y[r, ch] = lut[ch*256 + x[r, ch]]. */
  q8_lut_channels(x: number, lut: number, y: number, rows: number, c: number): void;
  /** y[r] = lutA[a[r]] ++ lutB[b[r]]. */
  q8_concat(
    a: number,
    b: number,
    lutA: number,
    lutB: number,
    y: number,
    rows: number,
    ca: number,
    cb: number,
  ): void;
}

/** The 8-bit kernels of an engine instance (throws if the build predates them). */
export function quantKernels(engine: Engine): QKernels {
  const k = engine.kernels as unknown as Record<string, unknown>;
  for (const name of ["q8_conv2d_table", "q8_conv2d_dot", "q8_pad_lut_i16", "q8_add"]) {
    if (typeof k[name] !== "function") {
      throw new Error(`The engine has no export '${name}': run \`deno task build\``);
    }
  }
  return k as unknown as QKernels;
}
