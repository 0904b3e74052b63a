import assert from "node:assert/strict";
import { loadEngine } from "../../src/engine/wasm.ts";
import {
  avgPoolBackwardRef,
  avgPoolForwardRef,
  gapBackwardRef,
  gapForwardRef,
  maxPoolBackwardRef,
  maxPoolForwardRef,
  poolArgs,
  poolLabel,
  type PoolShape,
} from "../../src/reference/pool.ts";
import { Rng } from "../../src/util/rng.ts";
import { assertClose, dot, numericGradient, randomArray } from "../_tester.ts";
import { allocGarbage, randomF32, readF32 } from "./_f32_io.ts";

/** A pooling geometry with "floor" output size and symmetric padding. */
function shape(
  n: number,
  h: number,
  w: number,
  c: number,
  k: number,
  s: number,
  p: number,
): PoolShape {
  const out = (size: number) => Math.floor((size + 2 * p - k) / s) + 1;
  return { n, h, w, c, kh: k, kw: k, sh: s, sw: s, pt: p, pl: p, oh: out(h), ow: out(w) };
}

/** 2x2 stride 2, 3x3 stride 2 pad 1, 3x3 stride 1 pad 1, on awkward sizes and channel counts. */
const SHAPES: PoolShape[] = [];
for (const c of [1, 3, 5, 16, 17]) {
  SHAPES.push(shape(1, 4, 6, c, 2, 2, 0));
  SHAPES.push(shape(3, 7, 5, c, 2, 2, 0)); // odd sizes: the last row and column are dropped
  SHAPES.push(shape(3, 7, 9, c, 3, 2, 1));
  SHAPES.push(shape(1, 5, 3, c, 3, 1, 1));
}
/** "Same" pooling as the graph builder makes it: out = ceil(size/stride), extra padding after. */
function sameShape(n: number, h: number, w: number, c: number, k: number, s: number): PoolShape {
  const oh = Math.ceil(h / s), ow = Math.ceil(w / s);
  const padBefore = (size: number, out: number) =>
    Math.floor(Math.max((out - 1) * s + k - size, 0) / 2);
  return {
    n,
    h,
    w,
    c,
    kh: k,
    kw: k,
    sh: s,
    sw: s,
    pt: padBefore(h, oh),
    pl: padBefore(w, ow),
    oh,
    ow,
  };
}
for (const [k, s] of [[2, 1], [2, 2], [3, 1], [3, 2]]) {
  SHAPES.push(sameShape(3, 8, 7, 17, k, s));
  SHAPES.push(sameShape(1, 5, 6, 3, k, s));
}
// Windows wider than 3 (the general tap loop), a window hanging off the bottom right only
// (asymmetric padding) and a 1x1 image.
SHAPES.push(shape(3, 9, 7, 5, 4, 3, 1));
SHAPES.push(shape(1, 6, 6, 17, 5, 1, 2));
SHAPES.push({ n: 3, h: 6, w: 5, c: 5, kh: 3, kw: 2, sh: 2, sw: 2, pt: 0, pl: 0, oh: 3, ow: 3 });
SHAPES.push(shape(1, 1, 1, 17, 3, 1, 1));

/** Max pooling only selects values: it must agree bit for bit. */
const EXACT = { rtol: 0, atol: 0 };
const lenX = (s: PoolShape) => s.n * s.h * s.w * s.c;
const lenY = (s: PoolShape) => s.n * s.oh * s.ow * s.c;

Deno.test("pooling reference backwards match finite differences of their forwards", () => {
  const rng = new Rng(31);
  for (const s of [shape(1, 5, 4, 2, 3, 2, 1), shape(2, 3, 3, 3, 3, 1, 1)]) {
    const x = randomArray(rng, lenX(s));
    const dy = randomArray(rng, lenY(s));
    const name = poolLabel(s);
    // Max: random values are distinct, so a small step never changes the winner.
    const { argmax } = maxPoolForwardRef(x, s);
    assertClose(
      maxPoolBackwardRef(dy, argmax, lenX(s)),
      numericGradient((v) => dot(dy, maxPoolForwardRef(v, s).y), x),
      `maxpool ref ${name}`,
    );
    assertClose(
      avgPoolBackwardRef(dy, s),
      numericGradient((v) => dot(dy, avgPoolForwardRef(v, s)), x),
      `avgpool ref ${name}`,
    );
    const hw = s.h * s.w, gy = randomArray(rng, s.n * s.c);
    assertClose(
      gapBackwardRef(gy, s.n, hw, s.c),
      numericGradient((v) => dot(gy, gapForwardRef(v, s.n, hw, s.c)), x),
      `gap ref ${name}`,
    );
  }
});

