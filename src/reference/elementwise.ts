/** Plain float64 element-wise operations: the oracle for assembly/elementwise_f32.ts. */

/** y = max(x, 0). */
export function reluForwardRef(x: ArrayLike<number>): Float64Array {
  return Float64Array.from(x, (v) => (v > 0 ? v : 0));
}

/** dx = y > 0 ? dy : 0, from the forward output y. */
export function reluBackwardRef(y: ArrayLike<number>, dy: ArrayLike<number>): Float64Array {
  return Float64Array.from(dy, (g, i) => (y[i] > 0 ? g : 0));
}

/** y = a + b. */
export function addRef(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  return Float64Array.from(a, (v, i) => v + b[i]);
}

/** Channel concatenation of `rows` rows: [a row (ca) | b row (cb)]. */
export function concatForwardRef(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  rows: number,
  ca: number,
  cb: number,
): Float64Array {
  const y = new Float64Array(rows * (ca + cb));
  for (let p = 0; p < rows; p++) {
    for (let j = 0; j < ca; j++) y[p * (ca + cb) + j] = a[p * ca + j];
    for (let j = 0; j < cb; j++) y[p * (ca + cb) + ca + j] = b[p * cb + j];
  }
  return y;
}

/** Splits the gradient of a concatenation back into its two parts. */
export function concatBackwardRef(
  dy: ArrayLike<number>,
  rows: number,
  ca: number,
  cb: number,
): { da: Float64Array; db: Float64Array } {
  const da = new Float64Array(rows * ca);
  const db = new Float64Array(rows * cb);
  for (let p = 0; p < rows; p++) {
    for (let j = 0; j < ca; j++) da[p * ca + j] = dy[p * (ca + cb) + j];
    for (let j = 0; j < cb; j++) db[p * cb + j] = dy[p * (ca + cb) + ca + j];
  }
  return { da, db };
}
