/**
 * The embedding API in Deno: a self-contained file classifies exactly as the host computes
 * with the multiplier library and calibration images (what `deno task evaluate` does), in
 * exact and approximate 8-bit, with and without bias compensation; float equals the training
 * engine's inference; calibration at load equals a stored calibration; bad files and missing
 * multipliers give messages that name the file and what was expected.
 */
import assert from "node:assert/strict";
import { compileEngine, loadEngine } from "../../src/engine/wasm.ts";
import { EXACT_NAME, getMultiplier } from "../../src/multipliers/library.ts";
import { inferenceEnergy } from "../../src/quant/energy.ts";
import { prepareEvalBatch } from "../../src/train/augment.ts";
import { Network } from "../../src/train/network.ts";
import { encodeModel } from "../../src/model/model_file.ts";
import { makeSelfContained } from "../../src/embed/export.ts";
import { createClassifier, describeModel, EXACT_MULTIPLIER, loadModel } from "../../mod.ts";
import { EXACT_MULTIPLIER as fromClassifier } from "../../src/embed/classifier.ts";
import { CALIBRATION, CALIBRATION_COUNT, hostLogits, sameBits, tinySetup } from "./_fixture.ts";

const wasm = await compileEngine();
const setup = tinySetup();
const exported = await makeSelfContained(setup.model, {
  calibrationImages: setup.calibrationImages,
  calibrationCount: CALIBRATION_COUNT,
  calibration: CALIBRATION,
  multipliers: setup.multipliers,
  compensate: true,
});
const bytes = encodeModel(exported);

Deno.test("8-bit classification of a self-contained file equals the host's, bit for bit", async () => {
  const model = loadModel(bytes, "tiny.apxnet");
  const seen: Float32Array[] = [];
  for (
    const [mode, compensate] of [["exact8", false], ["approx8", false], ["approx8", true]] as const
  ) {
    const classifier = await createClassifier({ model, wasm, mode, batch: 4, compensate });
    const got = classifier.classify(setup.images);
    const want = await hostLogits(setup.model, setup.calibrationImages, setup.images, {
      multipliers: mode === "exact8" ? EXACT_NAME : setup.multipliers,
      compensate,
    });
    assert.ok(sameBits(got.logits, want), `${mode} compensate=${compensate}: logits differ`);
    assert.equal(got.labels.length, 13);
    classifier.close();
    assert.throws(() => classifier.classify(setup.images), /classifier of 'tiny.apxnet' is closed/);
    seen.push(got.logits);
  }
  // The three settings compute different things, so equality above is not by accident.
  assert.ok(!sameBits(seen[0], seen[1]) && !sameBits(seen[1], seen[2]));
});

Deno.test("approx8 follows the stored choice and compensation; layers and energy as the library says", async () => {
  const model = loadModel(bytes, "tiny.apxnet");
  const classifier = await createClassifier({ model, wasm, mode: "approx8" });
  assert.equal(classifier.compensated, true);
  assert.equal(classifier.weightsTuned, false, "this file stores no tuned weights");
  const [l0, l1, l2] = setup.layers;
  assert.equal(classifier.multipliers[l0], "mul8u_trunc6");
  assert.equal(classifier.multipliers[l1], "mul8u_ot_a2b2");
  assert.equal(classifier.multipliers[l2], EXACT_NAME);
  const infos = Object.fromEntries(
    await Promise.all(
      ["mul8u_trunc6", "mul8u_ot_a2b2", EXACT_NAME].map(async (n) => [n, await getMultiplier(n)]),
    ),
  );
  const want =
    inferenceEnergy(setup.model.graph, (n) => classifier.multipliers[n], (m) => infos[m].energyPj)
      .pj / 1000;
  assert.equal(classifier.energyPerInferenceNj, want);
  const paths = new Set(classifier.layers.map((l) => l.path));
  assert.ok(paths.has("dot") && paths.has("rows"), `paths taken: ${[...paths]}`);
  const exact = await createClassifier({ model, wasm, mode: "exact8" });
  const allExact =
    inferenceEnergy(setup.model.graph, () => EXACT_NAME, () => infos[EXACT_NAME].energyPj).pj /
    1000;
  assert.equal(exact.energyPerInferenceNj, allExact);
  assert.ok(Object.values(exact.multipliers).every((m) => m === EXACT_NAME));
  const summary = describeModel(model);
  assert.equal(summary.selfContained, true);
  assert.deepEqual(summary.multipliers, classifier.multipliers);
  assert.deepEqual(summary.tables.map((t) => t.name).sort(), [
    EXACT_NAME,
    "mul8u_ot_a2b2",
    "mul8u_trunc6",
  ]);
});