Deno.test("avgpool reference divides by the in-image taps only", () => {
  // All ones: every output is 1 whatever its number of in-image taps.
  const s = shape(1, 3, 3, 1, 3, 1, 1);
  assertClose(
    avgPoolForwardRef(new Float64Array(9).fill(1), s),
    new Float64Array(9).fill(1),
    "ones",
  );
});

Deno.test("maxpool forward and backward match the reference", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(32);
  for (const s of SHAPES) {
    const x = randomF32(rng, lenX(s)), dy = randomF32(rng, lenY(s));
    const ref = maxPoolForwardRef(x, s);
    const mark = arena.mark();
    const px = arena.putF32(x),
      py = allocGarbage(arena, lenY(s)),
      pa = allocGarbage(arena, lenY(s));
    kernels.f32_maxpool_fwd(px, py, pa, ...poolArgs(s));
    assertClose(readF32(arena, py, lenY(s)), ref.y, `maxpool ${poolLabel(s)} y`, EXACT);
    assert.deepEqual(arena.i32(pa, lenY(s)).slice(), ref.argmax, `maxpool ${poolLabel(s)} argmax`);
    const pdx = allocGarbage(arena, lenX(s));
    kernels.f32_maxpool_bwd(arena.putF32(dy), pa, pdx, lenX(s), lenY(s));
    const dx = maxPoolBackwardRef(dy, ref.argmax, lenX(s));
    assertClose(readF32(arena, pdx, lenX(s)), dx, `maxpool ${poolLabel(s)} dx`);
    arena.release(mark);
  }
});

Deno.test("maxpool breaks ties on the first tap, as the reference does", async () => {
  const { kernels, arena } = await loadEngine();
  for (const s of [shape(3, 7, 9, 17, 3, 2, 1), shape(1, 5, 3, 5, 3, 1, 1)]) {
    // Rows of equal values: every window has ties, some across all its taps.
    const x = Float32Array.from({ length: lenX(s) }, (_, i) => Math.floor(i / (s.c * 2)) % 3);
    const ref = maxPoolForwardRef(x, s);
    const mark = arena.mark();
    const py = allocGarbage(arena, lenY(s)), pa = allocGarbage(arena, lenY(s));
    kernels.f32_maxpool_fwd(arena.putF32(x), py, pa, ...poolArgs(s));
    assert.deepEqual(arena.i32(pa, lenY(s)).slice(), ref.argmax, `maxpool ties ${poolLabel(s)}`);
    arena.release(mark);
  }
});

Deno.test("avgpool forward and backward match the reference", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(33);
  for (const s of SHAPES) {
    const x = randomF32(rng, lenX(s)), dy = randomF32(rng, lenY(s));
    const mark = arena.mark();
    const py = allocGarbage(arena, lenY(s)), pdx = allocGarbage(arena, lenX(s));
    kernels.f32_avgpool_fwd(arena.putF32(x), py, ...poolArgs(s));
    assertClose(readF32(arena, py, lenY(s)), avgPoolForwardRef(x, s), `avgpool ${poolLabel(s)} y`);
    kernels.f32_avgpool_bwd(arena.putF32(dy), pdx, ...poolArgs(s));
    const dx = avgPoolBackwardRef(dy, s);
    assertClose(readF32(arena, pdx, lenX(s)), dx, `avgpool ${poolLabel(s)} dx`);
    arena.release(mark);
  }
});

Deno.test("global average pooling forward and backward match the reference", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(34);
  for (
    const [n, hw, c] of [[1, 1, 1], [3, 9, 3], [1, 25, 5], [3, 64, 16], [3, 49, 17], [2, 1, 17]]
  ) {
    const name = `gap n${n} hw${hw} c${c}`;
    const x = randomF32(rng, n * hw * c), dy = randomF32(rng, n * c);
    const mark = arena.mark();
    const py = allocGarbage(arena, n * c), pdx = allocGarbage(arena, n * hw * c);
    kernels.f32_gap_fwd(arena.putF32(x), py, n, hw, c);
    assertClose(readF32(arena, py, n * c), gapForwardRef(x, n, hw, c), `${name} y`);
    kernels.f32_gap_bwd(arena.putF32(dy), pdx, n, hw, c);
    assertClose(readF32(arena, pdx, n * hw * c), gapBackwardRef(dy, n, hw, c), `${name} dx`);
    arena.release(mark);
  }
});
