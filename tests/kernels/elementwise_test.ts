import assert from "node:assert/strict";
import { loadEngine } from "../../src/engine/wasm.ts";
import {
  addRef,
  concatBackwardRef,
  concatForwardRef,
  reluBackwardRef,
  reluForwardRef,
} from "../../src/reference/elementwise.ts";
import { Rng } from "../../src/util/rng.ts";
import { assertClose, dot, numericGradient, randomArray } from "../_tester.ts";
import { allocGarbage, randomF32, readF32 } from "./_f32_io.ts";

/** Lengths around the vector width, plus one long enough to run the vector loop a while. */
const LENGTHS = [1, 3, 4, 5, 16, 17, 1027];
/** Exact operations (max, select, add of two floats, copy) must agree bit for bit. */
const EXACT = { rtol: 0, atol: 0 };

/** Random values kept at least 0.05 away from 0, so finite differences never straddle a kink. */
function awayFromZero(rng: Rng, len: number): Float64Array {
  return randomArray(rng, len).map((v) => (v < 0 ? v - 0.05 : v + 0.05));
}

Deno.test("relu and concat reference backwards match finite differences", () => {
  const rng = new Rng(21);
  const x = awayFromZero(rng, 7);
  const dy = randomArray(rng, 7);
  const dx = reluBackwardRef(reluForwardRef(x), dy);
  assertClose(dx, numericGradient((v) => dot(dy, reluForwardRef(v)), x), "relu ref len 7");

  const [rows, ca, cb] = [3, 2, 5];
  const a = randomArray(rng, rows * ca), b = randomArray(rng, rows * cb);
  const g = randomArray(rng, rows * (ca + cb));
  const { da, db } = concatBackwardRef(g, rows, ca, cb);
  const name = `concat ref rows ${rows} ${ca}+${cb}`;
  assertClose(da, numericGradient((v) => dot(g, concatForwardRef(v, b, rows, ca, cb)), a), name);
  assertClose(db, numericGradient((v) => dot(g, concatForwardRef(a, v, rows, ca, cb)), b), name);
});

Deno.test("relu forward matches the reference, separately and in place", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(22);
  for (const len of LENGTHS) {
    const x = randomF32(rng, len);
    const expected = reluForwardRef(x);
    const mark = arena.mark();
    const px = arena.putF32(x), py = allocGarbage(arena, len);
    kernels.f32_relu_fwd(px, py, len);
    assertClose(readF32(arena, py, len), expected, `relu len ${len}`, EXACT);
    kernels.f32_relu_fwd(px, px, len);
    assertClose(readF32(arena, px, len), expected, `relu in place len ${len}`, EXACT);
    arena.release(mark);
  }
});

Deno.test("relu backward matches the reference, separately and with dx == dy", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(23);
  for (const len of LENGTHS) {
    const y = reluForwardRef(randomF32(rng, len));
    const dy = randomF32(rng, len);
    const expected = reluBackwardRef(y, dy);
    const mark = arena.mark();
    const py = arena.putF32(y), pdy = arena.putF32(dy), pdx = allocGarbage(arena, len);
    kernels.f32_relu_bwd(py, pdy, pdx, len);
    assertClose(readF32(arena, pdx, len), expected, `relu bwd len ${len}`, EXACT);
    kernels.f32_relu_bwd(py, pdy, pdy, len);
    assertClose(readF32(arena, pdy, len), expected, `relu bwd in place len ${len}`, EXACT);
    arena.release(mark);
  }
});

Deno.test("add writes a + b apart, into a and into b; add_inplace accumulates", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(24);
  for (const len of LENGTHS) {
    const a = randomF32(rng, len), b = randomF32(rng, len);
    const expected = Float32Array.from(addRef(a, b)); // one float32 rounding, as the kernel
    const mark = arena.mark();
    const pa = arena.putF32(a), pb = arena.putF32(b), py = allocGarbage(arena, len);
    kernels.f32_add(pa, pb, py, len);
    assertClose(readF32(arena, py, len), expected, `add len ${len}`, EXACT);
    kernels.f32_add(pa, pb, pa, len);
    assertClose(readF32(arena, pa, len), expected, `add y==a len ${len}`, EXACT);
    const pa2 = arena.putF32(a);
    kernels.f32_add(pa2, pb, pb, len);
    assertClose(readF32(arena, pb, len), expected, `add y==b len ${len}`, EXACT);
    const pacc = arena.putF32(a), px = arena.putF32(b);
    kernels.f32_add_inplace(pacc, px, len);
    assertClose(readF32(arena, pacc, len), expected, `add_inplace len ${len}`, EXACT);
    assertClose(readF32(arena, px, len), b, `add_inplace leaves x len ${len}`, EXACT);
    arena.release(mark);
  }
});

Deno.test("copy and fill write exactly len floats", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(25);
  for (const len of LENGTHS) {
    const src = randomF32(rng, len);
    const mark = arena.mark();
    const ps = arena.putF32(src), pd = allocGarbage(arena, len + 1);
    kernels.f32_copy(ps, pd, len);
    assertClose(readF32(arena, pd, len), src, `copy len ${len}`, EXACT);
    assert.ok(Number.isNaN(arena.f32(pd, len + 1)[len]), `copy len ${len} wrote past the end`);
    kernels.f32_fill(pd, -2.5, len);
    assertClose(readF32(arena, pd, len), new Float64Array(len).fill(-2.5), `fill len ${len}`);
    assert.ok(Number.isNaN(arena.f32(pd, len + 1)[len]), `fill len ${len} wrote past the end`);
    arena.release(mark);
  }
});

Deno.test("concat forward and backward match the reference", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(26);
  for (const [rows, ca, cb] of [[1, 1, 1], [3, 3, 5], [15, 16, 17], [25, 5, 16], [7, 17, 3]]) {
    const name = `concat rows ${rows} ${ca}+${cb}`;
    const a = randomF32(rng, rows * ca), b = randomF32(rng, rows * cb);
    const dy = randomF32(rng, rows * (ca + cb));
    const mark = arena.mark();
    const py = allocGarbage(arena, rows * (ca + cb));
    kernels.f32_concat_fwd(arena.putF32(a), arena.putF32(b), py, rows, ca, cb);
    assertClose(readF32(arena, py, rows * (ca + cb)), concatForwardRef(a, b, rows, ca, cb), name);
    const pda = allocGarbage(arena, rows * ca), pdb = allocGarbage(arena, rows * cb);
    kernels.f32_concat_bwd(arena.putF32(dy), pda, pdb, rows, ca, cb);
    const ref = concatBackwardRef(dy, rows, ca, cb);
    assertClose(readF32(arena, pda, rows * ca), ref.da, `${name} da`, EXACT);
    assertClose(readF32(arena, pdb, rows * cb), ref.db, `${name} db`, EXACT);
    arena.release(mark);
  }
});
