// The gather micro-kernel shared by the convolution forward pass and backward-to-input pass.
//
// One call computes a tile of up to TILE_PIX = 4 output pixels (all in one output row) times a
// block of output channels (8, 4 or 1, chosen by the type parameter), keeping every
// accumulator in a register while it runs over the reduction (tap row t, tap column u, input
// channel ci):
//
//   out[j, co] = sum_{t, u, ci} in[rowBase + t, colBase + u + j * pixStep, ci] * wt[t, u, ci, co]
//
// wt is a block of taps laid out [t][u][ci][co] with rows of `kout` floats: HWIO for the
// forward pass, the re-packed flipped weights for the backward pass. Every step broadcasts one
// input value per pixel and multiplies it into two weight vectors (4 x 8 = 8 accumulators,
// the most the engine's 16 vector registers hold without spilling). The main loops take two
// steps per trip and fetch each pixel's two input values with one 8-byte load, then
// broadcast them by lane shuffles.
//
// Fast path: when every tap of a tap row lies inside the input for all 4 pixels, the (u, ci)
// loops fuse into one run of tapsU * cin contiguous floats per pixel, walked two steps at a
// time. Otherwise (edges, short rows) taps outside the input read a static zero that their
// pointer never moves off, so edge tiles run the same arithmetic with nothing to test.
//
// Why the loads matter so much: Deno runs wasm with explicit bounds checks (no trap handler),
// so every load costs a compare and branch besides the load itself.

/** Channel-block markers: the block width is sizeof<T>(), known at compile time. */
export type Co8 = u64;
export type Co4 = u32;
export type Co1 = u8;

/** Output pixels per tile. */
export const TILE_PIX: i32 = 4;

/** The zeros that taps in the padding read (their pointer does not advance). */
const zeroRow: usize = memory.data(16, 16);

/**
 * Accumulates one output tile and stores it (plus bias when `bias` is not 0).
 * inImg: the input image (inH x inW x cin floats); wBlock: weights of tap (0, 0) at the block's
 * first output channel; tap rows t run over [tLo, tHi), already clipped to the input's rows;
 * tile pixel j reads input column colBase + u + j * pixStep; pixels j >= nPix are not stored.
 */
