// Batch normalisation over `count` rows (pixels) of `c` channels, channels innermost.
//
// Each direction is two streaming passes over the activations: one gathers per-channel sums,
// one writes the output. Sums are taken over blocks of rows in f32 registers, then added into
// f64 totals, so long batches do not lose precision. The forward pass sums data shifted by the
// first row, which keeps the variance free of cancellation when |mean| >> std.

/** Channels handled at once; wider layers are processed this many channels at a time. */
const CHUNK: i32 = 1024;
/** At most this many rows go into one f32 partial sum before it is added to the f64 totals. */
const MAX_BLOCK_ROWS: i32 = 64;
/** Bytes of activations one block aims to keep in L1 while its channels are summed. */
const BLOCK_BYTES: i32 = 16384;

// Per-channel working space (static, not allocated; each engine instance has its own).
const SUM_A: usize = memory.data(CHUNK * 8, 16); // f64
const SUM_B: usize = memory.data(CHUNK * 8, 16); // f64
const COEF_A: usize = memory.data(CHUNK * 4, 16); // f32
const COEF_B: usize = memory.data(CHUNK * 4, 16); // f32
const COEF_C: usize = memory.data(CHUNK * 4, 16); // f32

/** Adds the four lanes of an f32x4 partial sum into four f64 totals at `dst`. */

function addToF64(dst: usize, v: v128): void {
  const lo = f64x2.promote_low_f32x4(v);
  const hi = f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3));
  v128.store(dst, f64x2.add(v128.load(dst), lo));
  v128.store(dst + 16, f64x2.add(v128.load(dst + 16), hi));
}

/**
 * For channels [c0, c0+cw): SUM_A[j] = sum_r a, SUM_B[j] = sum_r a*b with
 * a = u[r, c0+j] - (shiftU ? uShift[c0+j] : 0), b = v[r, c0+j] - vShift[c0+j].
 * Rows are walked in L1-sized blocks, one channel vector at a time inside a block.
 */

function channelSums(
  u: usize,
  uShift: usize,
  v: usize,
  vShift: usize,
  count: i32,
  c: i32,
  c0: i32,
  cw: i32,
  shiftU: bool,
): void {
  for (let j = 0; j < cw; j++) {
    store<f64>(SUM_A + (<usize> j << 3), 0);
    store<f64>(SUM_B + (<usize> j << 3), 0);
  }
  const stride = <usize> c << 2;
  const blockRows = max(1, min(MAX_BLOCK_ROWS, BLOCK_BYTES / (cw << 2)));
  const zero = f32x4.splat(0);
  for (let r0 = 0; r0 < count; r0 += blockRows) {
    const rows = min(blockRows, count - r0);
    const rowOff = <usize> r0 * stride;
    let j = 0;
    for (; j + 4 <= cw; j += 4) {
      const off = <usize> (c0 + j) << 2;
      const us = shiftU ? v128.load(uShift + off) : zero;
      const vs = v128.load(vShift + off);
      let pu = u + rowOff + off;
      let pv = v + rowOff + off;
      let sa = zero;
      let sb = zero;
      for (let r = 0; r < rows; r++) {
        const a = f32x4.sub(v128.load(pu), us);
        const b = f32x4.sub(v128.load(pv), vs);
        sa = f32x4.add(sa, a);
        sb = f32x4.relaxed_madd(a, b, sb);
        pu += stride;
        pv += stride;
      }
      addToF64(SUM_A + (<usize> j << 3), sa);
      addToF64(SUM_B + (<usize> j << 3), sb);
    }
    for (; j < cw; j++) {
      const off = <usize> (c0 + j) << 2;
      const us: f32 = shiftU ? load<f32>(uShift + off) : 0;
      const vs = load<f32>(vShift + off);
      let pu = u + rowOff + off;
      let pv = v + rowOff + off;
      let sa: f32 = 0;
      let sb: f32 = 0;
      for (let r = 0; r < rows; r++) {
        const a = load<f32>(pu) - us;
        sa += a;
        sb += a * (load<f32>(pv) - vs);
        pu += stride;
        pv += stride;
      }
      const ta = SUM_A + (<usize> j << 3);
      const tb = SUM_B + (<usize> j << 3);
      store<f64>(ta, load<f64>(ta) + <f64> sa);
      store<f64>(tb, load<f64>(tb) + <f64> sb);
    }
  }
}

/**
 * For channels [c0, c0+cw): out[r, ch] = (x[r, ch] - centre[ch]) * scale[ch] + offset[ch] + k[ch] * dy[r, ch],
 * the k term only when withDy. scale, offset and k are indexed from the chunk start.
 */

function affinePass(
  x: usize,
  dy: usize,
  out: usize,
  centre: usize,
  scale: usize,
  offset: usize,
  k: usize,
  count: i32,
  c: i32,
  c0: i32,
  cw: i32,
  withDy: bool,
): void {
  const stride = <usize> c << 2;
  const chunkOff = <usize> c0 << 2;
  const vecEnd = cw & ~3;
  for (let r = 0; r < count; r++) {
    const row = <usize> r * stride + chunkOff;
    let j = 0;
    for (; j < vecEnd; j += 4) {
      const o = <usize> j << 2;
      const xm = f32x4.sub(v128.load(x + row + o), v128.load(centre + chunkOff + o));
      let val = f32x4.relaxed_madd(xm, v128.load(scale + o), v128.load(offset + o));
      if (withDy) val = f32x4.relaxed_madd(v128.load(dy + row + o), v128.load(k + o), val);
      v128.store(out + row + o, val);
    }
    for (; j < cw; j++) {
      const o = <usize> j << 2;
      const xm = load<f32>(x + row + o) - load<f32>(centre + chunkOff + o);
      let val = xm * load<f32>(scale + o) + load<f32>(offset + o);
      if (withDy) val += load<f32>(dy + row + o) * load<f32>(k + o);
      store<f32>(out + row + o, val);
    }
  }
}

