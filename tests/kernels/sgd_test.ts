import { loadEngine } from "../../src/engine/wasm.ts";
import { type SgdParams, sgdStepRef } from "../../src/reference/sgd.ts";
import { Rng } from "../../src/util/rng.ts";
import { assertClose } from "../_tester.ts";
import { randomF32, readF32 } from "./_f32_io.ts";

const SETTINGS: SgdParams[] = [
  { lr: 0.1, momentum: 0, weightDecay: 0, nesterov: false },
  { lr: 0.05, momentum: 0.9, weightDecay: 0, nesterov: false },
  { lr: 0.05, momentum: 0.9, weightDecay: 5e-4, nesterov: false },
  { lr: 0.05, momentum: 0.9, weightDecay: 0, nesterov: true },
  { lr: 0.02, momentum: 0.9, weightDecay: 5e-4, nesterov: true },
  { lr: 0.3, momentum: 0, weightDecay: 1e-2, nesterov: true },
];
const STEPS = 6;

Deno.test("sgd matches the PyTorch-definition reference over several steps", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(61);
  for (const p of SETTINGS) {
    for (const len of [1, 3, 5, 16, 17, 1031]) {
      const name = `sgd lr ${p.lr} mu ${p.momentum} wd ${p.weightDecay} ` +
        `nesterov ${p.nesterov} len ${len}`;
      const w = Float64Array.from(randomF32(rng, len));
      const velocity = new Float64Array(len);
      const mark = arena.mark();
      const pw = arena.putF32(w), pv = arena.putF32(velocity), pg = arena.allocF32(len);
      for (let step = 0; step < STEPS; step++) {
        // A fresh gradient each step, as training would give.
        const grad = randomF32(rng, len);
        arena.f32(pg, len).set(grad);
        kernels.f32_sgd_step(pw, pg, pv, len, p.lr, p.momentum, p.weightDecay, p.nesterov ? 1 : 0);
        sgdStepRef(w, grad, velocity, p);
        assertClose(readF32(arena, pw, len), w, `${name} step ${step} w`);
        assertClose(readF32(arena, pv, len), velocity, `${name} step ${step} velocity`);
      }
      arena.release(mark);
    }
  }
});
