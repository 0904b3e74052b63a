// Float32 depthwise 2-D convolution (one filter per channel, channel multiplier 1): forward,
// backward-to-input and backward-to-weights, as specified in src/engine/kernels.ts (NHWC
// activations, HWC weights [kh][kw][c], any kernel, stride and padding).
//
// Every tap multiplies a pixel's channels by the tap's weights lane by lane, so the vector runs
// along the channels: blocks of four, then a scalar tail. Forward and backward-to-input are
// gathers that keep a block's sum in a register over the taps; backward-to-weights walks the
// pixels once and accumulates into dw, which is small enough (kh*kw*c) to stay in L1.

/** y[n,oy,ox,ch] = bias[ch] + sum_{ky,kx} x[n, oy*sh-pt+ky, ox*sw-pl+kx, ch] * w[ky,kx,ch]. */
export function f32_dwconv2d_fwd(
  x: usize,
  w: usize,
  bias: usize,
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
  const pix = <usize> c << 2;
  const c4 = <usize> (c & ~3) << 2;
  for (let b = 0; b < n; b++) {
    const img = x + <usize> b * <usize> (h * wd) * pix;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - pt;
      const tyLo = max(0, -y0), tyHi = min(kh, h - y0);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - pl;
        const txLo = max(0, -x0), taps = <usize> max(0, min(kw, wd - x0) - txLo);
        const out = y + <usize> ((b * oh + oy) * ow + ox) * pix;
        // Byte offsets of the first in-image tap's pixel and weights.
        const at = img + <usize> ((y0 + tyLo) * wd + x0 + txLo) * pix;
        const wAt = w + <usize> (tyLo * kw + txLo) * pix;
        let o: usize = 0;
        for (; o < c4; o += 16) {
          let acc = bias != 0 ? v128.load(bias + o) : f32x4.splat(0);
          for (let ty = tyLo; ty < tyHi; ty++) {
            const row = at + <usize> ((ty - tyLo) * wd) * pix + o;
            const wRow = wAt + <usize> ((ty - tyLo) * kw) * pix + o;
            for (let tx: usize = 0; tx < taps; tx++) {
              const v = f32x4.mul(v128.load(row + tx * pix), v128.load(wRow + tx * pix));
              acc = f32x4.add(acc, v);
            }
          }
          v128.store(out + o, acc);
        }
        for (; o < pix; o += 4) {
          let acc: f32 = bias != 0 ? load<f32>(bias + o) : 0;
          for (let ty = tyLo; ty < tyHi; ty++) {
            const row = at + <usize> ((ty - tyLo) * wd) * pix + o;
            const wRow = wAt + <usize> ((ty - tyLo) * kw) * pix + o;
            for (let tx: usize = 0; tx < taps; tx++) {
              acc += load<f32>(row + tx * pix) * load<f32>(wRow + tx * pix);
            }
          }
          store<f32>(out + o, acc);
        }
      }
    }
  }
}

/**
 * dx = d(sum dy*y)/dx, gathered: dx[iy,ix,ch] sums dy[oy,ox,ch] * w[ky,kx,ch] over the taps
 * with oy*sh - pt + ky = iy and ox*sw - pl + kx = ix.
 */
export function f32_dwconv2d_bwd_input(
  dy: usize,
  w: usize,
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
  const pix = <usize> c << 2;
  const c4 = <usize> (c & ~3) << 2;
  for (let b = 0; b < n; b++) {
    const img = dy + <usize> b * <usize> (oh * ow) * pix;
    for (let iy = 0; iy < h; iy++) {
      for (let ix = 0; ix < wd; ix++) {
        const out = dx + <usize> ((b * h + iy) * wd + ix) * pix;
        let o: usize = 0;
        for (; o < c4; o += 16) {
          let acc = f32x4.splat(0);
          for (let ky = 0; ky < kh; ky++) {
            const oy = outputIndex(iy + pt - ky, sh, oh);
            if (oy < 0) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ox = outputIndex(ix + pl - kx, sw, ow);
              if (ox < 0) continue;
              const g = v128.load(img + <usize> (oy * ow + ox) * pix + o);
              const wt = v128.load(w + <usize> (ky * kw + kx) * pix + o);
              acc = f32x4.add(acc, f32x4.mul(g, wt));
            }
          }
          v128.store(out + o, acc);
        }
        for (; o < pix; o += 4) {
          let acc: f32 = 0;
          for (let ky = 0; ky < kh; ky++) {
            const oy = outputIndex(iy + pt - ky, sh, oh);
            if (oy < 0) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ox = outputIndex(ix + pl - kx, sw, ow);
              if (ox < 0) continue;
              acc += load<f32>(img + <usize> (oy * ow + ox) * pix + o) *
                load<f32>(w + <usize> (ky * kw + kx) * pix + o);
            }
          }
          store<f32>(out + o, acc);
        }
      }
    }
  }
}

/** dw = d(sum dy*y)/dw ([kh][kw][c]); dbias (optional) = sum of dy over n, oy, ox. */
export function f32_dwconv2d_bwd_weights(
  x: usize,
  dy: usize,
  dw: usize,
  dbias: usize,
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
  const pix = <usize> c << 2;
  memory.fill(dw, 0, <usize> (kh * kw) * pix);
  if (dbias != 0) memory.fill(dbias, 0, pix);
  for (let b = 0; b < n; b++) {
    const img = x + <usize> b * <usize> (h * wd) * pix;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - pt;
      const tyLo = max(0, -y0), tyHi = min(kh, h - y0);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - pl;
        const txLo = max(0, -x0), txHi = min(kw, wd - x0);
        const g = dy + <usize> ((b * oh + oy) * ow + ox) * pix;
        if (dbias != 0) addProduct(dbias, g, 0, c, false);
        for (let ty = tyLo; ty < tyHi; ty++) {
          for (let tx = txLo; tx < txHi; tx++) {
            const xp = img + <usize> ((y0 + ty) * wd + x0 + tx) * pix;
            addProduct(dw + <usize> (ty * kw + tx) * pix, g, xp, c, true);
          }
        }
      }
    }
  }
}

/** acc[0:c] += a[0:c] * b[0:c] when multiply is set, else acc[0:c] += a[0:c]. */

function addProduct(acc: usize, a: usize, b: usize, c: i32, multiply: bool): void {
  const c4 = <usize> (c & ~3) << 2, end = <usize> c << 2;
  let o: usize = 0;
  for (; o < c4; o += 16) {
    const v = multiply ? f32x4.mul(v128.load(a + o), v128.load(b + o)) : v128.load(a + o);
    v128.store(acc + o, f32x4.add(v128.load(acc + o), v));
  }
  for (; o < end; o += 4) {
    const v = multiply ? load<f32>(a + o) * load<f32>(b + o) : load<f32>(a + o);
    store<f32>(acc + o, load<f32>(acc + o) + v);
  }
}

/** The output index o with o * stride = at, or -1 when there is none in [0, size). */

function outputIndex(at: i32, stride: i32, size: i32): i32 {
  if (at < 0 || at % stride != 0) return -1;
  const o = at / stride;
  return o < size ? o : -1;
}
