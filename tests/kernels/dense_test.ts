import { loadEngine } from "../../src/engine/wasm.ts";
import { denseBackwardRef, denseForwardRef } from "../../src/reference/dense.ts";
import { Rng } from "../../src/util/rng.ts";
import { assertClose, dot, numericGradient, randomArray } from "../_tester.ts";
import { allocGarbage, randomF32, readF32 } from "./_f32_io.ts";

/** [n, inF, outF]: the ResNet head (64 -> 10) and sizes around the 4- and 16-wide blocks. */
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 3],
  [1, 17, 10],
  [3, 64, 10],
  [3, 7, 17],
  [1, 3, 33],
  [5, 16, 36],
];
const label = ([n, i, o]: [number, number, number]) => `dense n${n} ${i} -> ${o}`;

Deno.test("dense reference backward matches finite differences of its forward", () => {
  const rng = new Rng(41);
  const [n, inF, outF] = [3, 4, 5];
  const x = randomArray(rng, n * inF), w = randomArray(rng, inF * outF);
  const bias = randomArray(rng, outF), dy = randomArray(rng, n * outF);
  const ref = denseBackwardRef(x, w, dy, n, inF, outF);
  const loss = (xv: Float64Array, wv: Float64Array, bv: Float64Array) =>
    dot(dy, denseForwardRef(xv, wv, bv, n, inF, outF));
  assertClose(ref.dx, numericGradient((v) => loss(v, w, bias), x), "dense ref dx");
  assertClose(ref.dw, numericGradient((v) => loss(x, v, bias), w), "dense ref dw");
  assertClose(ref.dbias, numericGradient((v) => loss(x, w, v), bias), "dense ref dbias");
});

Deno.test("dense forward matches the reference, with and without bias", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(42);
  for (const s of SHAPES) {
    const [n, inF, outF] = s;
    const x = randomF32(rng, n * inF), w = randomF32(rng, inF * outF), b = randomF32(rng, outF);
    const mark = arena.mark();
    const px = arena.putF32(x), pw = arena.putF32(w), py = allocGarbage(arena, n * outF);
    kernels.f32_dense_fwd(px, pw, arena.putF32(b), py, n, inF, outF);
    assertClose(readF32(arena, py, n * outF), denseForwardRef(x, w, b, n, inF, outF), label(s));
    kernels.f32_dense_fwd(px, pw, 0, py, n, inF, outF);
    const noBias = denseForwardRef(x, w, null, n, inF, outF);
    assertClose(readF32(arena, py, n * outF), noBias, `${label(s)} no bias`);
    arena.release(mark);
  }
});

Deno.test("dense backward matches the reference, overwrites, skips absent dx, dbias", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(43);
  for (const s of SHAPES) {
    const [n, inF, outF] = s;
    const x = randomF32(rng, n * inF),
      w = randomF32(rng, inF * outF),
      dy = randomF32(rng, n * outF);
    const ref = denseBackwardRef(x, w, dy, n, inF, outF);
    const mark = arena.mark();
    const px = arena.putF32(x), pw = arena.putF32(w), pdy = arena.putF32(dy);
    const pdx = allocGarbage(arena, n * inF), pdw = allocGarbage(arena, inF * outF);
    const pdb = allocGarbage(arena, outF);
    kernels.f32_dense_bwd(px, pw, pdy, pdx, pdw, pdb, n, inF, outF);
    assertClose(readF32(arena, pdx, n * inF), ref.dx, `${label(s)} dx`);
    assertClose(readF32(arena, pdw, inF * outF), ref.dw, `${label(s)} dw`);
    assertClose(readF32(arena, pdb, outF), ref.dbias, `${label(s)} dbias`);
    const pdw2 = allocGarbage(arena, inF * outF);
    kernels.f32_dense_bwd(px, pw, pdy, 0, pdw2, 0, n, inF, outF);
    assertClose(readF32(arena, pdw2, inF * outF), ref.dw, `${label(s)} dw alone`);
    arena.release(mark);
  }
});
