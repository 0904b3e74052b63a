/**
 * A tiny network for the embedding tests (every op the quantiser handles, seeded weights),
 * seeded CIFAR-shaped images, its self-contained file, and the host's computation of the
 * same logits the way `deno task evaluate` computes them (src/embed/host_path.ts).
 */
import { graphCost } from "../../src/graph/count.ts";
import { loadEngine } from "../../src/engine/wasm.ts";
import { EXACT_NAME } from "../../src/multipliers/library.ts";
import { parseAssignment } from "../../src/quant/assignment.ts";
import { resolveLibrary } from "../../src/quant/library_tables.ts";
import type { Calibration } from "../../src/quant/calibrate.ts";
import { hostLogits as hostPathLogits } from "../../src/embed/host_path.ts";
import type { SavedModel } from "../../src/model/model_file.ts";
import { everyOpGraph, randomImages, randomModel } from "../quant/_models.ts";

export const CALIBRATION_COUNT = 24;
export const CALIBRATION: Calibration = { method: "percentile", percentile: 99.9 };

/** The tiny model, its calibration images and test images. */
export function tinySetup() {
  const model: SavedModel = randomModel(everyOpGraph(), 11);
  const layers = [...graphCost(model.graph).multsByNode.keys()];
  return {
    model,
    layers,
    calibrationImages: randomImages(CALIBRATION_COUNT, 21),
    images: randomImages(13, 31),
    /** A mix: a rows-path design by default, a dot-path one and the exact one on two layers. */
    multipliers: `mul8u_trunc6,${layers[1]}=mul8u_ot_a2b2,${layers[2]}=${EXACT_NAME}`,
  };
}

/** Logits as `deno task evaluate` computes them (same calibration, multipliers, compensation). */
export async function hostLogits(
  model: SavedModel,
  calibrationImages: Uint8Array,
  images: Uint8Array,
  opts: { multipliers: string; compensate: boolean; tuneWeights?: boolean; batch?: number },
): Promise<Float32Array> {
  const spec = parseAssignment(opts.multipliers, EXACT_NAME);
  const library = await resolveLibrary([spec.defaultName, ...Object.values(spec.byNode)]);
  return await hostPathLogits(model, images, images.length / 3072, {
    calibrationImages,
    calibrationCount: CALIBRATION_COUNT,
    calibration: CALIBRATION,
    assignment: { ...spec, library },
    compensate: opts.compensate,
    tuneWeights: opts.tuneWeights,
    engine: loadEngine,
    batch: opts.batch ?? 5,
  });
}

/** Equal bit patterns (distinguishes -0 and NaN payloads, which deepEqual would not). */
export function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return x.every((v, i) => v === y[i]);
}