Deno.test("a multiplier the file carries can replace the stored choice; one it lacks is refused", async () => {
  const model = loadModel(bytes, "tiny.apxnet");
  const classifier = await createClassifier({
    model,
    wasm,
    mode: "approx8",
    multipliers: "mul8u_ot_a2b2",
    compensate: true,
  });
  const want = await hostLogits(setup.model, setup.calibrationImages, setup.images, {
    multipliers: "mul8u_ot_a2b2",
    compensate: true,
  });
  assert.ok(sameBits(classifier.classify(setup.images).logits, want));
  await assert.rejects(
    () => createClassifier({ model, wasm, mode: "approx8", multipliers: "mul8u_drum4" }),
    /Model 'tiny.apxnet' does not carry multiplier 'mul8u_drum4' \(asked for layer '\w+'\); it carries mul8u_trunc6, mul8u_ot_a2b2 \(mul8u_exact is built in\)/,
  );
  await assert.rejects(
    () => createClassifier({ model, wasm, mode: "approx8", multipliers: "nolayer=mul8u_trunc6" }),
    /'nolayer', which is not one of its conv\/dense layers/,
  );
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    () => createClassifier({ model, wasm, mode: "int4" as any }),
    /Unknown mode 'int4': expected one of float, exact8, approx8/,
  );
});

Deno.test("float classification equals the training engine's inference", async () => {
  const model = loadModel(bytes, "tiny.apxnet");
  const classifier = await createClassifier({ model, wasm, mode: "float", batch: 6 });
  assert.equal(classifier.energyPerInferenceNj, null);
  const got = classifier.classify(setup.images, 9);
  const net = new Network(await loadEngine(), setup.model.graph, 9);
  net.setParams(setup.model.params);
  net.setState(setup.model.state);
  const a = net.engine.arena;
  prepareEvalBatch(
    { images: setup.images, labels: new Uint8Array(13) },
    Array.from({ length: 9 }, (_, i) => i),
    { images: a.f32(net.input, 9 * 3072), labels: a.i32(net.labels, 9) },
  );
  net.forward(9, false);
  // Batches of 6 and 3 here, one of 9 there: the float kernels give the same bits per image.
  assert.ok(sameBits(got.logits, net.logits(9).slice()));
});

Deno.test("a file without stored quantisation calibrates at load, as the export does", async () => {
  const plain = loadModel(encodeModel({ ...setup.model, tables: exported.tables }), "plain.apxnet");
  await assert.rejects(
    () => createClassifier({ model: plain, wasm, mode: "exact8" }),
    /Model 'plain.apxnet' carries no 8-bit quantisation .* needs calibration images/,
  );
  for (const compensate of [false, true]) {
    const atLoad = await createClassifier({
      model: plain,
      wasm,
      mode: "approx8",
      multipliers: setup.multipliers,
      compensate,
      calibration: {
        images: setup.calibrationImages,
        count: CALIBRATION_COUNT,
        method: CALIBRATION,
      },
    });
    const stored = await createClassifier({
      model: loadModel(bytes, "tiny.apxnet"),
      wasm,
      mode: "approx8",
      compensate,
    });
    assert.ok(
      sameBits(atLoad.classify(setup.images).logits, stored.classify(setup.images).logits),
      `compensate=${compensate}`,
    );
  }
});

