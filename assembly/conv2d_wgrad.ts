// Float32 convolution backward-to-weights: for every tap (ky, kx),
//   dw[ky, kx, ci, co] = sum over output pixels p of x[p shifted by the tap, ci] * dy[p, co],
// a sum of outer products. A register tile of 4 input channels x 8 output channels runs over
// the pixels for which the tap lands inside the image (a rectangle, so no per-pixel test);
// per pixel it loads the 4 x values as one vector and broadcasts them by lane shuffles, so
// 3 loads feed 8 fused multiply-adds.
// The pixels go in chunks of a few output rows of one image, so x and dy stay in cache while
// every tap and channel tile passes over them; the tiles accumulate into dw in memory.
// For interior columns the kw taps of a row can also go together: the kw*c values a pixel
// meets are contiguous in x, and so are the matching rows of dw.
import { Co1, Co4, Co8 } from "./conv2d_tile";

/** Input-channel tile markers: the tile height is sizeof<T>(). */
type Ci4 = u32;
type Ci1 = u8;

/** About this many output pixels per chunk (whole rows). */
const CHUNK_PIXELS: i32 = 64;

/** dw = d(sum dy*y)/dw, dbias (optional) = sum of dy over n, oy, ox. Both overwritten. */
export function f32_conv2d_bwd_weights(
  x: usize,
  dy: usize,
  dw: usize,
  dbias: usize,
  n: i32,
  h: i32,
  wd: i32,
  c: i32,
  k: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  pt: i32,
  pl: i32,
  oh: i32,
  ow: i32,
): void {
  memory.fill(dw, 0, <usize> (kh * kw * c * k) << 2);
  if (dbias != 0) biasGrad(dy, dbias, n * oh * ow, k);

  const xPix = <usize> c << 2;
  const dyPix = <usize> k << 2;
  const xImgBytes = <usize> h * <usize> wd * xPix;
  const dyImgBytes = <usize> oh * <usize> ow * dyPix;
  const xColStep = <usize> sw * xPix;
  const xRowStep = <usize> sh * <usize> wd * xPix;
  const dyRowStep = <usize> ow * dyPix;
  const chunkRows = max(1, (CHUNK_PIXELS + ow - 1) / ow);
  // Output columns [oxA, oxB) for which every tap column lands inside the image. Only worth
  // treating apart when c is not a multiple of 4 (the first layer's RGB): fusing the taps
  // then fills the 4-channel tiles, while for other c the extra edge spans cost more.
  const fuseTaps = (c & 3) != 0;
  const oxA = fuseTaps ? max(0, ceilDivBy(pl, sw)) : ow;
  const oxB = fuseTaps ? min(ow, floorDivBy(wd - kw + pl, sw) + 1) : 0;

  for (let b = 0; b < n; b++) {
    const xImg = x + <usize> b * xImgBytes;
    const dyImg = dy + <usize> b * dyImgBytes;
    for (let oy0 = 0; oy0 < oh; oy0 += chunkRows) {
      const oy1 = min(oh, oy0 + chunkRows);
      for (let ky = 0; ky < kh; ky++) {
        // Output rows whose tap ky lands inside the image.
        const oyLo = max(oy0, ceilDivBy(pt - ky, sh));
        const oyHi = min(oy1, floorDivBy(h - 1 + pt - ky, sh) + 1);
        if (oyLo >= oyHi) continue;
        const rows = oyHi - oyLo;
        const iyLo = oyLo * sh - pt + ky;
        const rowX = xImg + <usize> iyLo * <usize> wd * xPix;
        const rowDy = dyImg + <usize> oyLo * dyRowStep;
        const tapRow = dw + <usize> (ky * kw * c) * dyPix;
        if (oxA < oxB) {
          // Interior columns: all kw taps at once, as kw*c channels of one wide pixel.
          wgradSpan(
            rowX + <usize> (oxA * sw - pl) * xPix,
            rowDy + <usize> oxA * dyPix,
            tapRow,
            kw * c,
            k,
            rows,
            oxB - oxA,
            xColStep,
            xRowStep,
            dyRowStep,
          );
        }
        for (let kx = 0; kx < kw; kx++) {
          // Columns whose tap kx lands inside the image, less the interior done above.
          const oxLo = max(0, ceilDivBy(pl - kx, sw));
          const oxHi = min(ow, floorDivBy(wd - 1 + pl - kx, sw) + 1);
          const leftHi = oxA < oxB ? min(oxHi, oxA) : oxHi;
          const rightLo = oxA < oxB ? max(oxLo, oxB) : oxHi;
          const tapW = tapRow + <usize> (kx * c) * dyPix;
          if (oxLo < leftHi) {
            wgradSpan(
              rowX + <usize> (oxLo * sw - pl + kx) * xPix,
              rowDy + <usize> oxLo * dyPix,
              tapW,
              c,
              k,
              rows,
              leftHi - oxLo,
              xColStep,
              xRowStep,
              dyRowStep,
            );
          }
          if (rightLo < oxHi) {
            wgradSpan(
              rowX + <usize> (rightLo * sw - pl + kx) * xPix,
              rowDy + <usize> rightLo * dyPix,
              tapW,
              c,
              k,
              rows,
              oxHi - rightLo,
              xColStep,
              xRowStep,
              dyRowStep,
            );
          }
        }
      }
    }
  }
}

