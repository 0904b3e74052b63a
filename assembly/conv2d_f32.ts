// Float32 2-D convolution: forward, backward-to-input and backward-to-weights, as specified in
// src/engine/kernels.ts (NHWC activations, HWIO weights, any kernel, stride and padding).
//
// Forward and backward-to-input both run the register-tiled gather micro-kernel of
// conv2d_tile.ts. Backward-to-input is a convolution of dy with the flipped, transposed
// weights; with stride s, the dx pixels split into s x s phases (by row and column residue),
// each of which sees a fixed subset of the taps, so the weights are re-packed phase by phase
// and every phase is a stride-1 gather. Backward-to-weights is in conv2d_wgrad.ts.
import { Co1, Co4, Co8, gatherTile, TILE_PIX } from "./conv2d_tile";
export { f32_conv2d_bwd_weights } from "./conv2d_wgrad";

/** y[n,oy,ox,co] = bias[co] + sum_{ky,kx,ci} x[n, oy*sh-pt+ky, ox*sw-pl+kx, ci] * w[ky,kx,ci,co]. */
export function f32_conv2d_fwd(
  x: usize,
  w: usize,
  bias: usize,
  y: usize,
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
  const inImgBytes = <usize> h * <usize> wd * <usize> c * 4;
  const outImgBytes = <usize> oh * <usize> ow * <usize> k * 4;
  const outStep = <usize> k * 4;
  for (let b = 0; b < n; b++) {
    const inImg = x + <usize> b * inImgBytes;
    const outImg = y + <usize> b * outImgBytes;
    for (let oy = 0; oy < oh; oy++) {
      const rowBase = oy * sh - pt;
      const tLo = max(0, -rowBase);
      const tHi = min(kh, h - rowBase);
      convRow(
        inImg,
        wd,
        c,
        w,
        k,
        kw,
        tLo,
        tHi,
        rowBase,
        -pl,
        sw,
        ow,
        outImg + <usize> (oy * ow) * outStep,
        outStep,
        bias,
      );
    }
  }
}

/** dx = d(sum dy*y)/dx. scratch: kh*kw*c*k floats for the re-packed weights. */
export function f32_conv2d_bwd_input(
  dy: usize,
  w: usize,
  dx: usize,
  scratch: usize,
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
  repackPhases(w, scratch, c, k, kh, kw, sh, sw);
  const dyImgBytes = <usize> oh * <usize> ow * <usize> k * 4;
  const dxImgBytes = <usize> h * <usize> wd * <usize> c * 4;
  const tapBytes = <usize> c * <usize> k * 4;
  const dxPix = <usize> c * 4;
  const outStep = <usize> sw * dxPix;
  for (let b = 0; b < n; b++) {
    const dyImg = dy + <usize> b * dyImgBytes;
    const dxImg = dx + <usize> b * dxImgBytes;
    for (let iy = 0; iy < h; iy++) {
      // Flipped tap ky' = kh-1-ky reaches dy row (a + ky') / sh when that divides exactly.
      const a = iy + pt - kh + 1;
      const ry = posMod(-a, sh);
      const tapsT = phaseTaps(kh, ry, sh);
      const rowBase = (a + ry) / sh;
      const tLo = max(0, -rowBase);
      const tHi = min(tapsT, oh - rowBase);
      const rowPhaseTaps = phaseStart(kh, ry, sh) * kw;
      // dx columns q, q+sw, q+2sw, ... share their phase, and their dy columns step by 1.
      for (let q = 0; q < sw && q < wd; q++) {
        const bq = q + pl - kw + 1;
        const rx = posMod(-bq, sw);
        const tapsU = phaseTaps(kw, rx, sw);
        const colBase = (bq + rx) / sw;
        const wBlock = scratch + <usize> (rowPhaseTaps + tapsT * phaseStart(kw, rx, sw)) * tapBytes;
        const count = (wd - q + sw - 1) / sw;
        if (tapsU == 0 || tLo >= tHi) {
          // No tap reaches these pixels (a kernel smaller than its stride, or rows past dy).
          for (let j = 0; j < count; j++) {
            memory.fill(dxImg + <usize> (iy * wd + q + j * sw) * dxPix, 0, dxPix);
          }
          continue;
        }
        convRow(
          dyImg,
          ow,
          k,
          wBlock,
          c,
          tapsU,
          tLo,
          tHi,
          rowBase,
          colBase,
          1,
          count,
          dxImg + <usize> (iy * wd + q) * dxPix,
          outStep,
          0,
        );
      }
    }
  }
}