export function gatherTile<T>(
  inImg: usize,
  inW: i32,
  cin: i32,
  wBlock: usize,
  kout: i32,
  tapsU: i32,
  tLo: i32,
  tHi: i32,
  rowBase: i32,
  colBase: i32,
  pixStep: i32,
  nPix: i32,
  out: usize,
  outStep: usize,
  bias: usize,
): void {
  let a00 = f32x4.splat(0);
  let a01 = f32x4.splat(0);
  let a10 = f32x4.splat(0);
  let a11 = f32x4.splat(0);
  let a20 = f32x4.splat(0);
  let a21 = f32x4.splat(0);
  let a30 = f32x4.splat(0);
  let a31 = f32x4.splat(0);
  let s0: f32 = 0;
  let s1: f32 = 0;
  let s2: f32 = 0;
  let s3: f32 = 0;

  const pixBytes = <usize> cin << 2;
  const rowBytes = <usize> inW * pixBytes;
  const ks = <usize> kout << 2;
  const tapBytes = <usize> cin * ks;
  const lastCol = colBase + 3 * pixStep + tapsU - 1;
  const fused = nPix == 4 && colBase >= 0 && lastCol < inW;

  if (sizeof<T>() == 8 && fused) {
    // Interior tile, 8 channels: constant pointer steps, loop bounded by the weight pointer.
    const len = tapsU * cin;
    const pixDist = <usize> pixStep * pixBytes;
    const ks2 = ks << 1;
    for (let t = tLo; t < tHi; t++) {
      let q0 = inImg + <usize> (rowBase + t) * rowBytes + <usize> colBase * pixBytes;
      let q1 = q0 + pixDist;
      let q2 = q1 + pixDist;
      let q3 = q2 + pixDist;
      let wq = wBlock + <usize> (t * tapsU) * tapBytes;
      const wEnd = wq + <usize> len * ks;
      const wEndPairs = wq + <usize> (len & ~1) * ks;
      while (wq < wEndPairs) {
        const wa = v128.load(wq);
        const wb = v128.load(wq, 16);
        const wn = wq + ks;
        const wc = v128.load(wn);
        const wd = v128.load(wn, 16);
        const v0 = v128.load64_splat(q0);
        let b0 = i32x4.shuffle(v0, v0, 0, 0, 0, 0);
        a00 = f32x4.relaxed_madd(b0, wa, a00);
        a01 = f32x4.relaxed_madd(b0, wb, a01);
        b0 = i32x4.shuffle(v0, v0, 1, 1, 1, 1);
        a00 = f32x4.relaxed_madd(b0, wc, a00);
        a01 = f32x4.relaxed_madd(b0, wd, a01);
        const v1 = v128.load64_splat(q1);
        let b1 = i32x4.shuffle(v1, v1, 0, 0, 0, 0);
        a10 = f32x4.relaxed_madd(b1, wa, a10);
        a11 = f32x4.relaxed_madd(b1, wb, a11);
        b1 = i32x4.shuffle(v1, v1, 1, 1, 1, 1);
        a10 = f32x4.relaxed_madd(b1, wc, a10);
        a11 = f32x4.relaxed_madd(b1, wd, a11);
        const v2 = v128.load64_splat(q2);
        let b2 = i32x4.shuffle(v2, v2, 0, 0, 0, 0);
        a20 = f32x4.relaxed_madd(b2, wa, a20);
        a21 = f32x4.relaxed_madd(b2, wb, a21);
        b2 = i32x4.shuffle(v2, v2, 1, 1, 1, 1);
        a20 = f32x4.relaxed_madd(b2, wc, a20);
        a21 = f32x4.relaxed_madd(b2, wd, a21);
        const v3 = v128.load64_splat(q3);
        let b3 = i32x4.shuffle(v3, v3, 0, 0, 0, 0);
        a30 = f32x4.relaxed_madd(b3, wa, a30);
        a31 = f32x4.relaxed_madd(b3, wb, a31);
        b3 = i32x4.shuffle(v3, v3, 1, 1, 1, 1);
        a30 = f32x4.relaxed_madd(b3, wc, a30);
        a31 = f32x4.relaxed_madd(b3, wd, a31);
        q0 += 8;
        q1 += 8;
        q2 += 8;
        q3 += 8;
        wq += ks2;
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
    }
  } else {
    // General tile: one tap column at a time (or the fused run for narrow channel blocks);
    // pixels whose tap falls outside read zeros.
    const uCount = fused ? 1 : tapsU;
    const len = fused ? tapsU * cin : cin;
    for (let t = tLo; t < tHi; t++) {
      const rowPtr = inImg + <usize> (rowBase + t) * rowBytes;
      const wRow = wBlock + <usize> (t * tapsU) * tapBytes;
      for (let u = 0; u < uCount; u++) {
        const c0 = colBase + u;
        const c1 = c0 + pixStep;
        const c2 = c1 + pixStep;
        const c3 = c2 + pixStep;
        const v0 = c0 >= 0 && c0 < inW;
        const v1 = nPix > 1 && c1 >= 0 && c1 < inW;
        const v2 = nPix > 2 && c2 >= 0 && c2 < inW;
        const v3 = nPix > 3 && c3 >= 0 && c3 < inW;
        let q0 = v0 ? rowPtr + <usize> c0 * pixBytes : zeroRow;
        let q1 = v1 ? rowPtr + <usize> c1 * pixBytes : zeroRow;
        let q2 = v2 ? rowPtr + <usize> c2 * pixBytes : zeroRow;
        let q3 = v3 ? rowPtr + <usize> c3 * pixBytes : zeroRow;
        const d0: usize = v0 ? 4 : 0;
        const d1: usize = v1 ? 4 : 0;
        const d2: usize = v2 ? 4 : 0;
        const d3: usize = v3 ? 4 : 0;
        let wq = wRow + <usize> u * tapBytes;
        let i = 0;
        if (sizeof<T>() == 8) {
          // Two steps per trip; a padded pixel reads its two zeros from zeroRow.
          const e0 = d0 << 1;
          const e1 = d1 << 1;
          const e2 = d2 << 1;
          const e3 = d3 << 1;
          const ks2 = ks << 1;
          for (; i + 2 <= len; i += 2) {
            const wa = v128.load(wq);
            const wb = v128.load(wq, 16);
            const wn = wq + ks;
            const wc = v128.load(wn);
            const wd = v128.load(wn, 16);
            const v0 = v128.load64_splat(q0);
            let b0 = i32x4.shuffle(v0, v0, 0, 0, 0, 0);
            a00 = f32x4.relaxed_madd(b0, wa, a00);
            a01 = f32x4.relaxed_madd(b0, wb, a01);
            b0 = i32x4.shuffle(v0, v0, 1, 1, 1, 1);
            a00 = f32x4.relaxed_madd(b0, wc, a00);
            a01 = f32x4.relaxed_madd(b0, wd, a01);
            const v1 = v128.load64_splat(q1);
            let b1 = i32x4.shuffle(v1, v1, 0, 0, 0, 0);
            a10 = f32x4.relaxed_madd(b1, wa, a10);
            a11 = f32x4.relaxed_madd(b1, wb, a11);
            b1 = i32x4.shuffle(v1, v1, 1, 1, 1, 1);
            a10 = f32x4.relaxed_madd(b1, wc, a10);
            a11 = f32x4.relaxed_madd(b1, wd, a11);
            const v2 = v128.load64_splat(q2);
            let b2 = i32x4.shuffle(v2, v2, 0, 0, 0, 0);
            a20 = f32x4.relaxed_madd(b2, wa, a20);
            a21 = f32x4.relaxed_madd(b2, wb, a21);
            b2 = i32x4.shuffle(v2, v2, 1, 1, 1, 1);
            a20 = f32x4.relaxed_madd(b2, wc, a20);
            a21 = f32x4.relaxed_madd(b2, wd, a21);
            const v3 = v128.load64_splat(q3);
            let b3 = i32x4.shuffle(v3, v3, 0, 0, 0, 0);
            a30 = f32x4.relaxed_madd(b3, wa, a30);
            a31 = f32x4.relaxed_madd(b3, wb, a31);
            b3 = i32x4.shuffle(v3, v3, 1, 1, 1, 1);
            a30 = f32x4.relaxed_madd(b3, wc, a30);
            a31 = f32x4.relaxed_madd(b3, wd, a31);
            q0 += e0;
            q1 += e1;
            q2 += e2;
            q3 += e3;
            wq += ks2;
          }
        }
        for (; i < len; i++) {
          if (sizeof<T>() == 8) {
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
          } else if (sizeof<T>() == 4) {
            const wa = v128.load(wq);
            a00 = f32x4.relaxed_madd(v128.load32_splat(q0), wa, a00);
            a10 = f32x4.relaxed_madd(v128.load32_splat(q1), wa, a10);
            a20 = f32x4.relaxed_madd(v128.load32_splat(q2), wa, a20);
            a30 = f32x4.relaxed_madd(v128.load32_splat(q3), wa, a30);
          } else {
            const wa = load<f32>(wq);
            s0 += load<f32>(q0) * wa;
            s1 += load<f32>(q1) * wa;
            s2 += load<f32>(q2) * wa;
            s3 += load<f32>(q3) * wa;
          }
          q0 += d0;
          q1 += d1;
          q2 += d2;
          q3 += d3;
          wq += ks;
        }
      }
    }
  }

  // Store the valid pixels, adding the bias.
  if (sizeof<T>() == 8) {
    let bv0 = f32x4.splat(0);
    let bv1 = f32x4.splat(0);
    if (bias != 0) {
      bv0 = v128.load(bias);
      bv1 = v128.load(bias, 16);
    }
    v128.store(out, f32x4.add(a00, bv0));
    v128.store(out, f32x4.add(a01, bv1), 16);
    if (nPix > 1) {
      v128.store(out + outStep, f32x4.add(a10, bv0));
      v128.store(out + outStep, f32x4.add(a11, bv1), 16);
    }
    if (nPix > 2) {
      v128.store(out + 2 * outStep, f32x4.add(a20, bv0));
      v128.store(out + 2 * outStep, f32x4.add(a21, bv1), 16);
    }
    if (nPix > 3) {
      v128.store(out + 3 * outStep, f32x4.add(a30, bv0));
      v128.store(out + 3 * outStep, f32x4.add(a31, bv1), 16);
    }
  } else if (sizeof<T>() == 4) {
    const bv0 = bias != 0 ? v128.load(bias) : f32x4.splat(0);
    v128.store(out, f32x4.add(a00, bv0));
    if (nPix > 1) v128.store(out + outStep, f32x4.add(a10, bv0));
    if (nPix > 2) v128.store(out + 2 * outStep, f32x4.add(a20, bv0));
    if (nPix > 3) v128.store(out + 3 * outStep, f32x4.add(a30, bv0));
  } else {
    const bb: f32 = bias != 0 ? load<f32>(bias) : 0;
    store<f32>(out, s0 + bb);
    if (nPix > 1) store<f32>(out + outStep, s1 + bb);
    if (nPix > 2) store<f32>(out + 2 * outStep, s2 + bb);
    if (nPix > 3) store<f32>(out + 3 * outStep, s3 + bb);
  }
}
