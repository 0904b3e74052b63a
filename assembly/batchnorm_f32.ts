// Batch normalisation over `count` rows (pixels) of `c` channels, channels innermost.
//
// Each direction is two streaming passes over the activations: one gathers per-channel sums,
// one writes the output. Sums are taken over blocks of rows in f32 registers, then added into
// f64 totals, so long batches do not lose precision. The forward pass sums data shifted by the
// first row, which keeps the variance free of cancellation when |mean| >> std.
//
// Per-channel coefficients live in static arrays indexed from the start of the current chunk of
// channels, so the inner loops address them with one index and constant offsets.

/** Channels handled at once; wider layers are processed this many channels at a time. */
const CHUNK: i32 = 1024;
/** At most this many rows go into one f32 partial sum before it is added to the f64 totals. */
const MAX_BLOCK_ROWS: i32 = 64;
/** Bytes of activations one block aims to keep in L1 while its channels are summed. */
const BLOCK_BYTES: i32 = 16384;

// Static working space (not allocated; each engine instance has its own), CHUNK channels each.
// All are indexed from the first channel of the current chunk.
const SUM_A: usize = memory.data(CHUNK * 8, 16); // f64 totals
const SUM_B: usize = memory.data(CHUNK * 8, 16); // f64 totals
const SHIFT_A: usize = memory.data(CHUNK * 4, 16); // f32: subtracted from u before summing
const SHIFT_B: usize = memory.data(CHUNK * 4, 16); // f32: subtracted from v before summing
const CENTRE: usize = memory.data(CHUNK * 4, 16); // f32: subtracted from x when writing
const SCALE: usize = memory.data(CHUNK * 4, 16); // f32: multiplies (x - centre)
const OFFSET: usize = memory.data(CHUNK * 4, 16); // f32: added
const DY_SCALE: usize = memory.data(CHUNK * 4, 16); // f32: multiplies dy (backward only)

// Inlined helpers are static methods: deno fmt drops decorators on plain functions, not on
// class members.

/** Adds two f32x4 partial sums, lane by lane, to the f64 totals at byte `at` of SUM_A, SUM_B. */
class Totals {
  @inline
  static add(at: usize, sa: v128, sb: v128): void {
    const a01 = f64x2.promote_low_f32x4(sa);
    const a23 = f64x2.promote_low_f32x4(i32x4.shuffle(sa, sa, 2, 3, 2, 3));
    const b01 = f64x2.promote_low_f32x4(sb);
    const b23 = f64x2.promote_low_f32x4(i32x4.shuffle(sb, sb, 2, 3, 2, 3));
    v128.store(at, f64x2.add(v128.load(at, SUM_A), a01), SUM_A);
    v128.store(at, f64x2.add(v128.load(at, SUM_A + 16), a23), SUM_A + 16);
    v128.store(at, f64x2.add(v128.load(at, SUM_B), b01), SUM_B);
    v128.store(at, f64x2.add(v128.load(at, SUM_B + 16), b23), SUM_B + 16);
  }
}

/**
 * The two passes, written once and specialised by constant flags (inlined into each kernel).
 * Both walk rows in L1-sized blocks, one channel vector at a time inside a block, so the
 * per-channel values sit in registers while the rows stream past.
 */