/**
 * One output row segment of `count` pixels, pixel j reading input columns from
 * colBase0 + j * pixStep and writing at out0 + j * outStep, over every output channel. Channel
 * blocks (8, then 4, then singles) go outermost so that one block's weights stay in cache
 * while the tiles of TILE_PIX pixels pass.
 */
function convRow(
  inImg: usize,
  inW: i32,
  cin: i32,
  wBlock: usize,
  kout: i32,
  tapsU: i32,
  tLo: i32,
  tHi: i32,
  rowBase: i32,
  colBase0: i32,
  pixStep: i32,
  count: i32,
  out0: usize,
  outStep: usize,
  bias: usize,
): void {
  const k8 = kout & ~7;
  const k4 = kout & ~3;
  let co = 0;
  for (; co < k8; co += 8) {
    const off = <usize> co << 2;
    for (let j0 = 0; j0 < count; j0 += TILE_PIX) {
      gatherTile<Co8>(
        inImg,
        inW,
        cin,
        wBlock + off,
        kout,
        tapsU,
        tLo,
        tHi,
        rowBase,
        colBase0 + j0 * pixStep,
        pixStep,
        min(TILE_PIX, count - j0),
        out0 + <usize> j0 * outStep + off,
        outStep,
        bias != 0 ? bias + off : 0,
      );
    }
  }
  if (co < k4) {
    const off = <usize> co << 2;
    for (let j0 = 0; j0 < count; j0 += TILE_PIX) {
      gatherTile<Co4>(
        inImg,
        inW,
        cin,
        wBlock + off,
        kout,
        tapsU,
        tLo,
        tHi,
        rowBase,
        colBase0 + j0 * pixStep,
        pixStep,
        min(TILE_PIX, count - j0),
        out0 + <usize> j0 * outStep + off,
        outStep,
        bias != 0 ? bias + off : 0,
      );
    }
    co += 4;
  }
  for (; co < kout; co++) {
    const off = <usize> co << 2;
    for (let j0 = 0; j0 < count; j0 += TILE_PIX) {
      gatherTile<Co1>(
        inImg,
        inW,
        cin,
        wBlock + off,
        kout,
        tapsU,
        tLo,
        tHi,
        rowBase,
        colBase0 + j0 * pixStep,
        pixStep,
        min(TILE_PIX, count - j0),
        out0 + <usize> j0 * outStep + off,
        outStep,
        bias != 0 ? bias + off : 0,
      );
    }
  }
}

/**
 * Writes the flipped, transposed weights phase by phase: phase (ry, rx) holds the flipped taps
 * ky' = ry + t*sh, kx' = rx + u*sw as a block [t][u][co][ci], blocks ordered by ry then rx.
 */
function repackPhases(
  w: usize,
  dst: usize,
  c: i32,
  k: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
): void {
  const tapFloats = c * k;
  for (let ry = 0; ry < sh; ry++) {
    const tapsT = phaseTaps(kh, ry, sh);
    const rowPhaseTaps = phaseStart(kh, ry, sh) * kw;
    for (let rx = 0; rx < sw; rx++) {
      const tapsU = phaseTaps(kw, rx, sw);
      const block = rowPhaseTaps + tapsT * phaseStart(kw, rx, sw);
      for (let t = 0; t < tapsT; t++) {
        const ky = kh - 1 - (ry + t * sh);
        for (let u = 0; u < tapsU; u++) {
          const kx = kw - 1 - (rx + u * sw);
          const src = w + (<usize> (ky * kw + kx) * tapFloats << 2);
          const out = dst + (<usize> (block + t * tapsU + u) * tapFloats << 2);
          for (let ci = 0; ci < c; ci++) {
            for (let co = 0; co < k; co++) {
              store<f32>(
                out + (<usize> (co * c + ci) << 2),
                load<f32>(src + (<usize> (ci * k + co) << 2)),
              );
            }
          }
        }
      }
    }
  }
}

/** How many of taps 0..taps-1 are congruent to r modulo s. */
function phaseTaps(taps: i32, r: i32, s: i32): i32 {
  return r < taps ? (taps - r + s - 1) / s : 0;
}

/** How many taps belong to the phases before r. */
function phaseStart(taps: i32, r: i32, s: i32): i32 {
  let sum = 0;
  for (let q = 0; q < r; q++) sum += phaseTaps(taps, q, s);
  return sum;
}

/** a mod s in [0, s) for any sign of a. */
function posMod(a: i32, s: i32): i32 {
  const r = a % s;
  return r < 0 ? r + s : r;
}
