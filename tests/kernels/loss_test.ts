import assert from "node:assert/strict";
import { loadEngine } from "../../src/engine/wasm.ts";
import { softmaxXentRef } from "../../src/reference/loss.ts";
import { Rng } from "../../src/util/rng.ts";
import { assertClose, numericGradient, randomArray } from "../_tester.ts";
import { allocGarbage, randomF32, readF32 } from "./_f32_io.ts";

/** [n, k]: a batch of one, odd batches, the 10 CIFAR classes and widths around the vector width. */
const SHAPES: [number, number][] = [[1, 1], [1, 10], [3, 3], [3, 10], [7, 17], [5, 4]];

function randomLabels(rng: Rng, n: number, k: number): Int32Array {
  return Int32Array.from({ length: n }, () => rng.int(k));
}

Deno.test("softmax cross-entropy reference gradient matches finite differences of its loss", () => {
  const rng = new Rng(51);
  for (const [n, k] of [[3, 4], [1, 10], [2, 1]]) {
    const logits = randomArray(rng, n * k, -3, 3), labels = randomLabels(rng, n, k);
    const { dlogits } = softmaxXentRef(logits, labels, n, k);
    const numeric = numericGradient((v) => softmaxXentRef(v, labels, n, k).loss, logits);
    assertClose(dlogits, numeric, `softmax-xent ref n${n} k${k}`, { rtol: 1e-5, atol: 1e-7 });
  }
});

Deno.test("softmax cross-entropy matches the reference and overwrites dlogits", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(52);
  for (const [n, k] of SHAPES) {
    const name = `softmax-xent n${n} k${k}`;
    const logits = randomF32(rng, n * k, -4, 4), labels = randomLabels(rng, n, k);
    const ref = softmaxXentRef(logits, labels, n, k);
    const mark = arena.mark();
    const pl = arena.putF32(logits), plab = arena.putI32(labels), pd = allocGarbage(arena, n * k);
    const loss = kernels.f32_softmax_xent(pl, plab, pd, n, k);
    assertClose([loss], [ref.loss], `${name} loss`, { rtol: 1e-6, atol: 1e-7 });
    assertClose(readF32(arena, pd, n * k), ref.dlogits, `${name} dlogits`, {
      rtol: 1e-5,
      atol: 1e-7,
    });
    const lossOnly = kernels.f32_softmax_xent(pl, plab, 0, n, k);
    assert.equal(lossOnly, loss, `${name} loss without dlogits`);
    // In place: the gradient replaces the logits.
    kernels.f32_softmax_xent(pl, plab, pl, n, k);
    assertClose(readF32(arena, pl, n * k), ref.dlogits, `${name} in place`, {
      rtol: 1e-5,
      atol: 1e-7,
    });
    arena.release(mark);
  }
});

Deno.test("softmax cross-entropy stays finite for huge logits", async () => {
  const { kernels, arena } = await loadEngine();
  const rng = new Rng(53);
  const [n, k] = [3, 10];
  // exp(1e4) overflows float64 itself: only the row-max shift keeps this finite.
  const logits = Float32Array.from(
    randomArray(rng, n * k, -50, 50),
    (v, i) => v + (i % 2 ? 1e4 : -1e4),
  );
  const labels = randomLabels(rng, n, k);
  const ref = softmaxXentRef(logits, labels, n, k);
  assert.ok(Number.isFinite(ref.loss), "reference loss is finite");
  const pd = allocGarbage(arena, n * k);
  const loss = kernels.f32_softmax_xent(arena.putF32(logits), arena.putI32(labels), pd, n, k);
  assertClose([loss], [ref.loss], "softmax-xent huge logits loss", { rtol: 1e-6, atol: 1e-6 });
  assertClose(readF32(arena, pd, n * k), ref.dlogits, "softmax-xent huge logits dlogits", {
    rtol: 1e-5,
    atol: 1e-7,
  });
});
