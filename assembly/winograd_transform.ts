// The transforms of Winograd's F(4x4, 3x3) (Lavin & Gray's interpolation points 0, 1, -1, 2,
// -2 and infinity) that winograd_f32.ts runs around its matrix products:
//
//   input  V = B^T d B   (6x6 patch d)     B^T = [ 4  0 -5  0  1  0 ]
//                                                [ 0 -4 -4  1  1  0 ]
//                                                [ 0  4 -4 -1  1  0 ]
//                                                [ 0 -2 -1  2  1  0 ]
//                                                [ 0  2 -1 -2  1  0 ]
//                                                [ 0  4  0 -5  0  1 ]
//   filter U = G g G^T   (3x3 filter g)    G   = [ 1/4     0     0 ]
//                                                [-1/6  -1/6  -1/6 ]
//                                                [-1/6   1/6  -1/6 ]
//                                                [ 1/24  1/12  1/6 ]
//                                                [ 1/24 -1/12  1/6 ]
//                                                [ 0      0     1  ]
//   output Y = A^T M A   (4x4 outputs)     A^T = [ 1  1  1  1  1  0 ]
//                                                [ 0  1 -1  2 -2  0 ]
//                                                [ 0  1  1  4  4  0 ]
//                                                [ 0  1 -1  8 -8  1 ]
//   and for the weight gradient: A dY A^T (4x4 dY to 6x6) and dg = G^T dU G (6x6 to 3x3).
//
// Every 2-D transform X P Y^T goes as 1-D transforms: along x for every row, each row's
// results stored in its slots of the destination, then along y for every column of the
// destination, in place (each 1-D step loads all its inputs before it stores). The
// destination is the tile's slots in a position-major buffer: position (i, j) of the 6x6
// domain at dst + (6 i + j) * ps. The second pass re-reads values the first just stored,
// which costs about as much as keeping 36 vectors in 15 registers would.
//
// All transforms work on lane groups: 4 channels as one v128 while they last, then single
// channels as f32, through the lane-generic helpers at the end.

/**
 * The constants the transforms multiply by, splatted into locals once per call (V8 rebuilds
 * a v128 constant at every use inside a loop). Byte offsets below.
 */
// deno-fmt-ignore
const CONSTS: usize = memory.data<f32>([
  4, -5, -4, 2, -2, 8, 0.25, -1.0 / 6, 1.0 / 6, 1.0 / 12, -1.0 / 12, 1.0 / 24,
]);
const K4: usize = 0;
const KM5: usize = 4;
const KM4: usize = 8;
const K2: usize = 12;
const KM2: usize = 16;
const K8: usize = 20;
const K1_4: usize = 24;
const KM1_6: usize = 28;
const K1_6: usize = 32;
const K1_12: usize = 36;
const KM1_12: usize = 40;
const K1_24: usize = 44;

/**
 * V = B^T d B of one 6x6 patch (pixels pix bytes apart, rows rowBytes apart, `channels`
 * floats each) into dst + pos * ps, pos = 6 i + j, channel c at byte 4 c of each slot.
 */
export function inputPatch(
  src: usize,
  rowBytes: usize,
  pix: usize,
  channels: i32,
  dst: usize,
  ps: usize,
): void {
  const c4 = v128.load32_splat(CONSTS, K4);
  const cm5 = v128.load32_splat(CONSTS, KM5);
  const cm4 = v128.load32_splat(CONSTS, KM4);
  const c2 = v128.load32_splat(CONSTS, K2);
  const cm2 = v128.load32_splat(CONSTS, KM2);
  const quadEnd = <usize> (channels & ~3) * 4;
  const end = <usize> channels * 4;
  let off: usize = 0;
  for (; off < quadEnd; off += 16) {
    Patch.input<v128>(src + off, rowBytes, pix, dst + off, ps, c4, cm5, cm4, c2, cm2);
  }
  for (; off < end; off += 4) {
    Patch.input<f32>(src + off, rowBytes, pix, dst + off, ps, 4, -5, -4, 2, -2);
  }
}

/**
 * Y = A^T M A (+ bias, optional) of one tile: M at m + pos * ps (overwritten), Y into a 4x4
 * block of pixels (pix bytes apart, rows rowBytes apart) of `channels` floats.
 */
export function outputTile(
  m: usize,
  ps: usize,
  channels: i32,
  out: usize,
  rowBytes: usize,
  pix: usize,
  bias: usize,
): void {
  const c2 = v128.load32_splat(CONSTS, K2);
  const c4 = v128.load32_splat(CONSTS, K4);
  const c8 = v128.load32_splat(CONSTS, K8);
  const zero = f32x4.splat(0);
  const quadEnd = <usize> (channels & ~3) * 4;
  const end = <usize> channels * 4;
  let off: usize = 0;
  for (; off < quadEnd; off += 16) {
    const bv = bias != 0 ? v128.load(bias + off) : zero;
    Patch.output<v128>(m + off, ps, out + off, rowBytes, pix, bv, zero, c2, c4, c8);
  }
  for (; off < end; off += 4) {
    const bv: f32 = bias != 0 ? load<f32>(bias + off) : 0;
    Patch.output<f32>(m + off, ps, out + off, rowBytes, pix, bv, 0, 2, 4, 8);
  }
}