class Pass {
  /**
   * For channels [c0, c0+cw): SUM_A[j] = sum_r a, SUM_B[j] = sum_r a*b with
   * a = u[r, c0+j] - SHIFT_A[j] and b = v[r, c0+j] - SHIFT_B[j], or b = a when `square`.
   */
  @inline
  static sums(u: usize, v: usize, count: i32, c: i32, c0: i32, cw: i32, square: bool): void {
    memory.fill(SUM_A, 0, <usize> cw << 3);
    memory.fill(SUM_B, 0, <usize> cw << 3);
    const stride = <usize> c << 2;
    const blockRows = max(1, min(MAX_BLOCK_ROWS, BLOCK_BYTES / (cw << 2)));
    const vecEnd = <usize> (cw & ~3) << 2;
    const end = <usize> cw << 2;
    const zero = f32x4.splat(0);
    for (let r0 = 0; r0 < count; r0 += blockRows) {
      const rows = min(blockRows, count - r0);
      const first = <usize> r0 * stride + (<usize> c0 << 2);
      let q: usize = 0; // byte offset of the channel within the chunk
      for (; q < vecEnd; q += 16) {
        const shiftA = v128.load(q, SHIFT_A);
        const shiftB = v128.load(q, SHIFT_B);
        let pu = u + first + q;
        let pv = v + first + q;
        let sa = zero;
        let sb = zero;
        for (let r = 0; r < rows; r++) {
          const a = f32x4.sub(v128.load(pu), shiftA);
          const b = square ? a : f32x4.sub(v128.load(pv), shiftB);
          sa = f32x4.add(sa, a);
          sb = f32x4.relaxed_madd(a, b, sb);
          pu += stride;
          if (!square) pv += stride;
        }
        Totals.add(q << 1, sa, sb);
      }
      for (; q < end; q += 4) {
        const shiftA = load<f32>(q, SHIFT_A);
        const shiftB = load<f32>(q, SHIFT_B);
        let pu = u + first + q;
        let pv = v + first + q;
        let sa: f32 = 0;
        let sb: f32 = 0;
        for (let r = 0; r < rows; r++) {
          const a = load<f32>(pu) - shiftA;
          sa += a;
          sb += a * (square ? a : load<f32>(pv) - shiftB);
          pu += stride;
          if (!square) pv += stride;
        }
        store<f64>(q << 1, load<f64>(q << 1, SUM_A) + <f64> sa, SUM_A);
        store<f64>(q << 1, load<f64>(q << 1, SUM_B) + <f64> sb, SUM_B);
      }
    }
  }

  /**
   * For channels [c0, c0+cw) of every row: out = (x - CENTRE) * SCALE + OFFSET, plus
   * dy * DY_SCALE when `withDy`.
   */
  @inline
  static affine(
    x: usize,
    dy: usize,
    out: usize,
    count: i32,
    c: i32,
    c0: i32,
    cw: i32,
    withDy: bool,
  ): void {
    const stride = <usize> c << 2;
    const blockRows = max(
      1,
      min(MAX_BLOCK_ROWS, (withDy ? BLOCK_BYTES >> 1 : BLOCK_BYTES) / (cw << 2)),
    );
    const vecEnd = <usize> (cw & ~3) << 2;
    const end = <usize> cw << 2;
    for (let r0 = 0; r0 < count; r0 += blockRows) {
      const rows = min(blockRows, count - r0);
      const first = <usize> r0 * stride + (<usize> c0 << 2);
      let q: usize = 0;
      for (; q < vecEnd; q += 16) {
        const centre = v128.load(q, CENTRE);
        const scale = v128.load(q, SCALE);
        const offset = v128.load(q, OFFSET);
        const dyScale = v128.load(q, DY_SCALE);
        let px = x + first + q;
        let pd = dy + first + q;
        let po = out + first + q;
        for (let r = 0; r < rows; r++) {
          let val = f32x4.relaxed_madd(f32x4.sub(v128.load(px), centre), scale, offset);
          if (withDy) val = f32x4.relaxed_madd(v128.load(pd), dyScale, val);
          v128.store(po, val);
          px += stride;
          if (withDy) pd += stride;
          po += stride;
        }
      }
      for (; q < end; q += 4) {
        const centre = load<f32>(q, CENTRE);
        const scale = load<f32>(q, SCALE);
        const offset = load<f32>(q, OFFSET);
        const dyScale = load<f32>(q, DY_SCALE);
        let px = x + first + q;
        let pd = dy + first + q;
        let po = out + first + q;
        for (let r = 0; r < rows; r++) {
          let val = (load<f32>(px) - centre) * scale + offset;
          if (withDy) val += load<f32>(pd) * dyScale;
          store<f32>(po, val);
          px += stride;
          if (withDy) pd += stride;
          po += stride;
        }
      }
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
    const chunk = <usize> c0 << 2;
    // Shift by the first row: any sample near the data keeps the sums small.
    memory.copy(SHIFT_A, x + chunk, <usize> cw << 2);
    Pass.sums(x, x, count, c, c0, cw, true);
    for (let j = 0; j < cw; j++) {
      const q = <usize> j << 2;
      const ch = chunk + q;
      const d = load<f64>(q << 1, SUM_A) / <f64> count;
      const variance = max(load<f64>(q << 1, SUM_B) / <f64> count - d * d, 0.0);
      const mu = <f64> load<f32>(q, SHIFT_A) + d;
      const inv = 1.0 / Math.sqrt(variance + <f64> eps);
      store<f32>(mean + ch, <f32> mu);
      store<f32>(invstd + ch, <f32> inv);
      store<f32>(q, <f32> mu, CENTRE);
      store<f32>(q, <f32> (<f64> load<f32>(gamma + ch) * inv), SCALE);
      store<f32>(q, load<f32>(beta + ch), OFFSET);
      store<f32>(run_mean + ch, <f32> ((1 - m) * <f64> load<f32>(run_mean + ch) + m * mu));
      const rv = (1 - m) * <f64> load<f32>(run_var + ch) + m * variance * unbias;
      store<f32>(run_var + ch, <f32> rv);
    }
    Pass.affine(x, 0, y, count, c, c0, cw, false);
  }
}

/** Inference forward: y = gamma*(x-run_mean)/sqrt(run_var+eps) + beta; y may equal x. */
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
    const chunk = <usize> c0 << 2;
    for (let j = 0; j < cw; j++) {
      const q = <usize> j << 2;
      const ch = chunk + q;
      const inv = 1.0 / Math.sqrt(<f64> load<f32>(run_var + ch) + <f64> eps);
      store<f32>(q, load<f32>(run_mean + ch), CENTRE);
      store<f32>(q, <f32> (<f64> load<f32>(gamma + ch) * inv), SCALE);
      store<f32>(q, load<f32>(beta + ch), OFFSET);
    }
    Pass.affine(x, 0, y, count, c, c0, cw, false);
  }
}

