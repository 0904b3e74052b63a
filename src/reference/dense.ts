/**
 * Plain float64 fully connected layer (x [n][in], w [in][out]): the oracle for
 * assembly/dense_f32.ts.
 */

/** y[b, o] = bias[o] + sum_i x[b, i] * w[i, o]; bias may be omitted. */
export function denseForwardRef(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  bias: ArrayLike<number> | null,
  n: number,
  inF: number,
  outF: number,
): Float64Array {
  const y = new Float64Array(n * outF);
  for (let b = 0; b < n; b++) {
    for (let o = 0; o < outF; o++) {
      let s = bias ? bias[o] : 0;
      for (let i = 0; i < inF; i++) s += x[b * inF + i] * w[i * outF + o];
      y[b * outF + o] = s;
    }
  }
  return y;
}

/** dx = dy w^T, dw = x^T dy, dbias = column sums of dy. */
export function denseBackwardRef(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  dy: ArrayLike<number>,
  n: number,
  inF: number,
  outF: number,
): { dx: Float64Array; dw: Float64Array; dbias: Float64Array } {
  const dx = new Float64Array(n * inF);
  const dw = new Float64Array(inF * outF);
  const dbias = new Float64Array(outF);
  for (let b = 0; b < n; b++) {
    for (let o = 0; o < outF; o++) {
      const g = dy[b * outF + o];
      dbias[o] += g;
      for (let i = 0; i < inF; i++) {
        dx[b * inF + i] += g * w[i * outF + o];
        dw[i * outF + o] += g * x[b * inF + i];
      }
    }
  }
  return { dx, dw, dbias };
}
