// The baselines command's flags: lists, defaults, and errors that name flag, expectation
// and what was found.
import assert from "node:assert/strict";
import { UsageError } from "../../../src/cli/args.ts";
import { parseModels, parseMultipliers } from "../../../src/compare/baselines/flags.ts";
import { baselineConfig, budgetText } from "../../../src/compare/baselines/settings.ts";
import { DEFAULT_MULTIPLIERS, presetConfig } from "../../../src/search/run/config.ts";

const library = [
  { name: "mul8u_exact", energyPj: 0.56 },
  { name: "mul8u_trunc8", energyPj: 0.2 },
  { name: "mul8u_trunc6", energyPj: 0.3 },
  { name: "mul8u_bam_h1v6", energyPj: 0.37 },
];

Deno.test("--models: default every baseline; a list; unknown and empty items refused", () => {
  assert.deepEqual(parseModels(undefined), [
    "resnet8",
    "resnet14",
    "resnet20",
    "lenet5",
    "mobilenetv2",
  ]);
  assert.deepEqual(parseModels("lenet5, resnet8"), ["lenet5", "resnet8"]);
  assert.throws(
    () => parseModels("resnet8,vgg16"),
    (e: Error) =>
      e instanceof UsageError &&
      e.message ===
        "--models expects names among resnet8, resnet14, resnet20, lenet5, mobilenetv2, found 'vgg16'",
  );
  assert.throws(
    () => parseModels("resnet8,,lenet5"),
    /--models expects a comma-separated list without empty items, found 'resnet8,,lenet5'/,
  );
});

Deno.test("--multipliers: default list, all, a list; exact always first; unknown names suggested", () => {
  const names = (list: { name: string }[]) => list.map((m) => m.name);
  assert.deepEqual(names(parseMultipliers(undefined, ["mul8u_trunc8"], library)), [
    "mul8u_exact",
    "mul8u_trunc8",
  ]);
  assert.deepEqual(names(parseMultipliers("all", [], library)), library.map((m) => m.name));
  const picked = parseMultipliers("mul8u_trunc6,mul8u_exact", [], library);
  assert.deepEqual(names(picked), ["mul8u_exact", "mul8u_trunc6"]);
  assert.equal(picked[1].energyPj, 0.3);
  assert.throws(
    () => parseMultipliers("mul8u_trunk8", [], library),
    (e: Error) =>
      e instanceof UsageError &&
      e.message.startsWith("--multipliers expects 'all' or library names") &&
      e.message.includes("found 'mul8u_trunk8'") && e.message.includes("did you mean mul8u_trunc8"),
  );
});

Deno.test("the budget follows the preset's final retraining; overrides are recorded and said", () => {
  const preset = presetConfig("default");
  const plain = baselineConfig("default");
  assert.deepEqual(plain.overrides, {});
  assert.deepEqual(plain.config.final, preset.final);
  assert.deepEqual(plain.config.multipliers, DEFAULT_MULTIPLIERS);
  const over = baselineConfig("default", { epochs: 1, trainImages: 2000, seed: 7 });
  assert.deepEqual(over.overrides, {
    epochs: [preset.final.epochs, 1],
    trainImages: [preset.final.trainImages, 2000],
  });
  assert.equal(over.config.seed, 7);
  const text = budgetText({
    preset: "default",
    seed: 7,
    epochs: 1,
    trainImages: 2000,
    heldOutImages: 5000,
    calibrationImages: 256,
    compensate: true,
    overrides: over.overrides,
  });
  assert.match(
    text,
    /^1 epoch\(s\) on 2,000 training images \(5,000 more held out\), seed 7; overridden: epochs 1 instead of the preset's \d+, trainImages 2000 instead of the preset's [\d]+, so not the 'default' preset's final retraining$/,
  );
  assert.throws(() => baselineConfig("nope"), /Unknown preset 'nope'/);
});

Deno.test("baselines: weights tuned by default, as the search; --no-tune-weights measures without", () => {
  assert.equal(baselineConfig("default").config.candidate.tuneWeights, true);
  assert.equal(
    baselineConfig("default", { noTuneWeights: true }).config.candidate.tuneWeights,
    false,
  );
});
