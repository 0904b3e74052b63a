/**
 * How closely ONNX Runtime's runs of the exported files follow approxnas, on the CIFAR-10
 * test images: for each model, the float ONNX file against approxnas's float engine (top-1
 * agreement, largest logit difference) and the QDQ file against approxnas's exact 8-bit path
 * (top-1 agreement, share of identical logits), with each side's accuracy and the export's
 * time. A model file without its calibration is first made self-contained as
 * `deno task export` does (the first 1,000 training images, 99.999th percentile).
 *
 *   deno run --allow-read --allow-write --allow-env --allow-ffi scripts/onnx_agreement.ts \
 *     [--count 10000] MODEL.apxnet...
 *
 * Prints a Markdown table (docs/api.md, "ONNX").
 */
import { parseArgs } from "node:util";
import { basename } from "node:path";
import { getCifar10 } from "../src/data/cifar10/mod.ts";
import { createClassifier } from "../src/embed/classifier.ts";
import { makeSelfContained } from "../src/embed/export.ts";
import { floatOnnx, qdqOnnx } from "../src/export/onnx/mod.ts";
import { graphCost } from "../src/graph/count.ts";
import { readModelFile, type SavedModel } from "../src/model/model_file.ts";
import { agreement, ortLogits, top1 } from "./onnx_runtime.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  options: {
    count: { type: "string", default: "10000" },
    threads: { type: "string", default: "2" },
  },
  allowPositionals: true,
});
const count = Number(values.count), threads = Number(values.threads);
if (positionals.length === 0) throw new Error("Usage: scripts/onnx_agreement.ts MODEL.apxnet...");

const test = await getCifar10({ split: "test" });
const images = test.images.subarray(0, count * 3072);
const wasm = await WebAssembly.compile(
  await Deno.readFile(new URL("../build/approxnas.wasm", import.meta.url)),
);
const accuracy = (logits: Float32Array, classes: number) =>
  top1(logits, classes).filter((p, i) => p === test.labels[i]).length / count;
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

async function selfContained(model: SavedModel): Promise<SavedModel> {
  if (model.inference) return model;
  const train = await getCifar10({ split: "train" });
  return await makeSelfContained(model, { calibrationImages: train.images });
}

const rows: string[] = [];
for (const path of positionals) {
  const model = await selfContained(await readModelFile(path));
  const classes = model.graph.classes;
  const t0 = performance.now();
  const floatFile = floatOnnx(model, { source: basename(path) });
  const qdqFile = qdqOnnx(model, basename(path));
  const exportMs = performance.now() - t0;
  const approxnas = async (mode: "float" | "exact8") => {
    const c = await createClassifier({ model, wasm, mode, batch: 100 });
    return c.classify(images, count).logits;
  };
  const floatRef = await approxnas("float"), exactRef = await approxnas("exact8");
  const floatOrt = await ortLogits(floatFile, images, count, { threads });
  const qdqOrt = await ortLogits(qdqFile, images, count, { threads });
  const f = agreement(floatOrt, floatRef, classes), q = agreement(qdqOrt, exactRef, classes);
  const identical = qdqOrt.filter((v, i) => v === exactRef[i]).length / qdqOrt.length;
  const cost = graphCost(model.graph);
  rows.push(
    `| ${path} (${model.graph.name}, ${cost.params.toLocaleString("en-US")} params) | ` +
      `${pct(f.top1)} | ${f.maxAbs.toExponential(1)} (${f.maxRel.toExponential(1)}) | ` +
      `${pct(accuracy(floatRef, classes))} / ${pct(accuracy(floatOrt, classes))} | ` +
      `${pct(q.top1)} | ${pct(identical)} | ` +
      `${pct(accuracy(exactRef, classes))} / ${pct(accuracy(qdqOrt, classes))} | ` +
      `${exportMs.toFixed(0)} ms |`,
  );
  console.error(`${path}: done`);
}
console.log(`On the first ${count.toLocaleString("en-US")} CIFAR-10 test images:\n`);
console.log(
  "| network | float top-1 agreement | largest logit difference (of the largest logit) | " +
    "float accuracy approxnas / ORT | QDQ top-1 agreement with exact 8-bit | identical " +
    "8-bit logits | exact 8-bit accuracy approxnas / ORT QDQ | export (both files) |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
rows.forEach((r) => console.log(r));