/**
 * Training forward: batch mean and biased variance per channel, y = gamma*(x-mean)*invstd + beta.
 * Saves mean and invstd; run = (1-momentum)*run + momentum*batch, with the unbiased variance
 * (count/(count-1); the biased one when count is 1) going into run_var.
 */
export function f32_batchnorm_fwd_train(
  x: usize,
  y: usize,
  gamma: usize,
  beta: usize,
  mean: usize,
  invstd: usize,
  run_mean: usize,
  run_var: usize,
  count: i32,
  c: i32,
  momentum: f32,
  eps: f32,
): void {
  if (count <= 0) return;
  const m = <f64> momentum;
  const unbias: f64 = count > 1 ? <f64> count / <f64> (count - 1) : 1.0;
  for (let c0 = 0; c0 < c; c0 += CHUNK) {
    const cw = min(CHUNK, c - c0);
    // Shift by the first row (x's row 0 starts at x): any sample near the data works.
    channelSums(x, x, x, x, count, c, c0, cw, true);
    for (let j = 0; j < cw; j++) {
      const ch = <usize> (c0 + j) << 2;
      const shift = <f64> load<f32>(x + ch);
      const d = load<f64>(SUM_A + (<usize> j << 3)) / <f64> count;
      const variance = max(load<f64>(SUM_B + (<usize> j << 3)) / <f64> count - d * d, 0.0);
      const mu = shift + d;
      const inv = 1.0 / Math.sqrt(variance + <f64> eps);
      store<f32>(mean + ch, <f32> mu);
      store<f32>(invstd + ch, <f32> inv);
      store<f32>(COEF_A + (<usize> j << 2), <f32> (<f64> load<f32>(gamma + ch) * inv));
      store<f32>(run_mean + ch, <f32> ((1 - m) * <f64> load<f32>(run_mean + ch) + m * mu));
      store<f32>(
        run_var + ch,
        <f32> ((1 - m) * <f64> load<f32>(run_var + ch) + m * variance * unbias),
      );
    }
    affinePass(x, 0, y, mean, COEF_A, beta + (<usize> c0 << 2), 0, count, c, c0, cw, false);
  }
}

/** Inference forward: y = gamma*(x-run_mean)/sqrt(run_var+eps) + beta. */
export function f32_batchnorm_fwd_infer(
  x: usize,
  y: usize,
  gamma: usize,
  beta: usize,
  run_mean: usize,
  run_var: usize,
  count: i32,
  c: i32,
  eps: f32,
): void {
  for (let c0 = 0; c0 < c; c0 += CHUNK) {
    const cw = min(CHUNK, c - c0);
    for (let j = 0; j < cw; j++) {
      const ch = <usize> (c0 + j) << 2;
      const inv = 1.0 / Math.sqrt(<f64> load<f32>(run_var + ch) + <f64> eps);
      store<f32>(COEF_A + (<usize> j << 2), <f32> (<f64> load<f32>(gamma + ch) * inv));
    }
    affinePass(x, 0, y, run_mean, COEF_A, beta + (<usize> c0 << 2), 0, count, c, c0, cw, false);
  }
}

/**
 * Backward of the training forward, from the saved mean and invstd. Overwrites dx, dgamma, dbeta:
 * dbeta = sum dy, dgamma = sum dy*xhat,
 * dx = gamma*invstd*(dy - dbeta/count - xhat*dgamma/count).
 */
export function f32_batchnorm_bwd(
  x: usize,
  dy: usize,
  gamma: usize,
  mean: usize,
  invstd: usize,
  dx: usize,
  dgamma: usize,
  dbeta: usize,
  count: i32,
  c: i32,
): void {
  if (count <= 0) {
    for (let j = 0; j < c; j++) {
      store<f32>(dgamma + (<usize> j << 2), 0);
      store<f32>(dbeta + (<usize> j << 2), 0);
    }
    return;
  }
  for (let c0 = 0; c0 < c; c0 += CHUNK) {
    const cw = min(CHUNK, c - c0);
    channelSums(dy, 0, x, mean, count, c, c0, cw, false);
    for (let j = 0; j < cw; j++) {
      const ch = <usize> (c0 + j) << 2;
      const sumDy = load<f64>(SUM_A + (<usize> j << 3));
      const sumDyXm = load<f64>(SUM_B + (<usize> j << 3));
      const inv = <f64> load<f32>(invstd + ch);
      const k = <f64> load<f32>(gamma + ch) * inv;
      store<f32>(dbeta + ch, <f32> sumDy);
      store<f32>(dgamma + ch, <f32> (sumDyXm * inv));
      store<f32>(COEF_A + (<usize> j << 2), <f32> (-k * inv * inv * sumDyXm / <f64> count));
      store<f32>(COEF_B + (<usize> j << 2), <f32> (-k * sumDy / <f64> count));
      store<f32>(COEF_C + (<usize> j << 2), <f32> k);
    }
    affinePass(x, dy, dx, mean, COEF_A, COEF_B, COEF_C, count, c, c0, cw, true);
  }
}
