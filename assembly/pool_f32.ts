// Pooling over NHWC float32 tensors. Windows are clipped to the image (padding taps are not
// taps at all), and every window works on whole channel vectors: channels are innermost, so a
// tap is one contiguous run of c floats. Tap addresses are stepped, not recomputed: one tap
// to the right is c floats on, one row down is w*c floats on.

/**
 * Max over each window's in-image taps; argmax (i32 per output) gets the flat index into x of
 * the first maximal tap. A window with no tap in the image (impossible with padding smaller than
 * the kernel) gives y = 0 and argmax = -1, which the backward pass skips.
 */
export function f32_maxpool_fwd(
  x: usize,
  y: usize,
  argmax: usize,
  n: i32,
  h: i32,
  wd: i32,
  c: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  pt: i32,
  pl: i32,
  oh: i32,
  ow: i32,
): void {
  const vecEnd = c & ~3;
  const tapBytes = <usize> c << 2;
  const rowBytes = <usize> wd * tapBytes;
  const tapStep = i32x4.splat(c);
  const rowStep = i32x4.splat(wd * c);
  const lanes = i32x4(0, 1, 2, 3);
  let out: usize = 0; // byte offset of the current output pixel in y and argmax
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - pt;
      const ylo = max(y0, 0);
      const yhi = min(y0 + kh, h);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - pl;
        const xlo = max(x0, 0);
        const xhi = min(x0 + kw, wd);
        if (ylo >= yhi || xlo >= xhi) {
          for (let ch = 0; ch < c; ch++) {
            store<f32>(y + out + (<usize> ch << 2), 0);
            store<i32>(argmax + out + (<usize> ch << 2), -1);
          }
          out += tapBytes;
          continue;
        }
        const first = ((b * h + ylo) * wd + xlo) * c; // flat index of the first tap's channel 0
        let ch = 0;
        for (; ch < vecEnd; ch += 4) {
          let rowPtr = x + (<usize> (first + ch) << 2);
          let rowIdx = i32x4.add(i32x4.splat(first + ch), lanes);
          let best = v128.load(rowPtr);
          let bestIdx = rowIdx;
          const cols = xhi - xlo;
          for (let iy = ylo; iy < yhi; iy++) {
            // The row's own winner first (independent of earlier rows, so rows overlap in the
            // pipeline), then merged; strict > keeps the earlier tap on ties either way.
            let rowBest = v128.load(rowPtr);
            let rowBestIdx = rowIdx;
            if (cols == 3) {
              // The common 3-wide window, unrolled: the two pairs compare independently.
              const v1 = v128.load(rowPtr + tapBytes);
              const v2 = v128.load(rowPtr + (tapBytes << 1));
              const i1 = i32x4.add(rowIdx, tapStep);
              const i2 = i32x4.add(i1, tapStep);
              const b01 = f32x4.gt(v1, rowBest);
              rowBest = v128.bitselect(v1, rowBest, b01);
              rowBestIdx = v128.bitselect(i1, rowBestIdx, b01);
              const b2 = f32x4.gt(v2, rowBest);
              rowBest = v128.bitselect(v2, rowBest, b2);
              rowBestIdx = v128.bitselect(i2, rowBestIdx, b2);
            } else {
              let p = rowPtr + tapBytes;
              let idx = i32x4.add(rowIdx, tapStep);
              for (let ix = 1; ix < cols; ix++) {
                const v = v128.load(p);
                const better = f32x4.gt(v, rowBest);
                rowBest = v128.bitselect(v, rowBest, better);
                rowBestIdx = v128.bitselect(idx, rowBestIdx, better);
                p += tapBytes;
                idx = i32x4.add(idx, tapStep);
              }
            }
            const better = f32x4.gt(rowBest, best);
            best = v128.bitselect(rowBest, best, better);
            bestIdx = v128.bitselect(rowBestIdx, bestIdx, better);
            rowPtr += rowBytes;
            rowIdx = i32x4.add(rowIdx, rowStep);
          }
          v128.store(y + out + (<usize> ch << 2), best);
          v128.store(argmax + out + (<usize> ch << 2), bestIdx);
        }
        for (; ch < c; ch++) {
          let bestIdx = first + ch;
          let best = load<f32>(x + (<usize> bestIdx << 2));
          for (let iy = ylo; iy < yhi; iy++) {
            let idx = ((b * h + iy) * wd + xlo) * c + ch;
            for (let ix = xlo; ix < xhi; ix++) {
              const v = load<f32>(x + (<usize> idx << 2));
              if (v > best) {
                best = v;
                bestIdx = idx;
              }
              idx += c;
            }
          }
          store<f32>(y + out + (<usize> ch << 2), best);
          store<i32>(argmax + out + (<usize> ch << 2), bestIdx);
        }
        out += tapBytes;
      }
    }
  }
}

