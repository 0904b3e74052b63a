/** The shared prediction loop and count behind every 8-bit accuracy. */
import assert from "node:assert/strict";
import { loadEngine } from "../../src/engine/wasm.ts";
import { tableAssignment } from "../../src/quant/assignment.ts";
import { countCorrect, predictClasses } from "../../src/quant/predict.ts";
import { argmaxRows, QuantizedNetwork } from "../../src/quant/qnetwork.ts";
import { quantizeWithCalibration } from "../../src/quant/quantize.ts";
import { everyOpGraph, randomImages, randomModel } from "./_models.ts";
import { exactTable, truncatedTable } from "./_tables.ts";

Deno.test("predictClasses over batches (the last one short) equals one forward pass", async () => {
  const model = randomModel(everyOpGraph(), 1);
  const images = randomImages(9, 12);
  const plan = await quantizeWithCalibration(model, randomImages(20, 13), 20, { method: "minmax" });
  const assignment = tableAssignment(
    { defaultName: "t", byNode: {} },
    { exact: exactTable(), t: truncatedTable(6) },
  );
  const engine = await loadEngine();
  const whole = new QuantizedNetwork(engine, plan, assignment, { batch: 8 });
  whole.loadImages(images, 1, 8);
  whole.forward(8);
  const want = argmaxRows(whole.logits(8), 8, model.graph.classes);
  const batched = new QuantizedNetwork(engine, plan, assignment, { batch: 3 });
  assert.deepEqual(predictClasses(batched, images, 1, 8), want);
  assert.ok(new Set(want).size > 1, "random weights still give more than one class");
});

Deno.test("countCorrect counts equal entries and refuses fewer labels than predictions", () => {
  assert.equal(countCorrect([1, 2, 3, 4], Uint8Array.from([1, 0, 3, 4, 9])), 3);
  assert.equal(countCorrect(new Uint8Array(0), new Uint8Array(0)), 0);
  assert.throws(
    () => countCorrect([1, 2, 3], [1, 2]),
    /countCorrect: 3 predictions but only 2 labels/,
  );
});
