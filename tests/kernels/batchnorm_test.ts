import assert from "node:assert/strict";
import { loadEngine } from "../../src/engine/wasm.ts";
import {
  batchnormBackwardRef,
  batchnormForwardInferRef,
  batchnormForwardTrainRef,
} from "../../src/reference/batchnorm.ts";
import { Rng } from "../../src/util/rng.ts";
import { assertClose, dot, numericGradient, randomArray } from "../_tester.ts";
import { allocGarbage, randomF32, readF32 } from "./_f32_io.ts";

const EPS = 1e-5;
const MOMENTUM = 0.1;

/** Batch-norm row layouts: count = n*h*w rows of c channels. */
const SHAPES: { n: number; h: number; w: number; c: number }[] = [
  { n: 1, h: 1, w: 3, c: 1 },
  { n: 1, h: 3, w: 5, c: 3 },
  { n: 3, h: 5, w: 3, c: 5 },
  { n: 3, h: 7, w: 7, c: 16 },
  { n: 1, h: 9, w: 5, c: 17 },
  { n: 3, h: 11, w: 9, c: 17 },
];
const label = (s: { n: number; h: number; w: number; c: number }) =>
  `batchnorm n${s.n} ${s.h}x${s.w}x${s.c}`;

Deno.test("batchnorm reference backward matches finite differences of its forward", () => {
  const rng = new Rng(11);
  for (const [count, c] of [[6, 3], [5, 1], [4, 5]]) {
    const x = randomArray(rng, count * c);
    const gamma = randomArray(rng, c, 0.5, 1.5);
    const beta = randomArray(rng, c);
    const dy = randomArray(rng, count * c);
    const zeros = new Float64Array(c);
    const loss = (xv: Float64Array, g: Float64Array, b: Float64Array) =>
      dot(dy, batchnormForwardTrainRef(xv, g, b, zeros, zeros, count, c, MOMENTUM, EPS).y);
    const fwd = batchnormForwardTrainRef(x, gamma, beta, zeros, zeros, count, c, MOMENTUM, EPS);
    const bwd = batchnormBackwardRef(x, dy, gamma, fwd.mean, fwd.invstd, count, c);
    const name = `batchnorm ref count ${count} c ${c}`;
    const tol = { rtol: 1e-5, atol: 1e-6 };
    assertClose(bwd.dx, numericGradient((v) => loss(v, gamma, beta), x), `${name} dx`, tol);
    assertClose(bwd.dgamma, numericGradient((v) => loss(x, v, beta), gamma), `${name} dg`, tol);
    assertClose(bwd.dbeta, numericGradient((v) => loss(x, gamma, v), beta), `${name} db`, tol);
  }
});

Deno.test("batchnorm training forward matches the reference, running statistics too", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(12);
  for (const s of SHAPES) {
    const count = s.n * s.h * s.w, c = s.c, len = count * c;
    const x = randomF32(rng, len, -2, 3);
    const gamma = randomF32(rng, c, 0.5, 1.5);
    const beta = randomF32(rng, c);
    const runMean = randomF32(rng, c);
    const runVar = randomF32(rng, c, 0.5, 2);
    const mark = arena.mark();
    const px = arena.putF32(x), py = allocGarbage(arena, len);
    const pMean = allocGarbage(arena, c), pInv = allocGarbage(arena, c);
    const pRunMean = arena.putF32(runMean), pRunVar = arena.putF32(runVar);
    const pg = arena.putF32(gamma), pb = arena.putF32(beta);
    // Two steps: the running statistics must compound.
    let ref = batchnormForwardTrainRef(x, gamma, beta, runMean, runVar, count, c, MOMENTUM, EPS);
    ref = batchnormForwardTrainRef(
      x,
      gamma,
      beta,
      ref.runMean,
      ref.runVar,
      count,
      c,
      MOMENTUM,
      EPS,
    );
    for (let step = 0; step < 2; step++) {
      kernels.f32_batchnorm_fwd_train(
        px,
        py,
        pg,
        pb,
        pMean,
        pInv,
        pRunMean,
        pRunVar,
        count,
        c,
        MOMENTUM,
        EPS,
      );
    }
    assertClose(readF32(arena, py, len), ref.y, `${label(s)} y`);
    assertClose(readF32(arena, pMean, c), ref.mean, `${label(s)} mean`);
    assertClose(readF32(arena, pInv, c), ref.invstd, `${label(s)} invstd`);
    assertClose(readF32(arena, pRunMean, c), ref.runMean, `${label(s)} run_mean`);
    assertClose(readF32(arena, pRunVar, c), ref.runVar, `${label(s)} run_var`);
    arena.release(mark);
  }
});

