/**
 * Plain float64 pooling over NHWC tensors, from the definition: the oracle for
 * assembly/pool_f32.ts. Windows only count taps inside the image.
 */

/** Geometry of one pooling layer, in the argument order of the wasm kernels (c is kept). */
export interface PoolShape {
  /** Batch. */
  n: number;
  /** Input height, width and channels. */
  h: number;
  w: number;
  c: number;
  /** Window height and width. */
  kh: number;
  kw: number;
  /** Strides. */
  sh: number;
  sw: number;
  /** Padding before (top, left). */
  pt: number;
  pl: number;
  /** Output height and width. */
  oh: number;
  ow: number;
}

/** n, h, w, c, kh, kw, sh, sw, pt, pl, oh, ow: pooling kernel arguments after the pointers. */
export type PoolArgs = [
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

/** The geometry as the argument list the wasm kernels take after their pointers. */
export function poolArgs(s: PoolShape): PoolArgs {
  return [s.n, s.h, s.w, s.c, s.kh, s.kw, s.sh, s.sw, s.pt, s.pl, s.oh, s.ow];
}

/** A readable label for test failures. */
export function poolLabel(s: PoolShape): string {
  return `n${s.n} ${s.h}x${s.w}x${s.c} window ${s.kh}x${s.kw} s${s.sh},${s.sw} ` +
    `p${s.pt},${s.pl} out ${s.oh}x${s.ow}`;
}

/** Visits the in-image taps of every output: (output flat index, input flat index, tap count). */
function forEachTap(s: PoolShape, visit: (out: number, inp: number, taps: number) => void): void {
  for (let b = 0; b < s.n; b++) {
    for (let oy = 0; oy < s.oh; oy++) {
      for (let ox = 0; ox < s.ow; ox++) {
        const rows: number[] = [];
        const cols: number[] = [];
        for (let ky = 0; ky < s.kh; ky++) {
          const iy = oy * s.sh - s.pt + ky;
          if (iy >= 0 && iy < s.h) rows.push(iy);
        }
        for (let kx = 0; kx < s.kw; kx++) {
          const ix = ox * s.sw - s.pl + kx;
          if (ix >= 0 && ix < s.w) cols.push(ix);
        }
        const taps = rows.length * cols.length;
        for (let ch = 0; ch < s.c; ch++) {
          const out = ((b * s.oh + oy) * s.ow + ox) * s.c + ch;
          for (const iy of rows) {
            for (const ix of cols) visit(out, ((b * s.h + iy) * s.w + ix) * s.c + ch, taps);
          }
        }
      }
    }
  }
}

/** Max over each window's in-image taps; argmax is the flat index into x of the first maximum. */
export function maxPoolForwardRef(
  x: ArrayLike<number>,
  s: PoolShape,
): { y: Float64Array; argmax: Int32Array } {
  const len = s.n * s.oh * s.ow * s.c;
  const y = new Float64Array(len);
  const argmax = new Int32Array(len).fill(-1);
  forEachTap(s, (out, inp) => {
    if (argmax[out] < 0 || x[inp] > y[out]) {
      y[out] = x[inp];
      argmax[out] = inp;
    }
  });
  return { y, argmax };
}

/** Gradient of max pooling: each output's dy goes to its winning input. */
export function maxPoolBackwardRef(
  dy: ArrayLike<number>,
  argmax: ArrayLike<number>,
  lenX: number,
): Float64Array {
  const dx = new Float64Array(lenX);
  for (let i = 0; i < dy.length; i++) if (argmax[i] >= 0) dx[argmax[i]] += dy[i];
  return dx;
}

/** Mean over each window's in-image taps. */
export function avgPoolForwardRef(x: ArrayLike<number>, s: PoolShape): Float64Array {
  const y = new Float64Array(s.n * s.oh * s.ow * s.c);
  forEachTap(s, (out, inp, taps) => y[out] += x[inp] / taps);
  return y;
}

/** Gradient of average pooling: dy/taps to each in-image tap. */
export function avgPoolBackwardRef(dy: ArrayLike<number>, s: PoolShape): Float64Array {
  const dx = new Float64Array(s.n * s.h * s.w * s.c);
  forEachTap(s, (out, inp, taps) => dx[inp] += dy[out] / taps);
  return dx;
}

/** Global average pooling: y[b, ch] = mean over the hw pixels of image b. */
export function gapForwardRef(
  x: ArrayLike<number>,
  n: number,
  hw: number,
  c: number,
): Float64Array {
  const y = new Float64Array(n * c);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < hw; i++) {
      for (let ch = 0; ch < c; ch++) y[b * c + ch] += x[(b * hw + i) * c + ch] / hw;
    }
  }
  return y;
}

/** Gradient of global average pooling: dy/hw to every pixel. */
export function gapBackwardRef(
  dy: ArrayLike<number>,
  n: number,
  hw: number,
  c: number,
): Float64Array {
  const dx = new Float64Array(n * hw * c);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < hw; i++) {
      for (let ch = 0; ch < c; ch++) dx[(b * hw + i) * c + ch] = dy[b * c + ch] / hw;
    }
  }
  return dx;
}