/**
 * dw rows [0, m) (rows k floats apart from tapW) += sum over a rows x cols rectangle of pixels
 * of x[p, 0..m) (outer) dy[p, 0..k): tiles of 4 rows, then single rows.
 */
export function wgradSpan(
  xStart: usize,
  dStart: usize,
  tapW: usize,
  m: i32,
  k: i32,
  rows: i32,
  cols: i32,
  xColStep: usize,
  xRowStep: usize,
  dyRowStep: usize,
): void {
  const dyPix = <usize> k << 2;
  const k8 = k & ~7;
  const k4 = k & ~3;
  const m4 = m & ~3;
  let ci = 0;
  for (; ci < m4; ci += 4) {
    wgradRowTile<Ci4>(
      xStart,
      dStart,
      tapW,
      ci,
      k,
      k8,
      k4,
      rows,
      cols,
      xColStep,
      xRowStep,
      dyPix,
      dyRowStep,
    );
  }
  for (; ci < m; ci++) {
    wgradRowTile<Ci1>(
      xStart,
      dStart,
      tapW,
      ci,
      k,
      k8,
      k4,
      rows,
      cols,
      xColStep,
      xRowStep,
      dyPix,
      dyRowStep,
    );
  }
}

/** All output channels of one input-channel tile: blocks of 8, then 4, then singles. */
function wgradRowTile<CI>(
  xStart: usize,
  dStart: usize,
  tapW: usize,
  ci: i32,
  k: i32,
  k8: i32,
  k4: i32,
  rows: i32,
  cols: i32,
  xColStep: usize,
  xRowStep: usize,
  dColStep: usize,
  dRowStep: usize,
): void {
  const xs = xStart + (<usize> ci << 2);
  const wRow = tapW + <usize> ci * dColStep;
  let co = 0;
  for (; co < k8; co += 8) {
    const off = <usize> co << 2;
    wgradTile<CI, Co8>(
      xs,
      dStart + off,
      wRow + off,
      dColStep,
      rows,
      cols,
      xColStep,
      xRowStep,
      dColStep,
      dRowStep,
    );
  }
  if (co < k4) {
    const off = <usize> co << 2;
    wgradTile<CI, Co4>(
      xs,
      dStart + off,
      wRow + off,
      dColStep,
      rows,
      cols,
      xColStep,
      xRowStep,
      dColStep,
      dRowStep,
    );
    co += 4;
  }
  for (; co < k; co++) {
    const off = <usize> co << 2;
    wgradTile<CI, Co1>(
      xs,
      dStart + off,
      wRow + off,
      dColStep,
      rows,
      cols,
      xColStep,
      xRowStep,
      dColStep,
      dRowStep,
    );
  }
}

/**
 * dw tile (sizeof<CI> input channels x sizeof<CO> output channels, rows `ks` bytes apart)
 * += sum over a rows x cols rectangle of pixels of x[p, ci..] (outer) dy[p, co..].
 */