/**
 * Backward of the training forward, from the saved mean and invstd. Overwrites dx, dgamma, dbeta:
 * dbeta = sum dy, dgamma = sum dy*xhat,
 * dx = gamma*invstd*(dy - dbeta/count - xhat*dgamma/count). dx may equal dy.
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
    if (c > 0) {
      memory.fill(dgamma, 0, <usize> c << 2);
      memory.fill(dbeta, 0, <usize> c << 2);
    }
    return;
  }
  for (let c0 = 0; c0 < c; c0 += CHUNK) {
    const cw = min(CHUNK, c - c0);
    const chunk = <usize> c0 << 2;
    // Sums of dy and of dy * (x - mean).
    memory.fill(SHIFT_A, 0, <usize> cw << 2);
    memory.copy(SHIFT_B, mean + chunk, <usize> cw << 2);
    Pass.sums(dy, x, count, c, c0, cw, false);
    // dx = k*dy + p*(x - mean) + q with k = gamma*invstd, p = -k*invstd^2*S/count,
    // q = -k*sum(dy)/count, S = sum dy*(x - mean).
    for (let j = 0; j < cw; j++) {
      const q = <usize> j << 2;
      const ch = chunk + q;
      const sumDy = load<f64>(q << 1, SUM_A);
      const sumDyXm = load<f64>(q << 1, SUM_B);
      const inv = <f64> load<f32>(invstd + ch);
      const k = <f64> load<f32>(gamma + ch) * inv;
      store<f32>(dbeta + ch, <f32> sumDy);
      store<f32>(dgamma + ch, <f32> (sumDyXm * inv));
      store<f32>(q, load<f32>(mean + ch), CENTRE);
      store<f32>(q, <f32> (-k * inv * inv * sumDyXm / <f64> count), SCALE);
      store<f32>(q, <f32> (-k * sumDy / <f64> count), OFFSET);
      store<f32>(q, <f32> k, DY_SCALE);
    }
    Pass.affine(x, dy, dx, count, c, c0, cw, true);
  }
}