Deno.test("classify checks its images; loadModel names the file and what it expected", async () => {
  const classifier = await createClassifier({ model: loadModel(bytes, "t"), wasm, mode: "exact8" });
  assert.throws(
    () => classifier.classify(new Uint8Array(3000)),
    /the array holds 3000 bytes \(0.9765625 images\)/,
  );
  assert.throws(
    () => classifier.classify(setup.images, 14),
    /14 image\(s\) of 3072 bytes asked for/,
  );
  assert.throws(
    () => loadModel(new TextEncoder().encode("<html>not found</html>"), "m.apxnet"),
    /Cannot load model 'm.apxnet': it must start with 'APXNET01' \(an approxnas .apxnet model file\), found '<html>no'/,
  );
  const damaged = bytes.slice();
  damaged[damaged.length - 100] ^= 1;
  assert.throws(() => loadModel(damaged, "d.apxnet"), /'d.apxnet': its data is corrupt: CRC-32/);
  assert.throws(
    () => loadModel(bytes.subarray(0, 5000), "cut.apxnet"),
    /'cut.apxnet': it must be \d+ bytes for its graph and 2 product table\(s\), found 5000/,
  );
});

Deno.test("the embedding library's exact multiplier is the library's", () => {
  assert.equal(EXACT_MULTIPLIER, EXACT_NAME);
  assert.equal(fromClassifier, EXACT_NAME);
});

Deno.test("weights tuned to the multipliers travel in the file and classify as the host, bit for bit", async () => {
  const tuned = await makeSelfContained(setup.model, {
    calibrationImages: setup.calibrationImages,
    calibrationCount: CALIBRATION_COUNT,
    calibration: CALIBRATION,
    multipliers: setup.multipliers,
    compensate: true,
    tuneWeights: true,
  });
  assert.ok(tuned.inference?.weightMaps, "the file stores weight maps");
  assert.equal(exported.inference?.weightMaps, undefined, "untuned files store none");
  const model = loadModel(encodeModel(tuned), "tuned.apxnet");
  const classifier = await createClassifier({ model, wasm, mode: "approx8", batch: 4 });
  assert.equal(classifier.weightsTuned, true);
  const got = classifier.classify(setup.images);
  classifier.close();
  const want = await hostLogits(setup.model, setup.calibrationImages, setup.images, {
    multipliers: setup.multipliers,
    compensate: true,
    tuneWeights: true,
  });
  assert.ok(sameBits(got.logits, want), "tuned logits differ from the host's");
  const untuned = await hostLogits(setup.model, setup.calibrationImages, setup.images, {
    multipliers: setup.multipliers,
    compensate: true,
  });
  assert.ok(!sameBits(want, untuned), "tuning changed nothing: the check above proves little");
});

Deno.test("signed and 8x4 multipliers travel in the file and classify as the host, bit for bit", async () => {
  const [, l1, l2] = setup.layers;
  const multipliers = `mul8s_trunc6,${l1}=mul8x4u_trunc4,${l2}=mul8x4s_exact`;
  const coded = await makeSelfContained(setup.model, {
    calibrationImages: setup.calibrationImages,
    calibrationCount: CALIBRATION_COUNT,
    calibration: CALIBRATION,
    multipliers,
    compensate: true,
    tuneWeights: true,
  });
  const carried = new Map(coded.tables!.map((t) => [t.name, t]));
  assert.deepEqual(carried.get("mul8s_trunc6")?.weights, { bits: 8, signed: true });
  assert.deepEqual(carried.get("mul8x4u_trunc4")?.weights, { bits: 4, signed: false });
  const model = loadModel(encodeModel(coded), "coded.apxnet");
  assert.deepEqual(
    model.tables!.find((t) => t.name === "mul8s_trunc6")?.offsets,
    carried.get("mul8s_trunc6")?.offsets,
    "column offsets survive the file",
  );
  for (const compensate of [false, true]) {
    const classifier = await createClassifier({
      model,
      wasm,
      mode: "approx8",
      batch: 4,
      compensate,
    });
    const got = classifier.classify(setup.images);
    classifier.close();
    const want = await hostLogits(setup.model, setup.calibrationImages, setup.images, {
      multipliers,
      compensate,
      tuneWeights: compensate,
    });
    assert.ok(
      sameBits(got.logits, want),
      `compensate=${compensate}: logits differ from the host's`,
    );
  }
});
