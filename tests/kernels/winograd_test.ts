/**
 * Winograd F(4x4, 3x3) convolution kernels (assembly/winograd_f32.ts) against the float64
 * reference, whose gradients conv2d_test.ts checks by finite differences. Shapes are 3x3
 * stride 1 with every padding from 0 to 2 (asymmetric too), odd sizes, images smaller than
 * one tile, channel counts that are not multiples of 4, batches of 1 and 3, and enough tiles
 * that blocks of tiles run across images.
 *
 * Tolerance: the transforms scale values by up to 5x on the way in and 1/24 on the way back,
 * so an output carries more float32 rounding than the direct sum of its `terms` products.
 * With data in [-1, 1] a sum of `terms` products has a spread of sqrt(terms) / 3; the bound
 * 3e-5 * sqrt(terms) is 1e-4 of that spread (the largest error measured on these cases is a
 * third of it). The last test checks realistic magnitudes: a ResNet layer with PyTorch's
 * initialisation, whose largest error stays below 1e-4 of the largest output.
 */
import assert from "node:assert/strict";
import { loadEngine } from "../../src/engine/wasm.ts";
import type { Arena } from "../../src/engine/arena.ts";
import type { Kernels } from "../../src/engine/kernels.ts";
import {
  conv2dBackwardInputRef,
  conv2dBackwardWeightsRef,
  conv2dForwardRef,
  conv2dLabel,
  type Conv2dShape,
  convOutSize,
} from "../../src/reference/conv2d.ts";
import { Rng } from "../../src/util/rng.ts";
import { assertClose, randomArray } from "../_tester.ts";

/** Padding top, bottom, left, right. */
type Pad = [number, number, number, number];

function shape3x3(n: number, h: number, w: number, c: number, k: number, p: Pad): Conv2dShape {
  return {
    n,
    h,
    w,
    c,
    k,
    kh: 3,
    kw: 3,
    sh: 1,
    sw: 1,
    pt: p[0],
    pl: p[2],
    oh: convOutSize(h, 3, 1, p[0], p[1]),
    ow: convOutSize(w, 3, 1, p[2], p[3]),
  };
}

const PADS: Pad[] = [[1, 1, 1, 1], [0, 0, 0, 0], [2, 2, 2, 2], [0, 1, 1, 0], [1, 0, 2, 1]];
const SIZES: Array<[number, number, number]> = [
  [1, 7, 9],
  [3, 5, 6],
  [1, 1, 1],
  [3, 2, 3],
  [1, 4, 4],
];
const CHANNELS: Array<[number, number]> = [
  [1, 1],
  [3, 16],
  [16, 3],
  [5, 17],
  [17, 5],
  [16, 16],
  [13, 13],
];

/** Every padding with a rotating choice of sizes and channel counts, then wider layers. */
function cases(): Conv2dShape[] {
  const out: Conv2dShape[] = [];
  let i = 0;
  for (const p of PADS) {
    for (const [c, k] of CHANNELS) {
      const [n, h, w] = SIZES[i++ % SIZES.length];
      if (h + p[0] + p[1] < 3 || w + p[2] + p[3] < 3) continue;
      out.push(shape3x3(n, h, w, c, k, p));
    }
  }
  // Blocks of tiles across images, partial tiles, several channel blocks, wide layers.
  out.push(shape3x3(3, 9, 11, 16, 16, [1, 1, 1, 1]));
  out.push(shape3x3(2, 10, 18, 20, 44, [1, 1, 1, 1]));
  out.push(shape3x3(1, 6, 10, 67, 130, [1, 1, 1, 1]));
  out.push(shape3x3(3, 8, 8, 64, 64, [1, 1, 1, 1]));
  out.push(shape3x3(2, 13, 7, 8, 9, [0, 2, 2, 0]));
  return out;
}

function tol(terms: number) {
  return { rtol: 1e-4, atol: 3e-5 * Math.sqrt(terms) + 1e-6 };
}