/** dx = 0, then dx[argmax[i]] += dy[i] for i < lenY (negative indices are skipped). */
export function f32_maxpool_bwd(dy: usize, argmax: usize, dx: usize, lenX: i32, lenY: i32): void {
  if (lenX > 0) memory.fill(dx, 0, <usize> lenX << 2);
  for (let i = 0; i < lenY; i++) {
    const at = load<i32>(argmax + (<usize> i << 2));
    if (at < 0) continue;
    const p = dx + (<usize> at << 2);
    store<f32>(p, load<f32>(p) + load<f32>(dy + (<usize> i << 2)));
  }
}

/** Number of in-image taps along one axis for the window starting at `start`. */
function tapsAlong(start: i32, kernel: i32, size: i32): i32 {
  return max(min(start + kernel, size) - max(start, 0), 0);
}

/** Mean over each window's in-image taps (padding is not counted); an empty window gives 0. */
export function f32_avgpool_fwd(
  x: usize,
  y: usize,
  n: i32,
  h: i32,
  wd: i32,
  c: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  pt: i32,
  pl: i32,
  oh: i32,
  ow: i32,
): void {
  const vecEnd = c & ~3;
  const tapBytes = <usize> c << 2;
  const rowBytes = <usize> wd * tapBytes;
  let out = y;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - pt;
      const ylo = max(y0, 0);
      const yhi = min(y0 + kh, h);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - pl;
        const xlo = max(x0, 0);
        const xhi = min(x0 + kw, wd);
        const taps = tapsAlong(y0, kh, h) * tapsAlong(x0, kw, wd);
        const scale: f32 = taps > 0 ? 1 / <f32> taps : 0;
        const vScale = f32x4.splat(scale);
        const first = x + (<usize> (((b * h + ylo) * wd + xlo) * c) << 2);
        const cols = xhi - xlo;
        let ch = 0;
        for (; ch < vecEnd; ch += 4) {
          let rowPtr = first + (<usize> ch << 2);
          let sum = f32x4.splat(0);
          for (let iy = ylo; iy < yhi; iy++) {
            // Each row sums on its own before joining the total: shorter dependency chains.
            let rowSum: v128;
            if (cols == 3) {
              rowSum = f32x4.add(
                f32x4.add(v128.load(rowPtr), v128.load(rowPtr + tapBytes)),
                v128.load(rowPtr + (tapBytes << 1)),
              );
            } else {
              rowSum = f32x4.splat(0);
              let p = rowPtr;
              for (let ix = 0; ix < cols; ix++) {
                rowSum = f32x4.add(rowSum, v128.load(p));
                p += tapBytes;
              }
            }
            sum = f32x4.add(sum, rowSum);
            rowPtr += rowBytes;
          }
          v128.store(out + (<usize> ch << 2), f32x4.mul(sum, vScale));
        }
        for (; ch < c; ch++) {
          let rowPtr = first + (<usize> ch << 2);
          let sum: f32 = 0;
          for (let iy = ylo; iy < yhi; iy++) {
            let p = rowPtr;
            for (let ix = xlo; ix < xhi; ix++) {
              sum += load<f32>(p);
              p += tapBytes;
            }
            rowPtr += rowBytes;
          }
          store<f32>(out + (<usize> ch << 2), sum * scale);
        }
        out += tapBytes;
      }
    }
  }
}

/**
 * Backward of f32_avgpool_fwd: dx = 0, then each output's dy/taps is added to its in-image taps.
 * (Scattering beat gathering per input pixel here: windows are small and the gather's per-pixel
 * bookkeeping cost more than the read-modify-writes it saved.)
 */
