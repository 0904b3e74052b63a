/**
 * approxnas as a library: load an exported network (.apxnet: graph, weights and, when
 * self-contained, its multipliers' product tables and calibrated 8-bit quantisation) and
 * classify CIFAR-10-shaped images with the wasm engine, in float32, exact 8-bit or
 * approximate 8-bit, from Deno, Node.js or a browser. 8-bit results are the same bits
 * everywhere. See docs/api.md.
 *
 * @example
 * ```ts
 * import { createClassifier, loadModel } from "./mod.ts";
 *
 * const model = loadModel(await Deno.readFile("data/examples/resnet8-bam_h1v4.apxnet"), "resnet8");
 * const classifier = await createClassifier({
 *   model,
 *   wasm: await Deno.readFile("build/approxnas.wasm"),
 *   mode: "approx8",
 * });
 * const { labels, logits } = classifier.classify(images); // images: n * 3072 bytes
 * console.log(labels, classifier.energyPerInferenceNj);
 * classifier.close();
 * ```
 *
 * Node.js and browsers import the bundle of this module (`deno task bundle` writes dist/).
 * Deno programs that write self-contained model files use ./src/embed/export.ts.
 *
 * @module
 */
export {
  describeModel,
  type LoadedModel,
  loadModel,
  type ModelSummary,
} from "./src/embed/model.ts";
export {
  type Classification,
  type Classifier,
  type ClassifierOptions,
  compileWasm,
  createClassifier,
  EXACT_MULTIPLIER,
  type Mode,
  MODES,
  type WasmSource,
} from "./src/embed/classifier.ts";
export type { InferenceSpec, ModelTable, SavedModel } from "./src/model/model_file.ts";
export { decodeModel, encodeModel } from "./src/model/model_file.ts";
export type { LayerRun } from "./src/quant/qnetwork.ts";
export type { Calibration } from "./src/quant/calibrate.ts";
export { type Cifar10Data, readCifar10Batch } from "./src/data/cifar10/records.ts";
export { CLASS_NAMES } from "./src/data/cifar10/format.ts";
