/**
 * Checking a self-contained model file before it is shipped: its classifier runs the first
 * test images in float, exact and approximate 8-bit (one thread, as a browser would), and in
 * 8-bit its logits must equal, bit for bit, what `deno task evaluate` computes from the
 * original model, the multiplier tables and the calibration images (host_path.ts). The
 * accuracies are what `deno task export` records in the file.
 *
 * @example
 * ```ts
 * const embeddable = await makeSelfContained(model, { calibrationImages: train.images });
 * const checks = await verifySelfContained(model, embeddable, {
 *   test,
 *   count: 1000,
 *   calibrationImages: train.images,
 * });
 * console.log(checks.map((c) => `${c.mode} ${c.accuracy}`));
 * ```
 */
import { compileEngine, instantiateEngine } from "../engine/wasm.ts";
import type { LabelledImages } from "../data/cifar10/format.ts";
import { IMAGE_BYTES } from "../data/cifar10/format.ts";
import type { SavedModel } from "../model/model_file.ts";
import { encodeModel } from "../model/model_file.ts";
import type { MultiplierAssignment } from "../quant/assignment.ts";
import type { Calibration } from "../quant/calibrate.ts";
import { countCorrect } from "../quant/predict.ts";
import { createClassifier, EXACT_MULTIPLIER, type Mode, MODES } from "./classifier.ts";
import { hostLogits } from "./host_path.ts";
import { loadModel } from "./model.ts";

export interface VerifyOptions {
  /** Labelled images never used for calibration (the test set); the first `count` are run. */
  test: LabelledImages;
  count: number;
  /** The images the file was calibrated on (its inference section says how many). */
  calibrationImages: Uint8Array;
  module?: WebAssembly.Module;
  /** Name of the file in messages. */
  name?: string;
}

export interface ModeCheck {
  mode: Mode;
  /** On the first `count` test images. */
  accuracy: number;
  /** One thread, classification only. */
  imagesPerSecond: number;
  energyPerInferenceNj: number | null;
  /** 8-bit: the logits equal evaluate's computation bit for bit (else verification throws). */
  identicalToHost: boolean;
}

/**
 * Classifies the first `count` test images through `embeddable` in every mode and checks its
 * 8-bit logits against the host's computation from `original`. Throws, naming the mode and
 * how many logits differ, when they are not identical.
 */
export async function verifySelfContained(
  original: SavedModel,
  embeddable: SavedModel,
  opts: VerifyOptions,
): Promise<ModeCheck[]> {
  const name = opts.name ?? "model";
  const spec = embeddable.inference;
  if (!spec || !embeddable.tables) {
    throw new Error(`Cannot verify '${name}': it is not self-contained (no inference section)`);
  }
  const available = opts.test.labels.length;
  if (opts.count < 1 || opts.count > available) {
    throw new Error(`Cannot verify '${name}' on ${opts.count} test images: ${available} given`);
  }
  const module = opts.module ?? await compileEngine();
  const images = opts.test.images.subarray(0, opts.count * IMAGE_BYTES);
  const loaded = loadModel(encodeModel(embeddable), name);
  const checks: ModeCheck[] = [];
  for (const mode of MODES) {
    const classifier = await createClassifier({ model: loaded, wasm: module, mode, batch: 100 });
    const t0 = performance.now();
    const result = classifier.classify(images);
    const seconds = (performance.now() - t0) / 1000;
    const energy = classifier.energyPerInferenceNj;
    classifier.close();
    if (mode !== "float") {
      const want = await hostLogits(original, images, opts.count, {
        calibrationImages: opts.calibrationImages,
        calibrationCount: spec.calibration.images,
        calibration: calibrationOf(spec.calibration),
        weights: spec.weights,
        assignment: hostAssignment(embeddable, mode),
        compensate: mode === "approx8" && spec.compensate,
        tuneWeights: spec.weightMaps !== undefined,
        engine: () => instantiateEngine(module),
      });
      const differ = differingBits(result.logits, want);
      if (differ > 0) {
        throw new Error(
          `${mode}: ${differ} logits of the classifier of '${name}' differ from evaluate's computation`,
        );
      }
    }
    checks.push({
      mode,
      accuracy: countCorrect(result.labels, opts.test.labels) / opts.count,
      imagesPerSecond: opts.count / seconds,
      energyPerInferenceNj: energy,
      identicalToHost: mode !== "float",
    });
  }
  return checks;
}

/** The multipliers of `mode` with the file's own tables and energies, as its classifier has. */
function hostAssignment(embeddable: SavedModel, mode: Mode): MultiplierAssignment {
  const choice = embeddable.inference!.multipliers;
  return mode === "exact8"
    ? { defaultName: EXACT_MULTIPLIER, byNode: {}, library: embeddable.tables! }
    : { defaultName: choice.defaultName, byNode: choice.byNode, library: embeddable.tables! };
}

function calibrationOf(c: { method: "minmax" | "percentile"; percentile?: number }): Calibration {
  return c.method === "minmax"
    ? { method: "minmax" }
    : { method: "percentile", percentile: c.percentile! };
}

/** How many entries differ in bits (so -0 against 0 or two NaN payloads count). */
function differingBits(a: Float32Array, b: Float32Array): number {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let differ = Math.abs(x.length - y.length);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) differ++;
  return differ;
}
