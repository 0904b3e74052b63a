// Pooling over NHWC float32 tensors. Windows are clipped to the image (padding taps are not
// taps at all), and every window works on whole channel vectors: channels are innermost, so a
// tap is one contiguous run of c floats.

/** Lane offsets 0..3, added to a tap's flat index to give each channel lane its own index. */

function laneIndices(base: i32): v128 {
  return i32x4.add(i32x4.splat(base), i32x4(0, 1, 2, 3));
}

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
          out += <usize> c << 2;
          continue;
        }
        const first = ((b * h + ylo) * wd + xlo) * c; // flat index of the first tap's channel 0
        let ch = 0;
        for (; ch < vecEnd; ch += 4) {
          let best = v128.load(x + (<usize> (first + ch) << 2));
          let bestIdx = laneIndices(first + ch);
          for (let iy = ylo; iy < yhi; iy++) {
            for (let ix = xlo; ix < xhi; ix++) {
              const idx = ((b * h + iy) * wd + ix) * c + ch;
              const v = v128.load(x + (<usize> idx << 2));
              const better = f32x4.gt(v, best);
              best = v128.bitselect(v, best, better);
              bestIdx = v128.bitselect(laneIndices(idx), bestIdx, better);
            }
          }
          v128.store(y + out + (<usize> ch << 2), best);
          v128.store(argmax + out + (<usize> ch << 2), bestIdx);
        }
        for (; ch < c; ch++) {
          let bestIdx = first + ch;
          let best = load<f32>(x + (<usize> bestIdx << 2));
          for (let iy = ylo; iy < yhi; iy++) {
            for (let ix = xlo; ix < xhi; ix++) {
              const idx = ((b * h + iy) * wd + ix) * c + ch;
              const v = load<f32>(x + (<usize> idx << 2));
              if (v > best) {
                best = v;
                bestIdx = idx;
              }
            }
          }
          store<f32>(y + out + (<usize> ch << 2), best);
          store<i32>(argmax + out + (<usize> ch << 2), bestIdx);
        }
        out += <usize> c << 2;
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
        const taps = max(yhi - ylo, 0) * max(xhi - xlo, 0);
        const scale: f32 = taps > 0 ? 1 / <f32> taps : 0;
        const vScale = f32x4.splat(scale);
        let ch = 0;
        for (; ch < vecEnd; ch += 4) {
          let sum = f32x4.splat(0);
          for (let iy = ylo; iy < yhi; iy++) {
            let p = x + (<usize> (((b * h + iy) * wd + xlo) * c + ch) << 2);
            for (let ix = xlo; ix < xhi; ix++) {
              sum = f32x4.add(sum, v128.load(p));
              p += <usize> c << 2;
            }
          }
          v128.store(out + (<usize> ch << 2), f32x4.mul(sum, vScale));
        }
        for (; ch < c; ch++) {
          let sum: f32 = 0;
          for (let iy = ylo; iy < yhi; iy++) {
            let p = x + (<usize> (((b * h + iy) * wd + xlo) * c + ch) << 2);
            for (let ix = xlo; ix < xhi; ix++) {
              sum += load<f32>(p);
              p += <usize> c << 2;
            }
          }
          store<f32>(out + (<usize> ch << 2), sum * scale);
        }
        out += <usize> c << 2;
      }
    }
  }
}

/** Backward of f32_avgpool_fwd: each output's dy/taps is spread over its in-image taps. */
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
        const taps = max(yhi - ylo, 0) * max(xhi - xlo, 0);
        const scale: f32 = taps > 0 ? 1 / <f32> taps : 0;
        const vScale = f32x4.splat(scale);
        let ch = 0;
        for (; ch < vecEnd; ch += 4) {
          const share = f32x4.mul(v128.load(g + (<usize> ch << 2)), vScale);
          for (let iy = ylo; iy < yhi; iy++) {
            let p = dx + (<usize> (((b * h + iy) * wd + xlo) * c + ch) << 2);
            for (let ix = xlo; ix < xhi; ix++) {
              v128.store(p, f32x4.add(v128.load(p), share));
              p += <usize> c << 2;
            }
          }
        }
        for (; ch < c; ch++) {
          const share = load<f32>(g + (<usize> ch << 2)) * scale;
          for (let iy = ylo; iy < yhi; iy++) {
            let p = dx + (<usize> (((b * h + iy) * wd + xlo) * c + ch) << 2);
            for (let ix = xlo; ix < xhi; ix++) {
              store<f32>(p, load<f32>(p) + share);
              p += <usize> c << 2;
            }
          }
        }
        g += <usize> c << 2;
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
