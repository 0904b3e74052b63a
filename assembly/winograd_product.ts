// The matrix products at the heart of the Winograd convolution (winograd_f32.ts): for one
// position of the transform domain and one block of tiles,
//   m[t][co] = sum_ci v[t][ci] * u[ci][co],
// with rows of cin, kout and kout floats. The reduction is short (cin is the layer's channel
// count, often 16), so the register tile (4 tiles x 8 output channels) runs over all of it
// in one call and stores its result straight away: no per-call setup beyond pointers.
// Two reduction steps per trip: one 8-byte load brings a tile's two values and lane shuffles
// broadcast them (every load costs a bounds check; measured 5% faster than a broadcasting
// load per value, while a 16-byte load with four shuffles runs out of registers). Leftover
// tiles and channel blocks narrower than 8 go through the direct convolution's gather
// kernel as a 1x1 convolution.
import { Co1, Co4, Co8, gatherTile } from "./conv2d_tile";

/** m = v u for `count` tiles (see above). */
export function blockProduct(v: usize, count: i32, cin: i32, u: usize, kout: i32, m: usize): void {
  const vRow = <usize> cin * 4;
  const row = <usize> kout * 4;
  const k8 = kout & ~7;
  const k4 = kout & ~3;
  const full = count & ~3;
  let co = 0;
  for (; co < k8; co += 8) {
    const off = <usize> co * 4;
    for (let t = 0; t < full; t += 4) {
      productTile(v + <usize> t * vRow, vRow, cin, u + off, row, m + <usize> t * row + off);
    }
    if (full < count) {
      gatherTile<Co8>(
        v,
        count,
        cin,
        u + off,
        kout,
        1,
        0,
        1,
        0,
        full,
        1,
        count - full,
        m + <usize> full * row + off,
        row,
        0,
      );
    }
  }
  if (co < k4) {
    for (let t = 0; t < count; t += 4) {
      const nPix = min(4, count - t);
      const out = m + <usize> t * row + (<usize> co << 2);
      gatherTile<Co4>(
        v,
        count,
        cin,
        u + (<usize> co << 2),
        kout,
        1,
        0,
        1,
        0,
        t,
        1,
        nPix,
        out,
        row,
        0,
      );
    }
    co += 4;
  }
  for (; co < kout; co++) {
    for (let t = 0; t < count; t += 4) {
      const nPix = min(4, count - t);
      const out = m + <usize> t * row + (<usize> co << 2);
      gatherTile<Co1>(
        v,
        count,
        cin,
        u + (<usize> co << 2),
        kout,
        1,
        0,
        1,
        0,
        t,
        1,
        nPix,
        out,
        row,
        0,
      );
    }
  }
}

/**
 * Tiles t..t+3 (rows vRow bytes apart from v) times output channels co..co+7 (u and m at that
 * column): two reduction steps per trip, then one for an odd cin.
 */
function productTile(v: usize, vRow: usize, cin: i32, u: usize, row: usize, m: usize): void {
  let a00 = f32x4.splat(0);
  let a01 = f32x4.splat(0);
  let a10 = f32x4.splat(0);
  let a11 = f32x4.splat(0);
  let a20 = f32x4.splat(0);
  let a21 = f32x4.splat(0);
  let a30 = f32x4.splat(0);
  let a31 = f32x4.splat(0);
  let q0 = v;
  let q1 = q0 + vRow;
  let q2 = q1 + vRow;
  let q3 = q2 + vRow;
  let wq = u;
  const wEnd = u + <usize> cin * row;
  const wEndPairs = u + <usize> (cin & ~1) * row;
  const row2 = row << 1;
  while (wq < wEndPairs) {
    const wn = wq + row;
    const wa = v128.load(wq);
    const wb = v128.load(wq, 16);
    const wc = v128.load(wn);
    const wd = v128.load(wn, 16);
    const v0 = v128.load64_splat(q0);
    let b = i32x4.shuffle(v0, v0, 0, 0, 0, 0);
    a00 = f32x4.relaxed_madd(b, wa, a00);
    a01 = f32x4.relaxed_madd(b, wb, a01);
    b = i32x4.shuffle(v0, v0, 1, 1, 1, 1);
    a00 = f32x4.relaxed_madd(b, wc, a00);
    a01 = f32x4.relaxed_madd(b, wd, a01);
    const v1 = v128.load64_splat(q1);
    b = i32x4.shuffle(v1, v1, 0, 0, 0, 0);
    a10 = f32x4.relaxed_madd(b, wa, a10);
    a11 = f32x4.relaxed_madd(b, wb, a11);
    b = i32x4.shuffle(v1, v1, 1, 1, 1, 1);
    a10 = f32x4.relaxed_madd(b, wc, a10);
    a11 = f32x4.relaxed_madd(b, wd, a11);
    const v2 = v128.load64_splat(q2);
    b = i32x4.shuffle(v2, v2, 0, 0, 0, 0);
    a20 = f32x4.relaxed_madd(b, wa, a20);
    a21 = f32x4.relaxed_madd(b, wb, a21);
    b = i32x4.shuffle(v2, v2, 1, 1, 1, 1);
    a20 = f32x4.relaxed_madd(b, wc, a20);
    a21 = f32x4.relaxed_madd(b, wd, a21);
    const v3 = v128.load64_splat(q3);
    b = i32x4.shuffle(v3, v3, 0, 0, 0, 0);
    a30 = f32x4.relaxed_madd(b, wa, a30);
    a31 = f32x4.relaxed_madd(b, wb, a31);
    b = i32x4.shuffle(v3, v3, 1, 1, 1, 1);
    a30 = f32x4.relaxed_madd(b, wc, a30);
    a31 = f32x4.relaxed_madd(b, wd, a31);
    q0 += 8;
    q1 += 8;
    q2 += 8;
    q3 += 8;
    wq += row2;
  }
  if (wq < wEnd) {
    const wa = v128.load(wq);
    const wb = v128.load(wq, 16);
    let b = v128.load32_splat(q0);
    a00 = f32x4.relaxed_madd(b, wa, a00);
    a01 = f32x4.relaxed_madd(b, wb, a01);
    b = v128.load32_splat(q1);
    a10 = f32x4.relaxed_madd(b, wa, a10);
    a11 = f32x4.relaxed_madd(b, wb, a11);
    b = v128.load32_splat(q2);
    a20 = f32x4.relaxed_madd(b, wa, a20);
    a21 = f32x4.relaxed_madd(b, wb, a21);
    b = v128.load32_splat(q3);
    a30 = f32x4.relaxed_madd(b, wa, a30);
    a31 = f32x4.relaxed_madd(b, wb, a31);
  }
  v128.store(m, a00);
  v128.store(m, a01, 16);
  v128.store(m + row, a10);
  v128.store(m + row, a11, 16);
  v128.store(m + 2 * row, a20);
  v128.store(m + 2 * row, a21, 16);
  v128.store(m + 3 * row, a30);
  v128.store(m + 3 * row, a31, 16);
}
