// The other 8-bit operations of a quantised network: residual add, pooling, global average
// pooling, per-channel tables (standalone batch norm or ReLU) and concatenation. They cost
// little next to the convolutions, so they are plain loops. Semantics: src/quant/plan.ts.
import { Requant } from "./qrequant";

/** y = requant(f32(a - za) * ka + f32(b - zb) * kb, zOut, lo) element-wise (len bytes). */
export function q8_add(
  a: usize,
  b: usize,
  y: usize,
  len: i32,
  za: i32,
  zb: i32,
  ka: f32,
  kb: f32,
  zOut: i32,
  lo: i32,
): void {
  const fz = <f32> zOut;
  const flo = <f32> lo;
  const vza = i32x4.splat(za);
  const vzb = i32x4.splat(zb);
  const vka = f32x4.splat(ka);
  const vkb = f32x4.splat(kb);
  const vz = f32x4.splat(fz);
  const vlo = f32x4.splat(flo);
  let i = 0;
  for (; i + 16 <= len; i += 16) {
    const at = <usize> i;
    const va = v128.load(a + at);
    const vb = v128.load(b + at);
    const aLo = i16x8.extend_low_i8x16_u(va);
    const aHi = i16x8.extend_high_i8x16_u(va);
    const bLo = i16x8.extend_low_i8x16_u(vb);
    const bHi = i16x8.extend_high_i8x16_u(vb);
    const r0 = Add.quarter(
      i32x4.extend_low_i16x8_u(aLo),
      i32x4.extend_low_i16x8_u(bLo),
      vza,
      vzb,
      vka,
      vkb,
      vz,
      vlo,
    );
    const r1 = Add.quarter(
      i32x4.extend_high_i16x8_u(aLo),
      i32x4.extend_high_i16x8_u(bLo),
      vza,
      vzb,
      vka,
      vkb,
      vz,
      vlo,
    );
    const r2 = Add.quarter(
      i32x4.extend_low_i16x8_u(aHi),
      i32x4.extend_low_i16x8_u(bHi),
      vza,
      vzb,
      vka,
      vkb,
      vz,
      vlo,
    );
    const r3 = Add.quarter(
      i32x4.extend_high_i16x8_u(aHi),
      i32x4.extend_high_i16x8_u(bHi),
      vza,
      vzb,
      vka,
      vkb,
      vz,
      vlo,
    );
    v128.store(
      y + at,
      i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(r0, r1), i16x8.narrow_i32x4_s(r2, r3)),
    );
  }
  for (; i < len; i++) {
    const at = <usize> i;
    const va = <f32> (<i32> load<u8>(a + at) - za) * ka;
    const vb = <f32> (<i32> load<u8>(b + at) - zb) * kb;
    let v = nearest<f32>(va + vb + fz);
    v = v < flo ? flo : v;
    v = v > 255 ? 255 : v;
    store<u8>(y + at, <u8> <i32> v);
  }
}

class Add {
  /** Four lanes of the residual sum, requantised. */
  @inline
  static quarter(
    a: v128,
    b: v128,
    za: v128,
    zb: v128,
    ka: v128,
    kb: v128,
    zOut: v128,
    lo: v128,
  ): v128 {
    const fa = f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(a, za)), ka);
    const fb = f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(b, zb)), kb);
    const v = f32x4.nearest(f32x4.add(f32x4.add(fa, fb), zOut));
    return i32x4.trunc_sat_f32x4_s(f32x4.pmin(f32x4.pmax(v, lo), f32x4.splat(255)));
  }
}

/** Max over each window's in-image taps; a window with none gives `fill`. */
export function q8_maxpool(
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
  fill: i32,
): void {
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
        for (let ch = 0; ch < c; ch++) {
          let best = -1;
          for (let iy = ylo; iy < yhi; iy++) {
            for (let ix = xlo; ix < xhi; ix++) {
              best = max(best, <i32> load<u8>(x + <usize> (((b * h + iy) * wd + ix) * c + ch)));
            }
          }
          store<u8>(out + <usize> ch, <u8> (best < 0 ? fill : best));
        }
        out += <usize> c;
      }
    }
  }
}

/** Mean over each window's in-image taps, rounded half up: (2 * sum + count) / (2 * count). */
export function q8_avgpool(
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
  fill: i32,
): void {
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
        const count = max(0, yhi - ylo) * max(0, xhi - xlo);
        for (let ch = 0; ch < c; ch++) {
          let sum = 0;
          for (let iy = ylo; iy < yhi; iy++) {
            for (let ix = xlo; ix < xhi; ix++) {
              sum += <i32> load<u8>(x + <usize> (((b * h + iy) * wd + ix) * c + ch));
            }
          }
          store<u8>(out + <usize> ch, <u8> (count == 0 ? fill : (2 * sum + count) / (2 * count)));
        }
        out += <usize> c;
      }
    }
  }
}

/** y[s, ch] = requant(sum_p x[s, p, ch] - hw * zIn, k, zOut, 0). */
export function q8_gap(
  x: usize,
  y: usize,
  n: i32,
  hw: i32,
  c: i32,
  zIn: i32,
  k: f32,
  zOut: i32,
): void {
  const fz = <f32> zOut;
  for (let b = 0; b < n; b++) {
    const img = x + <usize> (b * hw * c);
    for (let ch = 0; ch < c; ch++) {
      let sum = -hw * zIn;
      for (let p = 0; p < hw; p++) sum += <i32> load<u8>(img + <usize> (p * c + ch));
      store<u8>(y + <usize> (b * c + ch), <u8> Requant.byte(sum, k, fz, 0));
    }
  }
}

/** y[r, ch] = lut[ch * 256 + x[r, ch]] over rows x c bytes. */
export function q8_lut_channels(x: usize, lut: usize, y: usize, rows: i32, c: i32): void {
  let at: usize = 0;
  for (let r = 0; r < rows; r++) {
    for (let ch = 0; ch < c; ch++) {
      store<u8>(y + at, load<u8>(lut + (<usize> ch << 8) + <usize> load<u8>(x + at)));
      at++;
    }
  }
}

/** y[r, 0:ca] = lutA[a[r, :]], y[r, ca:ca+cb] = lutB[b[r, :]]. */
export function q8_concat(
  a: usize,
  b: usize,
  lutA: usize,
  lutB: usize,
  y: usize,
  rows: i32,
  ca: i32,
  cb: i32,
): void {
  let out = y;
  let pa = a;
  let pb = b;
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < ca; i++) {
      store<u8>(out + <usize> i, load<u8>(lutA + <usize> load<u8>(pa + <usize> i)));
    }
    out += <usize> ca;
    pa += <usize> ca;
    for (let i = 0; i < cb; i++) {
      store<u8>(out + <usize> i, load<u8>(lutB + <usize> load<u8>(pb + <usize> i)));
    }
    out += <usize> cb;
    pb += <usize> cb;
  }
}
