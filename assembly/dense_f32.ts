// Fully connected layer: x [n][inF], w [inF][outF], y [n][outF]. Small in our networks
// (64 -> 10), but written for any size: outputs are swept in register blocks of 16 columns.

/**
 * out[o] = (init ? init[o] : 0) + sum_k s[k] * m[k][o] for o < cols, k < depth.
 * s[k] is at s + k*sStride bytes, row k of m at m + k*mStride bytes. init is optional (0).
 */
function combineRows(
  s: usize,
  sStride: usize,
  m: usize,
  mStride: usize,
  depth: i32,
  cols: i32,
  init: usize,
  out: usize,
): void {
  const zero = f32x4.splat(0);
  let o = 0;
  for (; o + 16 <= cols; o += 16) {
    const off = <usize> o << 2;
    let a0 = init ? v128.load(init + off) : zero;
    let a1 = init ? v128.load(init + off + 16) : zero;
    let a2 = init ? v128.load(init + off + 32) : zero;
    let a3 = init ? v128.load(init + off + 48) : zero;
    let ps = s;
    let pm = m + off;
    for (let k = 0; k < depth; k++) {
      const sv = v128.load32_splat(ps);
      a0 = f32x4.relaxed_madd(sv, v128.load(pm), a0);
      a1 = f32x4.relaxed_madd(sv, v128.load(pm + 16), a1);
      a2 = f32x4.relaxed_madd(sv, v128.load(pm + 32), a2);
      a3 = f32x4.relaxed_madd(sv, v128.load(pm + 48), a3);
      ps += sStride;
      pm += mStride;
    }
    v128.store(out + off, a0);
    v128.store(out + off + 16, a1);
    v128.store(out + off + 32, a2);
    v128.store(out + off + 48, a3);
  }
  for (; o + 4 <= cols; o += 4) {
    const off = <usize> o << 2;
    let a = init ? v128.load(init + off) : zero;
    let ps = s;
    let pm = m + off;
    for (let k = 0; k < depth; k++) {
      a = f32x4.relaxed_madd(v128.load32_splat(ps), v128.load(pm), a);
      ps += sStride;
      pm += mStride;
    }
    v128.store(out + off, a);
  }
  for (; o < cols; o++) {
    const off = <usize> o << 2;
    let a: f32 = init ? load<f32>(init + off) : 0;
    let ps = s;
    let pm = m + off;
    for (let k = 0; k < depth; k++) {
      a += load<f32>(ps) * load<f32>(pm);
      ps += sStride;
      pm += mStride;
    }
    store<f32>(out + off, a);
  }
}

/** sum_i a[i] * b[i] over len contiguous floats. */
function dotF32(a: usize, b: usize, len: i32): f32 {
  let acc = f32x4.splat(0);
  const vecBytes = <usize> (len & ~3) << 2;
  let i: usize = 0;
  for (; i < vecBytes; i += 16) acc = f32x4.relaxed_madd(v128.load(a + i), v128.load(b + i), acc);
  let sum = f32x4.extract_lane(acc, 0 as u8) + f32x4.extract_lane(acc, 1 as u8) +
    f32x4.extract_lane(acc, 2 as u8) + f32x4.extract_lane(acc, 3 as u8);
  const end = <usize> len << 2;
  for (; i < end; i += 4) sum += load<f32>(a + i) * load<f32>(b + i);
  return sum;
}

/** y[b, o] = bias[o] + sum_i x[b, i] * w[i, o]; bias optional (0). */
export function f32_dense_fwd(
  x: usize,
  w: usize,
  bias: usize,
  y: usize,
  n: i32,
  inF: i32,
  outF: i32,
): void {
  const xRow = <usize> inF << 2;
  const yRow = <usize> outF << 2;
  for (let b = 0; b < n; b++) {
    combineRows(x + <usize> b * xRow, 4, w, yRow, inF, outF, bias, y + <usize> b * yRow);
  }
}

/** dx (optional) = dy w^T; dw = x^T dy; dbias (optional) = column sums of dy. Overwrites all. */
export function f32_dense_bwd(
  x: usize,
  w: usize,
  dy: usize,
  dx: usize,
  dw: usize,
  dbias: usize,
  n: i32,
  inF: i32,
  outF: i32,
): void {
  const xRow = <usize> inF << 2;
  const yRow = <usize> outF << 2;
  if (dx) {
    for (let b = 0; b < n; b++) {
      const g = dy + <usize> b * yRow;
      const out = dx + <usize> b * xRow;
      for (let i = 0; i < inF; i++) {
        store<f32>(out + (<usize> i << 2), dotF32(g, w + <usize> i * yRow, outF));
      }
    }
  }
  // Row i of dw combines the rows of dy with column i of x as weights.
  for (let i = 0; i < inF; i++) {
    combineRows(x + (<usize> i << 2), xRow, dy, yRow, n, outF, 0, dw + <usize> i * yRow);
  }
  if (dbias) {
    for (let o = 0; o < outF; o++) store<f32>(dbias + (<usize> o << 2), 0);
    for (let b = 0; b < n; b++) {
      const g = dy + <usize> b * yRow;
      for (let o = 0; o < outF; o++) {
        const p = dbias + (<usize> o << 2);
        store<f32>(p, load<f32>(p) + load<f32>(g + (<usize> o << 2)));
      }
    }
  }
}