function wgradTile<CI, CO>(
  xs: usize,
  ds: usize,
  dwp: usize,
  ks: usize,
  rows: i32,
  cols: i32,
  xColStep: usize,
  xRowStep: usize,
  dColStep: usize,
  dRowStep: usize,
): void {
  const four = sizeof<CI>() == 4;
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
  for (let r = 0; r < rows; r++) {
    let xq = xs + <usize> r * xRowStep;
    let dq = ds + <usize> r * dRowStep;
    for (let i = 0; i < cols; i++) {
      if (sizeof<CO>() == 8 && four) {
        // One load brings the 4 input channels; lane shuffles broadcast them (loads cost
        // a bounds check each, shuffles do not).
        const d0 = v128.load(dq);
        const d1 = v128.load(dq, 16);
        const xv = v128.load(xq);
        let b = i32x4.shuffle(xv, xv, 0, 0, 0, 0);
        a00 = f32x4.relaxed_madd(b, d0, a00);
        a01 = f32x4.relaxed_madd(b, d1, a01);
        b = i32x4.shuffle(xv, xv, 1, 1, 1, 1);
        a10 = f32x4.relaxed_madd(b, d0, a10);
        a11 = f32x4.relaxed_madd(b, d1, a11);
        b = i32x4.shuffle(xv, xv, 2, 2, 2, 2);
        a20 = f32x4.relaxed_madd(b, d0, a20);
        a21 = f32x4.relaxed_madd(b, d1, a21);
        b = i32x4.shuffle(xv, xv, 3, 3, 3, 3);
        a30 = f32x4.relaxed_madd(b, d0, a30);
        a31 = f32x4.relaxed_madd(b, d1, a31);
      } else if (sizeof<CO>() == 8) {
        const d0 = v128.load(dq);
        const d1 = v128.load(dq, 16);
        const b = v128.load32_splat(xq);
        a00 = f32x4.relaxed_madd(b, d0, a00);
        a01 = f32x4.relaxed_madd(b, d1, a01);
      } else if (sizeof<CO>() == 4 && four) {
        const d0 = v128.load(dq);
        const xv = v128.load(xq);
        a00 = f32x4.relaxed_madd(i32x4.shuffle(xv, xv, 0, 0, 0, 0), d0, a00);
        a10 = f32x4.relaxed_madd(i32x4.shuffle(xv, xv, 1, 1, 1, 1), d0, a10);
        a20 = f32x4.relaxed_madd(i32x4.shuffle(xv, xv, 2, 2, 2, 2), d0, a20);
        a30 = f32x4.relaxed_madd(i32x4.shuffle(xv, xv, 3, 3, 3, 3), d0, a30);
      } else if (sizeof<CO>() == 4) {
        a00 = f32x4.relaxed_madd(v128.load32_splat(xq), v128.load(dq), a00);
      } else {
        const d0 = load<f32>(dq);
        s0 += load<f32>(xq) * d0;
        if (four) {
          s1 += load<f32>(xq, 4) * d0;
          s2 += load<f32>(xq, 8) * d0;
          s3 += load<f32>(xq, 12) * d0;
        }
      }
      xq += xColStep;
      dq += dColStep;
    }
  }
  // Add the tile into dw.
  if (sizeof<CO>() == 8) {
    addVec(dwp, a00);
    addVec(dwp + 16, a01);
    if (four) {
      addVec(dwp + ks, a10);
      addVec(dwp + ks + 16, a11);
      addVec(dwp + 2 * ks, a20);
      addVec(dwp + 2 * ks + 16, a21);
      addVec(dwp + 3 * ks, a30);
      addVec(dwp + 3 * ks + 16, a31);
    }
  } else if (sizeof<CO>() == 4) {
    addVec(dwp, a00);
    if (four) {
      addVec(dwp + ks, a10);
      addVec(dwp + 2 * ks, a20);
      addVec(dwp + 3 * ks, a30);
    }
  } else {
    store<f32>(dwp, load<f32>(dwp) + s0);
    if (four) {
      store<f32>(dwp + ks, load<f32>(dwp + ks) + s1);
      store<f32>(dwp + 2 * ks, load<f32>(dwp + 2 * ks) + s2);
      store<f32>(dwp + 3 * ks, load<f32>(dwp + 3 * ks) + s3);
    }
  }
}

function addVec(p: usize, v: v128): void {
  v128.store(p, f32x4.add(v128.load(p), v));
}

/** dbias[co] = sum over `pixels` rows of dy[p, co]. */
export function biasGrad(dy: usize, dbias: usize, pixels: i32, k: i32): void {
  const k4 = k & ~3;
  const rowBytes = <usize> k << 2;
  for (let co = 0; co < k4; co += 4) {
    let acc = f32x4.splat(0);
    let p = dy + (<usize> co << 2);
    for (let i = 0; i < pixels; i++) {
      acc = f32x4.add(acc, v128.load(p));
      p += rowBytes;
    }
    v128.store(dbias + (<usize> co << 2), acc);
  }
  for (let co = k4; co < k; co++) {
    let acc: f32 = 0;
    let p = dy + (<usize> co << 2);
    for (let i = 0; i < pixels; i++) {
      acc += load<f32>(p);
      p += rowBytes;
    }
    store<f32>(dbias + (<usize> co << 2), acc);
  }
}

/** ceil(a / b) for b > 0 and any sign of a. */
function ceilDivBy(a: i32, b: i32): i32 {
  return a >= 0 ? (a + b - 1) / b : -(-a / b);
}

/** floor(a / b) for b > 0 and any sign of a. */
function floorDivBy(a: i32, b: i32): i32 {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}
