/**
 * A small network trained on a separable toy task keeps its accuracy in exact 8-bit
 * arithmetic (the whole pipeline: calibration, folding, kernels, worker pool).
 */
import assert from "node:assert/strict";
import { GraphBuilder } from "../../src/graph/builder.ts";
import { exactTable } from "../../src/model/product_table.ts";
import { floatAccuracy, quantizedAccuracy } from "../../src/quant/evaluate.ts";
import { uniformAssignment } from "../../src/quant/assignment.ts";
import { quantizeWithCalibration } from "../../src/quant/quantize.ts";
import { STANDARD_RECIPE } from "../../src/train/recipe.ts";
import { train } from "../../src/train/trainer.ts";
import { Rng } from "../../src/util/rng.ts";

/** Four classes: which colour plane has a brighter 8x8 patch somewhere (or none); noisy. */
function toyData(n: number, seed: number, contrast = 40) {
  const rng = new Rng(seed);
  const images = new Uint8Array(n * 3072), labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = rng.int(4);
    const py = rng.int(25), px = rng.int(25);
    for (let j = 0; j < 3072; j++) {
      const y = (j >> 5) & 31, x = j & 31;
      const inPatch = y >= py && y < py + 8 && x >= px && x < px + 8;
      const bright = labels[i] < 3 && j >> 10 === labels[i] && inPatch;
      images[i * 3072 + j] = Math.min(255, 60 + (bright ? contrast : 0) + rng.int(120));
    }
  }
  return { images, labels };
}

Deno.test("exact 8-bit accuracy of a trained toy network is close to its float accuracy", async () => {
  const g = new GraphBuilder("toy4", { h: 32, w: 32, c: 3 }, 4);
  const x = g.pool("avgpool", g.convBnRelu("input", 6, 3, 2), 2, 2);
  const graph = g.build(g.dense(g.gap(g.convBnRelu(x, 8, 3)), 4));
  const trainSet = toyData(320, 1), testSet = toyData(200, 2);
  const r = await train({
    graph,
    recipe: { ...STANDARD_RECIPE, epochs: 5, batch: 16, maxLr: 0.05, seed: 5 },
    train: trainSet,
    workers: 1,
  });
  const model = { graph, params: r.params, state: r.state, meta: {} };
  const fl = await floatAccuracy(model, testSet, 200, 1);
  const plan = await quantizeWithCalibration(model, trainSet.images, 100, { method: "minmax" });
  const q8 = await quantizedAccuracy(
    plan,
    uniformAssignment("exact", exactTable()),
    testSet,
    200,
    1,
  );
  // The task is hard enough that the float network is far from perfect (about 0.83).
  assert.ok(fl.accuracy >= 0.7, `the toy network must learn: float accuracy ${fl.accuracy}`);
  assert.ok(
    Math.abs(q8.accuracy - fl.accuracy) <= 0.02,
    `exact 8-bit ${q8.accuracy} vs float ${fl.accuracy}`,
  );
});
