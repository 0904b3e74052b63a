/**
 * Convolution kernels: the float64 reference's gradients against finite differences, then the
 * wasm kernels (assembly/conv2d_f32.ts) against the reference on awkward shapes.
 */
import assert from "node:assert/strict";
import { loadEngine } from "../../src/engine/wasm.ts";
import type { Kernels } from "../../src/engine/kernels.ts";
import type { Arena } from "../../src/engine/arena.ts";
import {
  conv2dArgs,
  conv2dBackwardInputRef,
  conv2dBackwardWeightsRef,
  conv2dForwardRef,
  conv2dLabel,
  type Conv2dShape,
  convOutSize,
} from "../../src/reference/conv2d.ts";
import { Rng } from "../../src/util/rng.ts";
import { assertClose, dot, numericGradient, randomArray } from "../_tester.ts";

/** Kernel, stride and padding (before and after, per axis) of one test geometry. */
interface Geometry {
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  pt: number;
  pb: number;
  pl: number;
  pr: number;
}

function geom(kh: number, kw: number, s: [number, number], p: [number, number, number, number]) {
  return { kh, kw, sh: s[0], sw: s[1], pt: p[0], pb: p[1], pl: p[2], pr: p[3] };
}

const GEOMETRIES: Geometry[] = [
  geom(1, 1, [1, 1], [0, 0, 0, 0]),
  geom(1, 1, [2, 2], [0, 0, 0, 0]),
  geom(3, 3, [1, 1], [1, 1, 1, 1]),
  geom(3, 3, [2, 2], [1, 1, 1, 1]),
  geom(3, 3, [1, 1], [0, 0, 0, 0]),
  geom(3, 3, [2, 2], [0, 1, 0, 1]), // "same" with the extra padding after, as TensorFlow pads
  geom(5, 5, [1, 1], [2, 2, 2, 2]),
  geom(5, 5, [2, 2], [2, 1, 1, 2]),
  geom(2, 3, [1, 1], [0, 1, 1, 1]),
  geom(3, 2, [2, 1], [2, 0, 0, 1]),
  geom(3, 3, [1, 2], [1, 2, 0, 2]),
  geom(1, 3, [3, 1], [0, 0, 1, 1]),
];

const SIZES: Array<[number, number, number]> = [[1, 7, 9], [3, 5, 6], [1, 11, 4], [3, 1, 1]];
const CHANNELS: Array<[number, number]> = [
  [1, 1],
  [3, 16],
  [16, 3],
  [5, 17],
  [17, 5],
  [16, 16],
  [13, 13],
  [3, 32],
];

function makeShape(n: number, h: number, w: number, c: number, k: number, g: Geometry) {
  const oh = convOutSize(h, g.kh, g.sh, g.pt, g.pb);
  const ow = convOutSize(w, g.kw, g.sw, g.pl, g.pr);
  const s: Conv2dShape = {
    n,
    h,
    w,
    c,
    k,
    kh: g.kh,
    kw: g.kw,
    sh: g.sh,
    sw: g.sw,
    pt: g.pt,
    pl: g.pl,
    oh,
    ow,
  };
  return s;
}

/** Every geometry with a rotating choice of sizes and channel counts; each valid case once. */
function wasmCases(): Conv2dShape[] {
  const cases: Conv2dShape[] = [];
  let i = 0;
  for (const g of GEOMETRIES) {
    for (const [c, k] of CHANNELS) {
      const [n, h, w] = SIZES[i++ % SIZES.length];
      if (h + g.pt + g.pb < g.kh || w + g.pl + g.pr < g.kw) continue;
      cases.push(makeShape(n, h, w, c, k, g));
    }
  }
  // Wider rows and more channels: several full tiles of 4 pixels, channel blocks of 8 and 4.
  cases.push(makeShape(2, 10, 18, 20, 44, geom(3, 3, [1, 1], [1, 1, 1, 1])));
  cases.push(makeShape(1, 12, 17, 36, 29, geom(3, 3, [2, 2], [1, 1, 1, 1])));
  cases.push(makeShape(1, 9, 21, 12, 24, geom(5, 5, [1, 1], [2, 2, 2, 2])));
  // Long reductions and many channel blocks, as the search's wider layers have.
  cases.push(makeShape(1, 6, 10, 67, 130, geom(3, 3, [1, 1], [1, 1, 1, 1])));
  cases.push(makeShape(1, 7, 7, 128, 20, geom(5, 5, [2, 2], [2, 2, 2, 2])));
  return cases;
}