/** float32-rounded random data: the reference sees exactly what the kernel sees. */
function f32Random(rng: Rng, len: number, scale = 1): Float64Array {
  return Float64Array.from(Float32Array.from(randomArray(rng, len, -scale, scale)));
}

const GUARD = 8;
const SENTINEL = 12345.5;

/**
 * len floats plus a guard band: NaN inside (a kernel that reads what it did not write
 * spreads it), the sentinel after (a kernel that writes past the end changes it).
 */
function allocOut(arena: Arena, len: number): number {
  const ptr = arena.allocF32(len + GUARD);
  arena.f32(ptr, len).fill(NaN);
  arena.f32(ptr + len * 4, GUARD).fill(SENTINEL);
  return ptr;
}

function checkGuard(arena: Arena, ptr: number, len: number, label: string): void {
  const guard = arena.f32(ptr + len * 4, GUARD);
  for (let i = 0; i < GUARD; i++) {
    if (guard[i] !== SENTINEL) throw new Error(`${label}: wrote past the end (guard ${i})`);
  }
}

function readOut(arena: Arena, ptr: number, len: number, label: string): Float32Array {
  checkGuard(arena, ptr, len, label);
  return arena.f32(ptr, len).slice();
}

function sizes(s: Conv2dShape) {
  return { x: s.n * s.h * s.w * s.c, w: 9 * s.c * s.k, y: s.n * s.oh * s.ow * s.k };
}

/** The geometry arguments of the Winograd kernels. */
function geometry(s: Conv2dShape) {
  return [s.n, s.h, s.w, s.c, s.k, s.pt, s.pl, s.oh, s.ow] as const;
}

/** Scratch of the size the kernel asks for, NaN-filled and guarded. */
function allocScratch(kernels: Kernels, arena: Arena, s: Conv2dShape) {
  const len = kernels.f32_conv3x3s1_winograd_scratch(s.c, s.k);
  return { ptr: allocOut(arena, len), len };
}

function assertUnchanged(arena: Arena, ptr: number, data: Float64Array, label: string): void {
  assertClose(arena.f32(ptr, data.length), data, label, { rtol: 0, atol: 0 });
}

Deno.test("winograd forward matches the reference, with and without bias", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(31);
  for (const s of cases()) {
    const mark = arena.mark();
    const len = sizes(s);
    const x = f32Random(rng, len.x), w = f32Random(rng, len.w), bias = f32Random(rng, s.k);
    const xp = arena.putF32(x), wp = arena.putF32(w), bp = arena.putF32(bias);
    const label = `winograd fwd ${conv2dLabel(s)}`;
    for (const withBias of [true, false]) {
      const scratch = allocScratch(kernels, arena, s);
      const yp = allocOut(arena, len.y);
      const b = withBias ? bp : 0;
      kernels.f32_conv3x3s1_fwd_winograd(xp, wp, b, yp, scratch.ptr, ...geometry(s));
      checkGuard(arena, scratch.ptr, scratch.len, `${label} scratch`);
      assertClose(
        readOut(arena, yp, len.y, label),
        conv2dForwardRef(s, x, w, withBias ? bias : undefined),
        `${label}${withBias ? " +bias" : ""}`,
        tol(9 * s.c + 1),
      );
    }
    assertUnchanged(arena, xp, x, `${label} left x alone`);
    assertUnchanged(arena, wp, w, `${label} left w alone`);
    arena.release(mark);
  }
});

Deno.test("winograd backward-to-input matches the reference and overwrites dx", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(32);
  for (const s of cases()) {
    const mark = arena.mark();
    const len = sizes(s);
    const w = f32Random(rng, len.w), dy = f32Random(rng, len.y);
    const wp = arena.putF32(w), dyp = arena.putF32(dy);
    const label = `winograd bwd_input ${conv2dLabel(s)}`;
    const scratch = allocScratch(kernels, arena, s);
    const dxp = allocOut(arena, len.x);
    kernels.f32_conv3x3s1_bwd_input_winograd(dyp, wp, dxp, scratch.ptr, ...geometry(s));
    checkGuard(arena, scratch.ptr, scratch.len, `${label} scratch`);
    assertClose(
      readOut(arena, dxp, len.x, label),
      conv2dBackwardInputRef(s, dy, w),
      label,
      tol(9 * s.k),
    );
    assertUnchanged(arena, wp, w, `${label} left w alone`);
    assertUnchanged(arena, dyp, dy, `${label} left dy alone`);
    arena.release(mark);
  }
});

