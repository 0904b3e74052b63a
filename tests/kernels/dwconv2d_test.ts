/**
 * Depthwise convolution kernels: the float64 reference's gradients against finite
 * differences, then the wasm kernels (assembly/dwconv2d_f32.ts) against the reference on
 * awkward shapes (channels not a multiple of 4, odd sizes, both strides, asymmetric padding).
 */
import { loadEngine } from "../../src/engine/wasm.ts";
import {
  dwconv2dArgs,
  dwconv2dBackwardInputRef,
  dwconv2dBackwardWeightsRef,
  dwconv2dForwardRef,
  dwconv2dLabel,
  type DwConv2dShape,
} from "../../src/reference/dwconv2d.ts";
import { convOutSize } from "../../src/reference/conv2d.ts";
import { Rng } from "../../src/util/rng.ts";
import { assertClose, dot, numericGradient, randomArray } from "../_tester.ts";
import { allocGarbage, randomF32, readF32 } from "./_f32_io.ts";

/** Kernel size, stride and padding [top, bottom, left, right] of one case. */
function shape(
  n: number,
  h: number,
  w: number,
  c: number,
  k: number,
  s: number,
  [pt, pb, pl, pr]: [number, number, number, number],
): DwConv2dShape {
  const oh = convOutSize(h, k, s, pt, pb), ow = convOutSize(w, k, s, pl, pr);
  return { n, h, w, c, kh: k, kw: k, sh: s, sw: s, pt, pl, oh, ow };
}

const CASES: DwConv2dShape[] = [
  shape(1, 7, 9, 1, 3, 1, [1, 1, 1, 1]),
  shape(2, 5, 6, 3, 3, 2, [1, 1, 1, 1]),
  shape(1, 8, 8, 5, 3, 2, [0, 1, 0, 1]),
  shape(3, 6, 5, 8, 3, 1, [0, 0, 0, 0]),
  shape(1, 9, 7, 13, 5, 1, [2, 2, 2, 2]),
  shape(2, 11, 10, 6, 5, 2, [2, 1, 1, 2]),
  shape(1, 4, 4, 17, 5, 2, [2, 2, 2, 2]),
  shape(1, 3, 3, 4, 5, 1, [2, 2, 2, 2]), // every output sees padding
  shape(1, 1, 1, 7, 3, 2, [1, 1, 1, 1]),
  shape(2, 16, 16, 32, 3, 1, [1, 1, 1, 1]),
  shape(1, 15, 15, 24, 5, 2, [2, 2, 2, 2]),
];

function sizes(s: DwConv2dShape) {
  return { x: s.n * s.h * s.w * s.c, w: s.kh * s.kw * s.c, y: s.n * s.oh * s.ow * s.c };
}

/** Tolerance for float32 sums of `terms` products of values in [-1, 1]. */
function tol(terms: number) {
  return { rtol: 1e-4, atol: 2e-6 * Math.sqrt(terms) + 1e-6 };
}

Deno.test("reference dwconv2d backward passes match finite differences of the forward", () => {
  const rng = new Rng(21);
  for (const s of [CASES[1], CASES[2], CASES[5], CASES[7]]) {
    const label = dwconv2dLabel(s), len = sizes(s);
    const x = randomArray(rng, len.x), w = randomArray(rng, len.w);
    const bias = randomArray(rng, s.c), dy = randomArray(rng, len.y);
    const loss = (xx: Float64Array, ww: Float64Array, bb: Float64Array) =>
      dot(dy, dwconv2dForwardRef(s, xx, ww, bb));
    const { dw, dbias } = dwconv2dBackwardWeightsRef(s, x, dy);
    const opts = { rtol: 1e-6, atol: 1e-7 };
    assertClose(
      dwconv2dBackwardInputRef(s, dy, w),
      numericGradient((v) => loss(v, w, bias), x),
      `ref dx ${label}`,
      opts,
    );
    assertClose(dw, numericGradient((v) => loss(x, v, bias), w), `ref dw ${label}`, opts);
    assertClose(dbias, numericGradient((v) => loss(x, w, v), bias), `ref db ${label}`, opts);
  }
});

Deno.test("f32_dwconv2d_fwd matches the reference, with and without bias", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(22);
  for (const s of CASES) {
    const mark = arena.mark(), len = sizes(s), label = `fwd ${dwconv2dLabel(s)}`;
    const x = randomF32(rng, len.x), w = randomF32(rng, len.w), bias = randomF32(rng, s.c);
    const xp = arena.putF32(x), wp = arena.putF32(w), bp = arena.putF32(bias);
    for (const withBias of [true, false]) {
      const yp = allocGarbage(arena, len.y);
      kernels.f32_dwconv2d_fwd(xp, wp, withBias ? bp : 0, yp, ...dwconv2dArgs(s));
      const expected = dwconv2dForwardRef(s, x, w, withBias ? bias : undefined);
      assertClose(readF32(arena, yp, len.y), expected, `${label} bias ${withBias}`, tol(26));
    }
    arena.release(mark);
  }
});

Deno.test("f32_dwconv2d_bwd_input matches the reference and overwrites dx", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(23);
  for (const s of CASES) {
    const mark = arena.mark(), len = sizes(s), label = `bwd_input ${dwconv2dLabel(s)}`;
    const w = randomF32(rng, len.w), dy = randomF32(rng, len.y);
    const dyp = arena.putF32(dy), wp = arena.putF32(w), dxp = allocGarbage(arena, len.x);
    kernels.f32_dwconv2d_bwd_input(dyp, wp, dxp, ...dwconv2dArgs(s));
    const expected = dwconv2dBackwardInputRef(s, dy, w);
    assertClose(readF32(arena, dxp, len.x), expected, label, tol(25));
    arena.release(mark);
  }
});

Deno.test("f32_dwconv2d_bwd_weights matches the reference and overwrites dw, dbias", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(24);
  for (const s of CASES) {
    const mark = arena.mark(), len = sizes(s), label = `bwd_weights ${dwconv2dLabel(s)}`;
    const x = randomF32(rng, len.x), dy = randomF32(rng, len.y);
    const xp = arena.putF32(x), dyp = arena.putF32(dy);
    const ref = dwconv2dBackwardWeightsRef(s, x, dy), terms = s.n * s.oh * s.ow;
    for (const withBias of [true, false]) {
      const dwp = allocGarbage(arena, len.w), dbp = withBias ? allocGarbage(arena, s.c) : 0;
      kernels.f32_dwconv2d_bwd_weights(xp, dyp, dwp, dbp, ...dwconv2dArgs(s));
      assertClose(readF32(arena, dwp, len.w), ref.dw, `${label} dw`, tol(terms));
      if (withBias) assertClose(readF32(arena, dbp, s.c), ref.dbias, `${label} db`, tol(terms));
    }
    arena.release(mark);
  }
});
