/**
 * Test accuracy of a trained model in 8 bits with each given multiplier in every layer, with
 * bias correction alone and with weight tuning plus bias correction (src/quant/README.md):
 *
 *   CIFAR10_DIR=... COUNT=2000 deno run --allow-read --allow-env scripts/weight_tuning_table.ts \
 *     runs/baselines/models/resnet8.apxnet mul8u_exact mul8u_bam_h2v6 ...
 *
 * Calibration as the search measures: 99.999th-percentile ranges and activation statistics from
 * the first 256 training images. COUNT: test images (default all 10,000).
 */
import { loadCifar10 } from "../src/data/cifar10/mod.ts";
import { readModelFile } from "../src/model/model_file.ts";
import { compileEngine, instantiateEngine } from "../src/engine/wasm.ts";
import { quantizeWithCalibration } from "../src/quant/quantize.ts";
import { quantizedAccuracyHere } from "../src/quant/quantized_model.ts";
import { DEFAULT_CALIBRATION } from "../src/quant/calibrate.ts";
import { activationStats, compensatePlan } from "../src/quant/compensate.ts";
import { resolveLibrary } from "../src/quant/library_tables.ts";
import { graphCost } from "../src/graph/count.ts";

const [modelPath, ...names] = Deno.args;
const dir = Deno.env.get("CIFAR10_DIR");
if (!dir || !modelPath || names.length === 0) {
  console.error(
    "usage: CIFAR10_DIR=DIR deno run ... scripts/weight_tuning_table.ts MODEL MULTIPLIER...",
  );
  Deno.exit(2);
}
const train = await loadCifar10(dir, { split: "train" });
const test = await loadCifar10(dir, { split: "test" });
const module = await compileEngine();
const engine = await instantiateEngine(module);
const model = await readModelFile(modelPath);
const plan = await quantizeWithCalibration(
  model,
  train.images,
  256,
  DEFAULT_CALIBRATION,
  {},
  engine,
);
const stats = await activationStats(plan, train.images, 256, engine);
const layers = [...graphCost(model.graph).multsByNode.keys()];
const library = await resolveLibrary(["mul8u_exact", ...names]);
const count = Number(Deno.env.get("COUNT") ?? 10000);
console.log(
  `multiplier\tbias correction %\tweight tuning + bias correction % (${count} test images)` +
    `\tms to correct the plan: bias only, with tuning`,
);
for (const name of names) {
  const assignment = {
    defaultName: "mul8u_exact",
    byNode: Object.fromEntries(layers.map((l) => [l, name])),
    library,
  };
  const row = [name.replace(/^mul8u_/, "")], ms: string[] = [];
  for (const tune of [false, true]) {
    const t0 = performance.now();
    const p = compensatePlan(plan, assignment, stats, { tuneWeights: tune });
    ms.push((performance.now() - t0).toFixed(0));
    const acc = await quantizedAccuracyHere(module, p, assignment, test, count);
    row.push((acc * 100).toFixed(2));
  }
  row.push(...ms);
  console.log(row.join("\t"));
}
