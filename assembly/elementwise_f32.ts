// Element-wise float32 kernels over flat buffers of `len` floats. Each walks its buffers once,
// four lanes at a time, with a scalar tail; aliasing outputs with inputs is safe because every
// element is read before it is written.

/** y = max(x, 0); y may equal x. NaN passes through so divergence stays visible. */
export function f32_relu_fwd(x: usize, y: usize, len: i32): void {
  const zero = f32x4.splat(0);
  const vecBytes = <usize> (len & ~3) << 2;
  let i: usize = 0;
  // pmax(x, 0) = x < 0 ? 0 : x, one instruction on x86, same answer as the scalar tail.
  for (; i < vecBytes; i += 16) v128.store(y + i, f32x4.pmax(v128.load(x + i), zero));
  const end = <usize> len << 2;
  for (; i < end; i += 4) {
    const v = load<f32>(x + i);
    store<f32>(y + i, v < 0 ? 0 : v);
  }
}

/** dx = y > 0 ? dy : 0, from the forward output y; dx may equal dy. */
export function f32_relu_bwd(y: usize, dy: usize, dx: usize, len: i32): void {
  const zero = f32x4.splat(0);
  const vecBytes = <usize> (len & ~3) << 2;
  let i: usize = 0;
  for (; i < vecBytes; i += 16) {
    const on = f32x4.gt(v128.load(y + i), zero);
    v128.store(dx + i, v128.and(v128.load(dy + i), on));
  }
  const end = <usize> len << 2;
  for (; i < end; i += 4) store<f32>(dx + i, load<f32>(y + i) > 0 ? load<f32>(dy + i) : 0);
}

/** y = a + b; y may equal a or b. */
export function f32_add(a: usize, b: usize, y: usize, len: i32): void {
  const vecBytes = <usize> (len & ~3) << 2;
  let i: usize = 0;
  for (; i < vecBytes; i += 16) {
    v128.store(y + i, f32x4.add(v128.load(a + i), v128.load(b + i)));
  }
  const end = <usize> len << 2;
  for (; i < end; i += 4) store<f32>(y + i, load<f32>(a + i) + load<f32>(b + i));
}

/** y += x. */
export function f32_add_inplace(y: usize, x: usize, len: i32): void {
  f32_add(y, x, y, len);
}

/** dst[0:len] = src[0:len] (overlapping ranges are handled). */
export function f32_copy(src: usize, dst: usize, len: i32): void {
  if (len > 0) memory.copy(dst, src, <usize> len << 2);
}

/** dst[0:len] = value. */
export function f32_fill(dst: usize, value: f32, len: i32): void {
  const v = f32x4.splat(value);
  const vecBytes = <usize> (len & ~3) << 2;
  let i: usize = 0;
  for (; i < vecBytes; i += 16) v128.store(dst + i, v);
  const end = <usize> len << 2;
  for (; i < end; i += 4) store<f32>(dst + i, value);
}

/** y[p, 0:ca] = a[p, :], y[p, ca:ca+cb] = b[p, :] for p < rows. */
export function f32_concat_fwd(a: usize, b: usize, y: usize, rows: i32, ca: i32, cb: i32): void {
  const bytesA = <usize> ca << 2;
  const bytesB = <usize> cb << 2;
  const stride = bytesA + bytesB;
  for (let p = 0; p < rows; p++) {
    const row = y + <usize> p * stride;
    memory.copy(row, a + <usize> p * bytesA, bytesA);
    memory.copy(row + bytesA, b + <usize> p * bytesB, bytesB);
  }
}

/** da[p, :] = dy[p, 0:ca], db[p, :] = dy[p, ca:ca+cb] for p < rows. */
export function f32_concat_bwd(dy: usize, da: usize, db: usize, rows: i32, ca: i32, cb: i32): void {
  const bytesA = <usize> ca << 2;
  const bytesB = <usize> cb << 2;
  const stride = bytesA + bytesB;
  for (let p = 0; p < rows; p++) {
    const row = dy + <usize> p * stride;
    memory.copy(da + <usize> p * bytesA, row, bytesA);
    memory.copy(db + <usize> p * bytesB, row + bytesA, bytesB);
  }
}