Deno.test("batchnorm training forward stays accurate for long batches far from zero", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(13);
  // 6000 rows with |mean| / std = 1000: a naive E[x^2]-E[x]^2 in float32 would lose the variance.
  for (const [count, c] of [[6000, 17], [6000, 3]]) {
    const x = Float32Array.from(randomArray(rng, count * c), (v) => 1000 + v);
    const gamma = randomF32(rng, c, 0.5, 1.5), beta = randomF32(rng, c);
    const zeros = new Float32Array(c);
    const mark = arena.mark();
    const px = arena.putF32(x), py = allocGarbage(arena, count * c);
    const pMean = allocGarbage(arena, c), pInv = allocGarbage(arena, c);
    kernels.f32_batchnorm_fwd_train(
      px,
      py,
      arena.putF32(gamma),
      arena.putF32(beta),
      pMean,
      pInv,
      arena.putF32(zeros),
      arena.putF32(zeros),
      count,
      c,
      MOMENTUM,
      EPS,
    );
    const ref = batchnormForwardTrainRef(x, gamma, beta, zeros, zeros, count, c, MOMENTUM, EPS);
    const name = `batchnorm count ${count} c ${c} mean 1000`;
    assertClose(readF32(arena, pMean, c), ref.mean, `${name} mean`, { rtol: 1e-6, atol: 0 });
    assertClose(readF32(arena, pInv, c), ref.invstd, `${name} invstd`, { rtol: 1e-3, atol: 0 });
    // y inherits float32's resolution of x near 1000 (6e-5), scaled by invstd (~1.7).
    assertClose(readF32(arena, py, count * c), ref.y, `${name} y`, { rtol: 1e-3, atol: 3e-4 });
    arena.release(mark);
  }
});

Deno.test("batchnorm kernels handle more channels than one working chunk", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(14);
  const count = 5, c = 1030, len = count * c;
  const x = randomF32(rng, len), dy = randomF32(rng, len);
  const gamma = randomF32(rng, c, 0.5, 1.5), beta = randomF32(rng, c);
  const runMean = randomF32(rng, c), runVar = randomF32(rng, c, 0.5, 2);
  const px = arena.putF32(x), pdy = arena.putF32(dy), py = allocGarbage(arena, len);
  const pg = arena.putF32(gamma), pb = arena.putF32(beta);
  const pMean = allocGarbage(arena, c), pInv = allocGarbage(arena, c);
  const pRm = arena.putF32(runMean), pRv = arena.putF32(runVar);
  kernels.f32_batchnorm_fwd_train(px, py, pg, pb, pMean, pInv, pRm, pRv, count, c, MOMENTUM, EPS);
  const ref = batchnormForwardTrainRef(x, gamma, beta, runMean, runVar, count, c, MOMENTUM, EPS);
  const name = `batchnorm count ${count} c ${c}`;
  assertClose(readF32(arena, py, len), ref.y, `${name} y`);
  assertClose(readF32(arena, pRv, c), ref.runVar, `${name} run_var`);
  const mean = readF32(arena, pMean, c), invstd = readF32(arena, pInv, c);
  const pdx = allocGarbage(arena, len), pdg = allocGarbage(arena, c), pdb = allocGarbage(arena, c);
  kernels.f32_batchnorm_bwd(px, pdy, pg, pMean, pInv, pdx, pdg, pdb, count, c);
  const bwd = batchnormBackwardRef(x, dy, gamma, mean, invstd, count, c);
  assertClose(readF32(arena, pdx, len), bwd.dx, `${name} dx`);
  assertClose(readF32(arena, pdg, c), bwd.dgamma, `${name} dgamma`);
  assertClose(readF32(arena, pdb, c), bwd.dbeta, `${name} dbeta`);
});