/** float32-rounded random data: the reference sees exactly what the kernel sees. */
function f32Random(rng: Rng, len: number): Float64Array {
  return Float64Array.from(Float32Array.from(randomArray(rng, len)));
}

/** Tolerance for float32 sums of `terms` products of values in [-1, 1]. */
function tol(terms: number) {
  return { rtol: 1e-4, atol: 2e-6 * Math.sqrt(terms) + 1e-6 };
}

const GUARD = 8;
const SENTINEL = 12345.5;

/** Allocates len floats plus a guard band, all filled with NaN except the sentinel guard. */
function allocOut(arena: Arena, len: number): number {
  const ptr = arena.allocF32(len + GUARD);
  arena.f32(ptr, len).fill(NaN);
  arena.f32(ptr + len * 4, GUARD).fill(SENTINEL);
  return ptr;
}

function readOut(arena: Arena, ptr: number, len: number, label: string): Float32Array {
  const guard = arena.f32(ptr + len * 4, GUARD);
  for (let i = 0; i < GUARD; i++) {
    if (guard[i] !== SENTINEL) throw new Error(`${label}: wrote past the end (guard ${i})`);
  }
  return arena.f32(ptr, len).slice();
}

function sizes(s: Conv2dShape) {
  return {
    x: s.n * s.h * s.w * s.c,
    w: s.kh * s.kw * s.c * s.k,
    y: s.n * s.oh * s.ow * s.k,
  };
}

function runForward(
  kernels: Kernels,
  arena: Arena,
  s: Conv2dShape,
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  bias?: ArrayLike<number>,
): Float32Array {
  const len = sizes(s);
  const xp = arena.putF32(x), wp = arena.putF32(w);
  const bp = bias ? arena.putF32(bias) : 0;
  const yp = allocOut(arena, len.y);
  kernels.f32_conv2d_fwd(xp, wp, bp, yp, ...conv2dArgs(s) as Args13);
  return readOut(arena, yp, len.y, `fwd ${conv2dLabel(s)}`);
}

