/**
 * Plain float64 depthwise convolutions (one filter per channel) written straight from the
 * definition: the oracle for assembly/dwconv2d_f32.ts. NHWC activations, HWC weights
 * [kh][kw][c], out-of-image taps read as 0.
 */

/** Full geometry of one depthwise convolution, in the argument order of the wasm kernels. */
export interface DwConv2dShape {
  n: number;
  h: number;
  w: number;
  /** Channels, in and out. */
  c: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  /** Padding before (top, left); padding after is implied by oh, ow. */
  pt: number;
  pl: number;
  oh: number;
  ow: number;
}

/** The geometry as the argument list the wasm kernels take after their pointers. */
export function dwconv2dArgs(s: DwConv2dShape): DwConv2dArgs {
  return [s.n, s.h, s.w, s.c, s.kh, s.kw, s.sh, s.sw, s.pt, s.pl, s.oh, s.ow];
}

/** n, h, w, c, kh, kw, sh, sw, pt, pl, oh, ow. */
export type DwConv2dArgs = [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

/** Multiply-accumulates of one pass: one per kernel tap per output element. */
export function dwconv2dMacs(s: DwConv2dShape): number {
  return s.n * s.oh * s.ow * s.c * s.kh * s.kw;
}

/** A readable label for test failures and benchmark rows. */
export function dwconv2dLabel(s: DwConv2dShape): string {
  return `n${s.n} ${s.h}x${s.w}x${s.c} dw ${s.kh}x${s.kw} s${s.sh},${s.sw} p${s.pt},${s.pl} ` +
    `out ${s.oh}x${s.ow}`;
}

/**
 * Calls f(xAt, wAt, yAt) for every in-image tap of every output element: the flat indices
 * of the input element, weight and output element it joins.
 */
function forEachTap(s: DwConv2dShape, f: (xAt: number, wAt: number, yAt: number) => void) {
  for (let n = 0; n < s.n; n++) {
    for (let oy = 0; oy < s.oh; oy++) {
      for (let ox = 0; ox < s.ow; ox++) {
        const yAt = ((n * s.oh + oy) * s.ow + ox) * s.c;
        for (let ky = 0; ky < s.kh; ky++) {
          const iy = oy * s.sh - s.pt + ky;
          if (iy < 0 || iy >= s.h) continue;
          for (let kx = 0; kx < s.kw; kx++) {
            const ix = ox * s.sw - s.pl + kx;
            if (ix < 0 || ix >= s.w) continue;
            const xAt = ((n * s.h + iy) * s.w + ix) * s.c, wAt = (ky * s.kw + kx) * s.c;
            for (let ch = 0; ch < s.c; ch++) f(xAt + ch, wAt + ch, yAt + ch);
          }
        }
      }
    }
  }
}

/** y[n,oy,ox,ch] = bias[ch] + sum_{ky,kx} x[n, oy*sh-pt+ky, ox*sw-pl+kx, ch] * w[ky,kx,ch]. */
export function dwconv2dForwardRef(
  s: DwConv2dShape,
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  bias?: ArrayLike<number>,
): Float64Array {
  const y = new Float64Array(s.n * s.oh * s.ow * s.c);
  if (bias) { for (let i = 0; i < y.length; i++) y[i] = bias[i % s.c]; }
  forEachTap(s, (xi, wi, yi) => y[yi] += x[xi] * w[wi]);
  return y;
}

/** dx = d(sum dy*y)/dx: every output gradient scattered back along the taps that made it. */
export function dwconv2dBackwardInputRef(
  s: DwConv2dShape,
  dy: ArrayLike<number>,
  w: ArrayLike<number>,
): Float64Array {
  const dx = new Float64Array(s.n * s.h * s.w * s.c);
  forEachTap(s, (xi, wi, yi) => dx[xi] += dy[yi] * w[wi]);
  return dx;
}

/** dw = d(sum dy*y)/dw ([kh][kw][c]) and dbias = sum of dy over n, oy, ox. */
export function dwconv2dBackwardWeightsRef(
  s: DwConv2dShape,
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
): { dw: Float64Array; dbias: Float64Array } {
  const dw = new Float64Array(s.kh * s.kw * s.c);
  const dbias = new Float64Array(s.c);
  for (let i = 0; i < dy.length; i++) dbias[i % s.c] += dy[i];
  forEachTap(s, (xi, wi, yi) => dw[wi] += x[xi] * dy[yi]);
  return { dw, dbias };
}