/** A dY A^T of one 4x4 block of dy (layout as in outputTile) into dst + pos * ps. */
export function gradPatch(
  src: usize,
  rowBytes: usize,
  pix: usize,
  channels: i32,
  dst: usize,
  ps: usize,
): void {
  const c4 = v128.load32_splat(CONSTS, K4);
  const c8 = v128.load32_splat(CONSTS, K8);
  const quadEnd = <usize> (channels & ~3) * 4;
  const end = <usize> channels * 4;
  let off: usize = 0;
  for (; off < quadEnd; off += 16) {
    Patch.grad<v128>(src + off, rowBytes, pix, dst + off, ps, c4, c8);
  }
  for (; off < end; off += 4) Patch.grad<f32>(src + off, rowBytes, pix, dst + off, ps, 4, 8);
}

/**
 * u[pos][ci][co] = (G g G^T)[pos] for the 3x3 slice g of w (HWIO, c x k) at every (ci, co):
 * the element index e = ci * k + co runs contiguously through both.
 */
export function filterTransform(w: usize, u: usize, c: i32, k: i32): void {
  const q4 = v128.load32_splat(CONSTS, K1_4);
  const m6 = v128.load32_splat(CONSTS, KM1_6);
  const c6 = v128.load32_splat(CONSTS, K1_6);
  const c12 = v128.load32_splat(CONSTS, K1_12);
  const m12 = v128.load32_splat(CONSTS, KM1_12);
  const c24 = v128.load32_splat(CONSTS, K1_24);
  const plane = <usize> (c * k) * 4;
  const quadEnd = <usize> ((c * k) & ~3) * 4;
  let off: usize = 0;
  for (; off < quadEnd; off += 16) {
    Patch.filter<v128>(w + off, u + off, plane, q4, m6, c6, c12, m12, c24);
  }
  for (; off < plane; off += 4) {
    Patch.filter<f32>(
      w + off,
      u + off,
      plane,
      0.25,
      -1.0 / 6,
      1.0 / 6,
      1.0 / 12,
      -1.0 / 12,
      1.0 / 24,
    );
  }
}

/**
 * dw[ky][kx][ci][co] = (G^T du G)[ky][kx] for du[pos][ci][co] (du is overwritten): the
 * inverse direction of filterTransform.
 */
export function filterGradTransform(du: usize, dw: usize, c: i32, k: i32): void {
  const q4 = v128.load32_splat(CONSTS, K1_4);
  const m6 = v128.load32_splat(CONSTS, KM1_6);
  const c6 = v128.load32_splat(CONSTS, K1_6);
  const c12 = v128.load32_splat(CONSTS, K1_12);
  const c24 = v128.load32_splat(CONSTS, K1_24);
  const plane = <usize> (c * k) * 4;
  const quadEnd = <usize> ((c * k) & ~3) * 4;
  let off: usize = 0;
  for (; off < quadEnd; off += 16) {
    Patch.filterGrad<v128>(du + off, dw + off, plane, q4, m6, c6, c12, c24);
  }
  for (; off < plane; off += 4) {
    Patch.filterGrad<f32>(du + off, dw + off, plane, 0.25, -1.0 / 6, 1.0 / 6, 1.0 / 12, 1.0 / 24);
  }
}

// Inlined helpers are static methods: deno fmt drops decorators on plain functions.

/** One lane group of each 2-D transform (see above): the 1-D steps along x, then along y. */
class Patch {
  @inline
  static input<T>(
    src: usize,
    rowBytes: usize,
    pix: usize,
    q: usize,
    ps: usize,
    c4: T,
    cm5: T,
    cm4: T,
    c2: T,
    cm2: T,
  ): void {
    const row = 6 * ps;
    for (let r: usize = 0; r < 6; r++) {
      Step.input<T>(src + r * rowBytes, pix, q + r * row, ps, c4, cm5, cm4, c2, cm2);
    }
    for (let j: usize = 0; j < 6; j++) {
      Step.input<T>(q + j * ps, row, q + j * ps, row, c4, cm5, cm4, c2, cm2);
    }
  }