type Args13 = [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

Deno.test("reference conv2d backward passes match finite differences of the forward", () => {
  const rng = new Rng(7);
  const shapes = [
    makeShape(2, 4, 5, 2, 3, geom(3, 3, [1, 1], [1, 1, 1, 1])),
    makeShape(1, 5, 4, 3, 2, geom(3, 2, [2, 1], [1, 0, 0, 1])),
    makeShape(2, 3, 3, 1, 2, geom(1, 1, [2, 2], [0, 0, 0, 0])),
    makeShape(1, 6, 5, 2, 2, geom(5, 5, [2, 2], [2, 1, 2, 2])),
  ];
  for (const s of shapes) {
    const label = conv2dLabel(s);
    const len = sizes(s);
    const x = randomArray(rng, len.x);
    const w = randomArray(rng, len.w);
    const bias = randomArray(rng, s.k);
    const dy = randomArray(rng, len.y);
    const loss = (xx: Float64Array, ww: Float64Array, bb: Float64Array) =>
      dot(dy, conv2dForwardRef(s, xx, ww, bb));
    const dx = conv2dBackwardInputRef(s, dy, w);
    const { dw, dbias } = conv2dBackwardWeightsRef(s, x, dy);
    const opts = { rtol: 1e-6, atol: 1e-7 };
    assertClose(dx, numericGradient((v) => loss(v, w, bias), x), `ref dx ${label}`, opts);
    assertClose(dw, numericGradient((v) => loss(x, v, bias), w), `ref dw ${label}`, opts);
    assertClose(
      dbias,
      numericGradient((v) => loss(x, w, v), bias),
      `ref dbias ${label}`,
      opts,
    );
  }
});

Deno.test("reference conv2d output size follows the padded extent", () => {
  assert.equal(convOutSize(32, 3, 1, 1, 1), 32);
  assert.equal(convOutSize(32, 3, 2, 0, 1), 16);
  assert.equal(convOutSize(32, 1, 2, 0, 0), 16);
  assert.equal(convOutSize(7, 5, 2, 2, 1), 3);
  assert.throws(() => convOutSize(2, 5, 1, 1, 1));
});

Deno.test("f32_conv2d_fwd matches the reference, with and without bias", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(11);
  for (const s of wasmCases()) {
    const mark = arena.mark();
    const len = sizes(s);
    const x = f32Random(rng, len.x), w = f32Random(rng, len.w), bias = f32Random(rng, s.k);
    const label = conv2dLabel(s);
    const terms = s.kh * s.kw * s.c + 1;
    assertClose(
      runForward(kernels, arena, s, x, w, bias),
      conv2dForwardRef(s, x, w, bias),
      `fwd+bias ${label}`,
      tol(terms),
    );
    assertClose(
      runForward(kernels, arena, s, x, w),
      conv2dForwardRef(s, x, w),
      `fwd ${label}`,
      tol(terms),
    );
    arena.release(mark);
  }
});

Deno.test("f32_conv2d_bwd_input matches the reference and overwrites dx", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(12);
  for (const s of wasmCases()) {
    const mark = arena.mark();
    const len = sizes(s);
    const w = f32Random(rng, len.w), dy = f32Random(rng, len.y);
    const label = `bwd_input ${conv2dLabel(s)}`;
    const dyp = arena.putF32(dy), wp = arena.putF32(w);
    const dxp = allocOut(arena, len.x);
    const scratch = allocOut(arena, len.w);
    kernels.f32_conv2d_bwd_input(dyp, wp, dxp, scratch, ...conv2dArgs(s) as Args13);
    readOut(arena, scratch, len.w, `${label} scratch`);
    assertClose(arena.f32(wp, len.w), w, `${label} left w alone`, { rtol: 0, atol: 0 });
    assertClose(arena.f32(dyp, len.y), dy, `${label} left dy alone`, { rtol: 0, atol: 0 });
    const terms = s.kh * s.kw * s.k;
    assertClose(
      readOut(arena, dxp, len.x, label),
      conv2dBackwardInputRef(s, dy, w),
      label,
      tol(terms),
    );
    arena.release(mark);
  }
});

Deno.test("f32_conv2d_bwd_weights matches the reference and overwrites dw and dbias", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(13);
  for (const s of wasmCases()) {
    const mark = arena.mark();
    const len = sizes(s);
    const x = f32Random(rng, len.x), dy = f32Random(rng, len.y);
    const label = `bwd_weights ${conv2dLabel(s)}`;
    const ref = conv2dBackwardWeightsRef(s, x, dy);
    const xp = arena.putF32(x), dyp = arena.putF32(dy);
    const terms = s.n * s.oh * s.ow;
    for (const withBias of [true, false]) {
      const dwp = allocOut(arena, len.w);
      const dbp = withBias ? allocOut(arena, s.k) : 0;
      kernels.f32_conv2d_bwd_weights(xp, dyp, dwp, dbp, ...conv2dArgs(s) as Args13);
      assertClose(readOut(arena, dwp, len.w, label), ref.dw, `${label} dw`, tol(terms));
      if (withBias) {
        assertClose(readOut(arena, dbp, s.k, label), ref.dbias, `${label} dbias`, tol(terms));
      }
    }
    arena.release(mark);
  }
});