export function f32_avgpool_bwd(
  dy: usize,
  dx: usize,
  n: i32,
  h: i32,
  wd: i32,
  c: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  pt: i32,
  pl: i32,
  oh: i32,
  ow: i32,
): void {
  const lenX = n * h * wd * c;
  if (lenX > 0) memory.fill(dx, 0, <usize> lenX << 2);
  const vecEnd = c & ~3;
  const tapBytes = <usize> c << 2;
  const rowBytes = <usize> wd * tapBytes;
  let g = dy;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - pt;
      const ylo = max(y0, 0);
      const yhi = min(y0 + kh, h);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - pl;
        const xlo = max(x0, 0);
        const xhi = min(x0 + kw, wd);
        const taps = tapsAlong(y0, kh, h) * tapsAlong(x0, kw, wd);
        const scale: f32 = taps > 0 ? 1 / <f32> taps : 0;
        const vScale = f32x4.splat(scale);
        const first = dx + (<usize> (((b * h + ylo) * wd + xlo) * c) << 2);
        let ch = 0;
        for (; ch < vecEnd; ch += 4) {
          const share = f32x4.mul(v128.load(g + (<usize> ch << 2)), vScale);
          let rowPtr = first + (<usize> ch << 2);
          for (let iy = ylo; iy < yhi; iy++) {
            let p = rowPtr;
            for (let ix = xlo; ix < xhi; ix++) {
              v128.store(p, f32x4.add(v128.load(p), share));
              p += tapBytes;
            }
            rowPtr += rowBytes;
          }
        }
        for (; ch < c; ch++) {
          const share = load<f32>(g + (<usize> ch << 2)) * scale;
          let rowPtr = first + (<usize> ch << 2);
          for (let iy = ylo; iy < yhi; iy++) {
            let p = rowPtr;
            for (let ix = xlo; ix < xhi; ix++) {
              store<f32>(p, load<f32>(p) + share);
              p += tapBytes;
            }
            rowPtr += rowBytes;
          }
        }
        g += tapBytes;
      }
    }
  }
}

/** Global average pooling: y[b, ch] = mean over the hw pixels of image b. */
export function f32_gap_fwd(x: usize, y: usize, n: i32, hw: i32, c: i32): void {
  const vecEnd = c & ~3;
  const rowBytes = <usize> c << 2;
  const scale: f32 = hw > 0 ? 1 / <f32> hw : 0;
  const vScale = f32x4.splat(scale);
  let p = x;
  for (let b = 0; b < n; b++) {
    const out = y + <usize> b * rowBytes;
    if (c > 0) memory.fill(out, 0, rowBytes);
    // Row-major accumulation into the output row: x is read once, in order.
    for (let i = 0; i < hw; i++) {
      let ch = 0;
      for (; ch < vecEnd; ch += 4) {
        const o = out + (<usize> ch << 2);
        v128.store(o, f32x4.add(v128.load(o), v128.load(p + (<usize> ch << 2))));
      }
      for (; ch < c; ch++) {
        const o = out + (<usize> ch << 2);
        store<f32>(o, load<f32>(o) + load<f32>(p + (<usize> ch << 2)));
      }
      p += rowBytes;
    }
    let ch = 0;
    for (; ch < vecEnd; ch += 4) {
      const o = out + (<usize> ch << 2);
      v128.store(o, f32x4.mul(v128.load(o), vScale));
    }
    for (; ch < c; ch++) {
      const o = out + (<usize> ch << 2);
      store<f32>(o, load<f32>(o) * scale);
    }
  }
}

/** dx[b, i, ch] = dy[b, ch] / hw for every pixel i of image b. */
export function f32_gap_bwd(dy: usize, dx: usize, n: i32, hw: i32, c: i32): void {
  const vecEnd = c & ~3;
  const rowBytes = <usize> c << 2;
  const scale: f32 = hw > 0 ? 1 / <f32> hw : 0;
  const vScale = f32x4.splat(scale);
  let p = dx;
  for (let b = 0; b < n; b++) {
    const g = dy + <usize> b * rowBytes;
    for (let i = 0; i < hw; i++) {
      let ch = 0;
      for (; ch < vecEnd; ch += 4) {
        v128.store(p + (<usize> ch << 2), f32x4.mul(v128.load(g + (<usize> ch << 2)), vScale));
      }
      for (; ch < c; ch++) {
        store<f32>(p + (<usize> ch << 2), load<f32>(g + (<usize> ch << 2)) * scale);
      }
      p += rowBytes;
    }
  }
}