  @inline
  static output<T>(
    q: usize,
    ps: usize,
    out: usize,
    rowBytes: usize,
    pix: usize,
    bv: T,
    zero: T,
    c2: T,
    c4: T,
    c8: T,
  ): void {
    const row = 6 * ps;
    for (let i: usize = 0; i < 6; i++) {
      Step.output<T>(q + i * row, ps, q + i * row, ps, zero, c2, c4, c8);
    }
    for (let b: usize = 0; b < 4; b++) {
      Step.output<T>(q + b * ps, row, out + b * pix, rowBytes, bv, c2, c4, c8);
    }
  }

  @inline
  static grad<T>(
    src: usize,
    rowBytes: usize,
    pix: usize,
    q: usize,
    ps: usize,
    c4: T,
    c8: T,
  ): void {
    const row = 6 * ps;
    for (let a: usize = 0; a < 4; a++) {
      Step.grad<T>(src + a * rowBytes, pix, q + a * row, ps, c4, c8);
    }
    for (let j: usize = 0; j < 6; j++) Step.grad<T>(q + j * ps, row, q + j * ps, row, c4, c8);
  }

  @inline
  static filter<T>(
    w: usize,
    u: usize,
    plane: usize,
    q4: T,
    m6: T,
    c6: T,
    c12: T,
    m12: T,
    c24: T,
  ): void {
    // Down the filter's columns (taps kx, 3 planes apart per ky) into slots (i, kx), then
    // along the rows of the slots.
    const row = 6 * plane;
    for (let kx: usize = 0; kx < 3; kx++) {
      Step.filter<T>(w + kx * plane, 3 * plane, u + kx * plane, row, q4, m6, c6, c12, m12, c24);
    }
    for (let i: usize = 0; i < 6; i++) {
      Step.filter<T>(u + i * row, plane, u + i * row, plane, q4, m6, c6, c12, m12, c24);
    }
  }

  @inline
  static filterGrad<T>(
    du: usize,
    dw: usize,
    plane: usize,
    q4: T,
    m6: T,
    c6: T,
    c12: T,
    c24: T,
  ): void {
    // Along the rows of du into their first three slots, then down those columns into dw.
    const row = 6 * plane;
    for (let i: usize = 0; i < 6; i++) {
      Step.filterGrad<T>(du + i * row, plane, du + i * row, plane, q4, m6, c6, c12, c24);
    }
    for (let kx: usize = 0; kx < 3; kx++) {
      Step.filterGrad<T>(du + kx * plane, row, dw + kx * plane, 3 * plane, q4, m6, c6, c12, c24);
    }
  }
}

/** The 1-D transforms: values `step` bytes apart from p, results `qs` bytes apart from q. */
class Step {
  /** One 1-D B^T: six values `step` bytes apart from p, six results `qs` apart from q. */
  @inline
  static input<T>(
    p: usize,
    step: usize,
    q: usize,
    qs: usize,
    c4: T,
    cm5: T,
    cm4: T,
    c2: T,
    cm2: T,
  ): void {
    const d0 = load<T>(p);
    const d1 = load<T>(p + step);
    const d2 = load<T>(p + 2 * step);
    const d3 = load<T>(p + 3 * step);
    const d4 = load<T>(p + 4 * step);
    const d5 = load<T>(p + 5 * step);
    const a = Lane.madd<T>(cm4, d2, d4); // d4 - 4 d2
    const b = Lane.madd<T>(cm4, d1, d3); // d3 - 4 d1
    const c = Lane.sub<T>(d4, d2);
    const e = Lane.sub<T>(d3, d1);
    store<T>(q, Lane.madd<T>(c4, d0, Lane.madd<T>(cm5, d2, d4)));
    store<T>(q + qs, Lane.add<T>(a, b));
    store<T>(q + 2 * qs, Lane.sub<T>(a, b));
    store<T>(q + 3 * qs, Lane.madd<T>(c2, e, c));
    store<T>(q + 4 * qs, Lane.madd<T>(cm2, e, c));
    store<T>(q + 5 * qs, Lane.madd<T>(c4, d1, Lane.madd<T>(cm5, d3, d5)));
  }

  /** One 1-D A^T plus `bv`: six values `step` apart from p, four results `qs` apart from q. */
  @inline
  static output<T>(
    p: usize,
    step: usize,
    q: usize,
    qs: usize,
    bv: T,
    c2: T,
    c4: T,
    c8: T,
  ): void {
    const m0 = load<T>(p);
    const m1 = load<T>(p + step);
    const m2 = load<T>(p + 2 * step);
    const m3 = load<T>(p + 3 * step);
    const m4 = load<T>(p + 4 * step);
    const m5 = load<T>(p + 5 * step);
    const sum12 = Lane.add<T>(m1, m2);
    const dif12 = Lane.sub<T>(m1, m2);
    const sum34 = Lane.add<T>(m3, m4);
    const dif34 = Lane.sub<T>(m3, m4);
    store<T>(q, Lane.add<T>(Lane.add<T>(Lane.add<T>(m0, sum12), sum34), bv));
    store<T>(q + qs, Lane.add<T>(Lane.madd<T>(c2, dif34, dif12), bv));
    store<T>(q + 2 * qs, Lane.add<T>(Lane.madd<T>(c4, sum34, sum12), bv));
    store<T>(q + 3 * qs, Lane.add<T>(Lane.add<T>(Lane.madd<T>(c8, dif34, dif12), m5), bv));
  }

