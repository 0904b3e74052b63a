/**
 * Bias compensation of a multiplier's mean error: a constant error is cancelled exactly, and
 * a biased design (truncation) ends closer to the exact network.
 */
import assert from "node:assert/strict";
import { loadEngine } from "../../src/engine/wasm.ts";
import { uniformAssignment } from "../../src/quant/assignment.ts";
import { activationStats, compensatePlan } from "../../src/quant/compensate.ts";
import { QuantizedNetwork } from "../../src/quant/qnetwork.ts";
import { quantizeWithCalibration } from "../../src/quant/quantize.ts";
import { assertSame } from "./_steps.ts";
import { everyOpGraph, randomImages, randomModel } from "./_models.ts";
import { exactTable, truncatedTable } from "./_tables.ts";

const graph = everyOpGraph();
const model = randomModel(graph, 31);
const calib = randomImages(30, 32), images = randomImages(6, 33);
const plan = await quantizeWithCalibration(model, calib, 30, { method: "minmax" });
const stats = await activationStats(plan, calib, 30);

async function outputs(p: typeof plan, table: Uint16Array) {
  const net = new QuantizedNetwork(await loadEngine(), p, uniformAssignment("m", table), {
    batch: 6,
  });
  net.loadImages(images, 0, 6);
  net.forward(6);
  return new Map(p.steps.map((s) => [s.output, net.tensor(s.output, 6)]));
}

Deno.test("a constant error per product is cancelled bit for bit", async () => {
  const plus5 = Uint16Array.from(exactTable(), (v) => v + 5);
  const exact = await outputs(plan, exactTable());
  const fixed = await outputs(compensatePlan(plan, uniformAssignment("m", plus5), stats), plus5);
  for (const [id, bytes] of exact) assertSame(fixed.get(id)!, bytes, `tensor ${id}`);
  const raw = await outputs(plan, plus5);
  assert.notDeepEqual(raw.get(plan.output), exact.get(plan.output), "uncompensated differs");
});

Deno.test("compensating truncation brings every layer closer to the exact network", async () => {
  const t = truncatedTable(7);
  const exact = await outputs(plan, exactTable());
  const raw = await outputs(plan, t);
  const fixed = await outputs(compensatePlan(plan, uniformAssignment("m", t), stats), t);
  const meanError = (a: Uint8Array, b: Uint8Array) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] - b[i];
    return Math.abs(s / a.length);
  };
  const first = plan.steps[0].output, last = plan.output;
  for (const id of [first, last]) {
    const before = meanError(raw.get(id)!, exact.get(id)!);
    const after = meanError(fixed.get(id)!, exact.get(id)!);
    assert.ok(after < before, `${id}: mean error ${after} after, ${before} before`);
  }
  assert.ok(meanError(fixed.get(first)!, exact.get(first)!) < 0.5, "first layer nearly unbiased");
});