Deno.test("winograd backward-to-weights matches the reference and overwrites dw, dbias", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(33);
  for (const s of cases()) {
    const mark = arena.mark();
    const len = sizes(s);
    const x = f32Random(rng, len.x), dy = f32Random(rng, len.y);
    const xp = arena.putF32(x), dyp = arena.putF32(dy);
    const label = `winograd bwd_weights ${conv2dLabel(s)}`;
    const ref = conv2dBackwardWeightsRef(s, x, dy);
    const terms = s.n * s.oh * s.ow;
    for (const withBias of [true, false]) {
      const scratch = allocScratch(kernels, arena, s);
      const dwp = allocOut(arena, len.w);
      const dbp = withBias ? allocOut(arena, s.k) : 0;
      kernels.f32_conv3x3s1_bwd_weights_winograd(xp, dyp, dwp, dbp, scratch.ptr, ...geometry(s));
      checkGuard(arena, scratch.ptr, scratch.len, `${label} scratch`);
      assertClose(readOut(arena, dwp, len.w, label), ref.dw, `${label} dw`, tol(terms));
      if (withBias) {
        assertClose(readOut(arena, dbp, s.k, label), ref.dbias, `${label} dbias`, tol(terms));
      }
    }
    assertUnchanged(arena, xp, x, `${label} left x alone`);
    assertUnchanged(arena, dyp, dy, `${label} left dy alone`);
    arena.release(mark);
  }
});

Deno.test("winograd error at realistic magnitudes stays below 1e-4 of the largest value", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(34);
  // A ResNet-20 middle layer: inputs around unit scale (after batch norm), weights and
  // gradients at PyTorch's default initialisation scale 1/sqrt(fan-in).
  const s = shape3x3(2, 16, 16, 32, 32, [1, 1, 1, 1]);
  const len = sizes(s);
  const bound = 1 / Math.sqrt(9 * s.c);
  const x = f32Random(rng, len.x, 2), w = f32Random(rng, len.w, bound);
  const dy = f32Random(rng, len.y, 1e-3);
  const xp = arena.putF32(x), wp = arena.putF32(w), dyp = arena.putF32(dy);
  const scratch = arena.allocF32(kernels.f32_conv3x3s1_winograd_scratch(s.c, s.k));
  const yp = arena.allocF32(len.y), dxp = arena.allocF32(len.x), dwp = arena.allocF32(len.w);
  kernels.f32_conv3x3s1_fwd_winograd(xp, wp, 0, yp, scratch, ...geometry(s));
  kernels.f32_conv3x3s1_bwd_input_winograd(dyp, wp, dxp, scratch, ...geometry(s));
  kernels.f32_conv3x3s1_bwd_weights_winograd(xp, dyp, dwp, 0, scratch, ...geometry(s));
  const results: Array<[string, Float32Array, ArrayLike<number>]> = [
    ["fwd", arena.f32(yp, len.y), conv2dForwardRef(s, x, w)],
    ["bwd_input", arena.f32(dxp, len.x), conv2dBackwardInputRef(s, dy, w)],
    ["bwd_weights", arena.f32(dwp, len.w), conv2dBackwardWeightsRef(s, x, dy).dw],
  ];
  for (const [pass, got, want] of results) {
    let err = 0, scale = 0;
    for (let i = 0; i < want.length; i++) {
      err = Math.max(err, Math.abs(got[i] - want[i]));
      scale = Math.max(scale, Math.abs(want[i]));
    }
    assert.ok(scale > 0, `${pass}: the reference is all zeros`);
    assert.ok(
      err <= 1e-4 * scale,
      `${pass} ${conv2dLabel(s)}: largest error ${err} is more than 1e-4 of ${scale}`,
    );
  }
});
