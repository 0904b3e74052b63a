/**
 * The export check (src/embed/verify.ts): a self-contained file passes with its accuracy in
 * every mode; a file whose stored quantisation no longer matches what evaluate computes is
 * refused, naming the mode.
 */
import assert from "node:assert/strict";
import { compileEngine } from "../../src/engine/wasm.ts";
import { encodeModel, type SavedModel } from "../../src/model/model_file.ts";
import { makeSelfContained } from "../../src/embed/export.ts";
import { verifySelfContained } from "../../src/embed/verify.ts";
import { createClassifier, loadModel, type Mode } from "../../mod.ts";
import { CALIBRATION, CALIBRATION_COUNT, tinySetup } from "./_fixture.ts";

const module = await compileEngine();
const setup = tinySetup();
const exported = await makeSelfContained(setup.model, {
  calibrationImages: setup.calibrationImages,
  calibrationCount: CALIBRATION_COUNT,
  calibration: CALIBRATION,
  multipliers: setup.multipliers,
  compensate: true,
  module,
});

async function labelsOf(model: SavedModel, mode: Mode): Promise<Uint8Array> {
  const loaded = loadModel(encodeModel(model), "tiny.apxnet");
  const classifier = await createClassifier({ model: loaded, wasm: module, mode });
  const { labels } = classifier.classify(setup.images);
  classifier.close();
  return labels;
}

// The float network's own answers as labels: float scores 1, 8-bit what it agrees with.
const labels = await labelsOf(exported, "float");
const test = { images: setup.images, labels };
const options = { test, count: 13, calibrationImages: setup.calibrationImages, module };

Deno.test("verifySelfContained: every mode's accuracy, 8-bit logits identical to evaluate's", async () => {
  const checks = await verifySelfContained(setup.model, exported, { ...options, name: "tiny" });
  assert.deepEqual(checks.map((c) => c.mode), ["float", "exact8", "approx8"]);
  assert.deepEqual(checks.map((c) => c.identicalToHost), [false, true, true]);
  for (const c of checks) {
    const agree = (await labelsOf(exported, c.mode)).filter((l, i) => l === labels[i]).length;
    assert.equal(c.accuracy, agree / 13, c.mode);
    assert.ok(c.imagesPerSecond > 0, c.mode);
  }
  assert.equal(checks[0].accuracy, 1);
  assert.equal(checks[0].energyPerInferenceNj, null);
  assert.ok(checks[2].energyPerInferenceNj! < checks[1].energyPerInferenceNj!);
});

Deno.test("verifySelfContained refuses a file whose stored quantisation was altered", async () => {
  const inference = structuredClone(exported.inference!);
  const node = Object.keys(inference.ranges)[1];
  const [lo, hi] = inference.ranges[node];
  inference.ranges[node] = [lo, hi + (hi - lo)];
  await assert.rejects(
    verifySelfContained(setup.model, { ...exported, inference }, { ...options, name: "tiny" }),
    /^Error: exact8: \d+ logits of the classifier of 'tiny' differ from evaluate's computation$/,
  );
  // Altered bias corrections change approximate 8-bit only.
  const corrected = structuredClone(exported.inference!);
  for (const perNode of Object.values(corrected.corrections)) {
    for (const values of Object.values(perNode)) values.forEach((_, i) => values[i] += 50);
  }
  await assert.rejects(
    verifySelfContained(setup.model, { ...exported, inference: corrected }, options),
    /^Error: approx8: \d+ logits of the classifier of 'model' differ/,
  );
});

Deno.test("verifySelfContained needs a self-contained file and enough test images", async () => {
  await assert.rejects(
    verifySelfContained(setup.model, setup.model, { ...options, name: "plain.apxnet" }),
    /Cannot verify 'plain.apxnet': it is not self-contained/,
  );
  await assert.rejects(
    verifySelfContained(setup.model, exported, { ...options, count: 14 }),
    /Cannot verify 'model' on 14 test images: 13 given/,
  );
});