Deno.test("batchnorm inference forward matches the reference", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(15);
  for (const s of SHAPES) {
    const count = s.n * s.h * s.w, c = s.c, len = count * c;
    const x = randomF32(rng, len, -2, 3);
    const gamma = randomF32(rng, c, 0.5, 1.5), beta = randomF32(rng, c);
    const runMean = randomF32(rng, c), runVar = randomF32(rng, c, 0.5, 2);
    const mark = arena.mark();
    const px = arena.putF32(x), py = allocGarbage(arena, len);
    const [pg, pb, pm, pv] = [gamma, beta, runMean, runVar].map((a) => arena.putF32(a));
    kernels.f32_batchnorm_fwd_infer(px, py, pg, pb, pm, pv, count, c, EPS);
    const ref = batchnormForwardInferRef(x, gamma, beta, runMean, runVar, count, c, EPS);
    assertClose(readF32(arena, py, len), ref, `${label(s)} infer y`);
    // In place (y == x), as an inference-only executor may run it.
    kernels.f32_batchnorm_fwd_infer(px, px, pg, pb, pm, pv, count, c, EPS);
    assertClose(readF32(arena, px, len), ref, `${label(s)} infer in place`);
    arena.release(mark);
  }
});

Deno.test("batchnorm backward matches the reference and overwrites its outputs", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(16);
  for (const s of SHAPES) {
    const count = s.n * s.h * s.w, c = s.c, len = count * c;
    const x = randomF32(rng, len, -2, 3), dy = randomF32(rng, len);
    const gamma = randomF32(rng, c, 0.5, 1.5);
    // The saved statistics come from the training forward, as in the executor.
    const zeros = new Float64Array(c);
    const fwd = batchnormForwardTrainRef(x, gamma, zeros, zeros, zeros, count, c, MOMENTUM, EPS);
    const mean = Float32Array.from(fwd.mean), invstd = Float32Array.from(fwd.invstd);
    const mark = arena.mark();
    const pdx = allocGarbage(arena, len), pdg = allocGarbage(arena, c);
    const pdb = allocGarbage(arena, c);
    const [px, pdy, pg, pm, pi] = [x, dy, gamma, mean, invstd].map((a) => arena.putF32(a));
    kernels.f32_batchnorm_bwd(px, pdy, pg, pm, pi, pdx, pdg, pdb, count, c);
    const ref = batchnormBackwardRef(x, dy, gamma, mean, invstd, count, c);
    // dx is a difference of sums of size count: absolute error grows with the sums.
    const tol = { rtol: 1e-4, atol: 2e-5 };
    assertClose(readF32(arena, pdx, len), ref.dx, `${label(s)} dx`, tol);
    assertClose(readF32(arena, pdg, c), ref.dgamma, `${label(s)} dgamma`, tol);
    assertClose(readF32(arena, pdb, c), ref.dbeta, `${label(s)} dbeta`, tol);
    // In place (dx == dy): every dy is read before its dx is written.
    kernels.f32_batchnorm_bwd(px, pdy, pg, pm, pi, pdy, pdg, pdb, count, c);
    assertClose(readF32(arena, pdy, len), ref.dx, `${label(s)} dx in place`, tol);
    arena.release(mark);
  }
});

Deno.test("batchnorm over one row gives beta and a finite run_var", async () => {
  const { kernels, arena } = await loadEngine();
  const c = 5;
  const x = Float32Array.from([1, -2, 3, 0.5, 7]);
  const beta = Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5]);
  const ones = new Float32Array(c).fill(1);
  const py = allocGarbage(arena, c), pRv = arena.putF32(ones);
  kernels.f32_batchnorm_fwd_train(
    arena.putF32(x),
    py,
    arena.putF32(ones),
    arena.putF32(beta),
    allocGarbage(arena, c),
    allocGarbage(arena, c),
    arena.putF32(new Float32Array(c)),
    pRv,
    1,
    c,
    MOMENTUM,
    EPS,
  );
  assertClose(readF32(arena, py, c), beta, "batchnorm count 1 y");
  const rv = readF32(arena, pRv, c);
  assert.ok(rv.every((v) => Number.isFinite(v)), `batchnorm count 1 run_var finite: ${rv}`);
  assertClose(rv, new Float64Array(c).fill(1 - MOMENTUM), "batchnorm count 1 run_var");
});
