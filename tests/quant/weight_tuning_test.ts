/**
 * Weight tuning (src/quant/weight_tuning.ts): the moment formula picks the byte a direct
 * computation of the error variance picks; exact tables and uninformative distributions
 * leave weights alone; a gain error is undone; and in a whole network, tuning plus bias
 * correction follows the exact network more closely than bias correction alone.
 */
import assert from "node:assert/strict";
import { loadEngine } from "../../src/engine/wasm.ts";
import { uniformAssignment } from "../../src/quant/assignment.ts";
import { activationStats, compensatePlan, remapWeights } from "../../src/quant/compensate.ts";
import { convSteps } from "../../src/quant/plan.ts";
import { QuantizedNetwork } from "../../src/quant/qnetwork.ts";
import { quantizeWithCalibration } from "../../src/quant/quantize.ts";
import { tunedWeightMap } from "../../src/quant/weight_tuning.ts";
import { Rng } from "../../src/util/rng.ts";
import { everyOpGraph, randomImages, randomModel } from "./_models.ts";
import { exactTable, randomErrorTable, truncatedTable } from "./_tables.ts";

function build(f: (a: number, w: number) => number): Uint16Array {
  const t = new Uint16Array(65536);
  for (let a = 0; a < 256; a++) for (let w = 0; w < 256; w++) t[a * 256 + w] = f(a, w);
  return t;
}

/** A skewed distribution over small bytes, as after a ReLU, with a seeded shape. */
function activations(seed: number): Float64Array {
  const rng = new Rng(seed), p = new Float64Array(256);
  for (let a = 0; a < 256; a++) p[a] = Math.exp(-a / 40) * (0.5 + rng.next());
  const total = p.reduce((x, y) => x + y, 0);
  return p.map((x) => x / total);
}

/** Var_a[M(a, v) - a * w], summed directly. */
function directVariance(table: Uint16Array, p: Float64Array, w: number, v: number): number {
  let mean = 0, sq = 0;
  for (let a = 0; a < 256; a++) {
    const e = table[a * 256 + v] - a * w;
    mean += p[a] * e;
    sq += p[a] * e * e;
  }
  return sq - mean * mean;
}

Deno.test("each weight's tuned byte has the least error variance, computed directly", () => {
  const p = activations(3);
  for (const table of [truncatedTable(7), randomErrorTable(5, 300)]) {
    const map = tunedWeightMap(table, p);
    for (const w of [0, 1, 37, 128, 200, 255]) {
      let least = Infinity;
      for (let v = 0; v < 256; v++) least = Math.min(least, directVariance(table, p, w, v));
      const got = directVariance(table, p, w, map[w]);
      assert.ok(got <= least * (1 + 1e-9) + 1e-6, `w=${w}: ${got} vs least ${least}`);
      assert.ok(got <= directVariance(table, p, w, w) + 1e-6, `w=${w}: worse than itself`);
    }
  }
});

Deno.test("an exact table, or activations of a single byte, leave every weight as it is", () => {
  const identity = Uint8Array.from({ length: 256 }, (_, w) => w);
  assert.deepEqual(tunedWeightMap(exactTable(), activations(4)), identity);
  const single = new Float64Array(256);
  single[9] = 1;
  assert.deepEqual(tunedWeightMap(truncatedTable(7), single), identity);
});

Deno.test("a multiplier that loses a quarter of every product gets weights a third larger", () => {
  const gain = build((a, w) => Math.floor(a * w * 3 / 4));
  const map = tunedWeightMap(gain, activations(6));
  for (const w of [12, 60, 120, 180]) {
    assert.ok(Math.abs(map[w] - w * 4 / 3) <= 1, `w=${w} -> ${map[w]}, expected ~${w * 4 / 3}`);
  }
  // Beyond 191 the ideal byte does not exist: the largest one is the nearest.
  assert.equal(map[250], 255);
});

Deno.test("remapWeights maps each weight through its input channel's map (HWIO)", () => {
  const step = {
    c: 2,
    k: 3,
    weights: Uint8Array.from([10, 11, 12, 20, 21, 22, 30, 31, 32, 40, 41, 42]),
  };
  const plus = (d: number) => Uint8Array.from({ length: 256 }, (_, w) => (w + d) & 255);
  // Two taps x two input channels x three output channels: channel 0 gets +1, channel 1 +100.
  const out = remapWeights(step as never, [plus(1), plus(100)]);
  assert.deepEqual([...out], [11, 12, 13, 120, 121, 122, 31, 32, 33, 140, 141, 142]);
});

Deno.test("in a network, tuning plus bias correction follows the exact network more closely", async () => {
  const graph = everyOpGraph();
  const model = randomModel(graph, 41);
  const calib = randomImages(40, 42), images = randomImages(8, 43);
  const plan = await quantizeWithCalibration(model, calib, 40, { method: "minmax" });
  const stats = await activationStats(plan, calib, 40);
  const gain = build((a, w) => Math.floor(a * w * 7 / 8));
  const assignment = uniformAssignment("m", gain);
  const run = async (p: typeof plan, table: Uint16Array) => {
    const net = new QuantizedNetwork(await loadEngine(), p, uniformAssignment("m", table), {
      batch: 8,
    });
    net.loadImages(images, 0, 8);
    net.forward(8);
    return net.tensor(convSteps(p)[0].output, 8);
  };
  const exact = await run(plan, exactTable());
  const biasOnly = await run(compensatePlan(plan, assignment, stats), gain);
  const tunedPlan = compensatePlan(plan, assignment, stats, { tuneWeights: true });
  const tuned = await run(tunedPlan, gain);
  const meanAbs = (x: Uint8Array) =>
    x.reduce((s, v, i) => s + Math.abs(v - exact[i]), 0) / x.length;
  assert.ok(
    meanAbs(tuned) < 0.5 * meanAbs(biasOnly),
    `first layer: mean |byte error| ${meanAbs(tuned)} tuned, ${meanAbs(biasOnly)} bias only`,
  );
  assert.equal(tunedPlan.notes.tunedWeights, true);
  // An exact table is never tuned: the plan's weights are the same bytes.
  const same = compensatePlan(plan, uniformAssignment("e", exactTable()), stats, {
    tuneWeights: true,
  });
  convSteps(plan).forEach((s, i) => assert.deepEqual(convSteps(same)[i].weights, s.weights));
});