  /** One 1-D A: four values `step` apart from p, six results `qs` apart from q. */
  @inline
  static grad<T>(p: usize, step: usize, q: usize, qs: usize, c4: T, c8: T): void {
    const y0 = load<T>(p);
    const y1 = load<T>(p + step);
    const y2 = load<T>(p + 2 * step);
    const y3 = load<T>(p + 3 * step);
    const even = Lane.add<T>(y0, y2);
    const odd = Lane.add<T>(y1, y3);
    const even4 = Lane.madd<T>(c4, y2, y0); // y0 + 4 y2
    const odd8 = Lane.madd<T>(c8, y3, Lane.add<T>(y1, y1)); // 2 y1 + 8 y3
    store<T>(q, y0);
    store<T>(q + qs, Lane.add<T>(even, odd));
    store<T>(q + 2 * qs, Lane.sub<T>(even, odd));
    store<T>(q + 3 * qs, Lane.add<T>(even4, odd8));
    store<T>(q + 4 * qs, Lane.sub<T>(even4, odd8));
    store<T>(q + 5 * qs, y3);
  }

  /** One 1-D G: three values `step` apart from p, six results `qs` apart from q. */
  @inline
  static filter<T>(
    p: usize,
    step: usize,
    q: usize,
    qs: usize,
    q4: T,
    m6: T,
    c6: T,
    c12: T,
    m12: T,
    c24: T,
  ): void {
    const g0 = load<T>(p);
    const g1 = load<T>(p + step);
    const g2 = load<T>(p + 2 * step);
    const outer = Lane.add<T>(g0, g2);
    const h = Lane.madd<T>(c24, g0, Lane.mul<T>(c6, g2)); // g0 / 24 + g2 / 6
    store<T>(q, Lane.mul<T>(q4, g0));
    store<T>(q + qs, Lane.mul<T>(m6, Lane.add<T>(outer, g1)));
    store<T>(q + 2 * qs, Lane.mul<T>(m6, Lane.sub<T>(outer, g1)));
    store<T>(q + 3 * qs, Lane.madd<T>(c12, g1, h));
    store<T>(q + 4 * qs, Lane.madd<T>(m12, g1, h));
    store<T>(q + 5 * qs, g2);
  }

  /** One 1-D G^T: six values `step` apart from p, three results `qs` apart from q. */
  @inline
  static filterGrad<T>(
    p: usize,
    step: usize,
    q: usize,
    qs: usize,
    q4: T,
    m6: T,
    c6: T,
    c12: T,
    c24: T,
  ): void {
    const u0 = load<T>(p);
    const u1 = load<T>(p + step);
    const u2 = load<T>(p + 2 * step);
    const u3 = load<T>(p + 3 * step);
    const u4 = load<T>(p + 4 * step);
    const u5 = load<T>(p + 5 * step);
    const sum12 = Lane.add<T>(u1, u2);
    const sum34 = Lane.add<T>(u3, u4);
    store<T>(q, Lane.madd<T>(q4, u0, Lane.madd<T>(m6, sum12, Lane.mul<T>(c24, sum34))));
    store<T>(q + qs, Lane.madd<T>(c6, Lane.sub<T>(u2, u1), Lane.mul<T>(c12, Lane.sub<T>(u3, u4))));
    store<T>(q + 2 * qs, Lane.madd<T>(m6, sum12, Lane.madd<T>(c6, sum34, u5)));
  }
}

/** Arithmetic on a lane group: T is v128 (4 channels) or f32 (one channel). */
class Lane {
  @inline
  static add<T>(a: T, b: T): T {
    if (sizeof<T>() == 16) return <T> f32x4.add(<v128> a, <v128> b);
    return a + b;
  }

  @inline
  static sub<T>(a: T, b: T): T {
    if (sizeof<T>() == 16) return <T> f32x4.sub(<v128> a, <v128> b);
    return a - b;
  }

  @inline
  static mul<T>(a: T, b: T): T {
    if (sizeof<T>() == 16) return <T> f32x4.mul(<v128> a, <v128> b);
    return a * b;
  }

  /** a * b + c (fused where the machine fuses). */
  @inline
  static madd<T>(a: T, b: T, c: T): T {
    if (sizeof<T>() == 16) return <T> f32x4.relaxed_madd(<v128> a, <v128> b, <v128> c);
    return a * b + c;
  }
}
