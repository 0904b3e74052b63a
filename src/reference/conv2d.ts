/**
 * Plain float64 convolutions written straight from the definition: the oracle the wasm
 * kernels (assembly/conv2d_f32.ts) are tested against. Layouts follow src/engine/kernels.ts:
 * NHWC activations, HWIO weights, out-of-image taps read as 0.
 */

/** Full geometry of one 2-D convolution, in the argument order of the wasm kernels. */
export interface Conv2dShape {
  /** Batch. */
  n: number;
  /** Input height and width. */
  h: number;
  w: number;
  /** Input and output channels. */
  c: number;
  k: number;
  /** Kernel height and width. */
  kh: number;
  kw: number;
  /** Strides. */
  sh: number;
  sw: number;
  /** Padding before (top, left); padding after is implied by oh, ow. */
  pt: number;
  pl: number;
  /** Output height and width. */
  oh: number;
  ow: number;
}

/** Output size along one axis: floor((size + padBefore + padAfter - kernel) / stride) + 1. */
export function convOutSize(
  size: number,
  kernel: number,
  stride: number,
  padBefore: number,
  padAfter: number,
): number {
  const span = size + padBefore + padAfter - kernel;
  if (span < 0) throw new Error(`convOutSize: kernel ${kernel} is larger than padded size`);
  return Math.floor(span / stride) + 1;
}

/** The geometry as the argument list the wasm kernels take after their pointers. */
export function conv2dArgs(s: Conv2dShape): number[] {
  return [s.n, s.h, s.w, s.c, s.k, s.kh, s.kw, s.sh, s.sw, s.pt, s.pl, s.oh, s.ow];
}

/** Multiply-accumulates of one pass (forward, backward-to-input and -to-weights all do as many). */
export function conv2dMacs(s: Conv2dShape): number {
  return s.n * s.oh * s.ow * s.k * s.kh * s.kw * s.c;
}

/** A readable label for test failures and benchmark rows. */
export function conv2dLabel(s: Conv2dShape): string {
  return `n${s.n} ${s.h}x${s.w}x${s.c} -> k${s.k} ${s.kh}x${s.kw} ` +
    `s${s.sh},${s.sw} p${s.pt},${s.pl} out ${s.oh}x${s.ow}`;
}

/** Input row (or column) read by output position o and tap t, or -1 when it is padding. */
function tapIndex(o: number, stride: number, pad: number, t: number, size: number): number {
  const i = o * stride - pad + t;
  return i >= 0 && i < size ? i : -1;
}

/** y[n,oy,ox,co] = bias[co] + sum_{ky,kx,ci} x[n, oy*sh-pt+ky, ox*sw-pl+kx, ci] * w[ky,kx,ci,co]. */
export function conv2dForwardRef(
  s: Conv2dShape,
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  bias?: ArrayLike<number>,
): Float64Array {
  const y = new Float64Array(s.n * s.oh * s.ow * s.k);
  for (let n = 0; n < s.n; n++) {
    for (let oy = 0; oy < s.oh; oy++) {
      for (let ox = 0; ox < s.ow; ox++) {
        for (let co = 0; co < s.k; co++) {
          let sum = bias ? bias[co] : 0;
          for (let ky = 0; ky < s.kh; ky++) {
            const iy = tapIndex(oy, s.sh, s.pt, ky, s.h);
            if (iy < 0) continue;
            for (let kx = 0; kx < s.kw; kx++) {
              const ix = tapIndex(ox, s.sw, s.pl, kx, s.w);
              if (ix < 0) continue;
              for (let ci = 0; ci < s.c; ci++) {
                sum += x[((n * s.h + iy) * s.w + ix) * s.c + ci] *
                  w[((ky * s.kw + kx) * s.c + ci) * s.k + co];
              }
            }
          }
          y[((n * s.oh + oy) * s.ow + ox) * s.k + co] = sum;
        }
      }
    }
  }
  return y;
}

/** dx = d(sum dy*y)/dx: every output gradient is scattered back along the taps that made it. */
export function conv2dBackwardInputRef(
  s: Conv2dShape,
  dy: ArrayLike<number>,
  w: ArrayLike<number>,
): Float64Array {
  const dx = new Float64Array(s.n * s.h * s.w * s.c);
  for (let n = 0; n < s.n; n++) {
    for (let oy = 0; oy < s.oh; oy++) {
      for (let ox = 0; ox < s.ow; ox++) {
        for (let ky = 0; ky < s.kh; ky++) {
          const iy = tapIndex(oy, s.sh, s.pt, ky, s.h);
          if (iy < 0) continue;
          for (let kx = 0; kx < s.kw; kx++) {
            const ix = tapIndex(ox, s.sw, s.pl, kx, s.w);
            if (ix < 0) continue;
            for (let ci = 0; ci < s.c; ci++) {
              let sum = 0;
              for (let co = 0; co < s.k; co++) {
                sum += dy[((n * s.oh + oy) * s.ow + ox) * s.k + co] *
                  w[((ky * s.kw + kx) * s.c + ci) * s.k + co];
              }
              dx[((n * s.h + iy) * s.w + ix) * s.c + ci] += sum;
            }
          }
        }
      }
    }
  }
  return dx;
}

/** dw = d(sum dy*y)/dw (HWIO) and dbias = sum of dy over n, oy, ox. */
export function conv2dBackwardWeightsRef(
  s: Conv2dShape,
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
): { dw: Float64Array; dbias: Float64Array } {
  const dw = new Float64Array(s.kh * s.kw * s.c * s.k);
  const dbias = new Float64Array(s.k);
  for (let n = 0; n < s.n; n++) {
    for (let oy = 0; oy < s.oh; oy++) {
      for (let ox = 0; ox < s.ow; ox++) {
        const dyAt = ((n * s.oh + oy) * s.ow + ox) * s.k;
        for (let co = 0; co < s.k; co++) dbias[co] += dy[dyAt + co];
        for (let ky = 0; ky < s.kh; ky++) {
          const iy = tapIndex(oy, s.sh, s.pt, ky, s.h);
          if (iy < 0) continue;
          for (let kx = 0; kx < s.kw; kx++) {
            const ix = tapIndex(ox, s.sw, s.pl, kx, s.w);
            if (ix < 0) continue;
            for (let ci = 0; ci < s.c; ci++) {
              const xv = x[((n * s.h + iy) * s.w + ix) * s.c + ci];
              for (let co = 0; co < s.k; co++) {
                dw[((ky * s.kw + kx) * s.c + ci) * s.k + co] += xv * dy[dyAt + co];
              }
            }
          }
        }
      }
    }
  }
  return { dw, dbias };
}
