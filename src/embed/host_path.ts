/**
 * 8-bit logits computed the way `deno task evaluate` computes them, from the float model and
 * calibration images (quantizeWithCalibration, then compensatePlan when compensating, then
 * QuantizedNetwork), without anything stored in the file: the reference a self-contained
 * file's classifier must match bit for bit (cli/export.ts --verify, tests/embed).
 */
import type { Engine } from "../engine/wasm.ts";
import type { MultiplierAssignment } from "../quant/assignment.ts";
import type { Calibration } from "../quant/calibrate.ts";
import { activationStats, compensatePlan } from "../quant/compensate.ts";
import { QuantizedNetwork } from "../quant/qnetwork.ts";
import { quantizeWithCalibration, type WeightGranularity } from "../quant/quantize.ts";
import type { SavedModel } from "../model/model_file.ts";

export interface HostPathOptions {
  calibrationImages: Uint8Array;
  calibrationCount: number;
  calibration: Calibration;
  weights?: WeightGranularity;
  assignment: MultiplierAssignment;
  compensate: boolean;
  /** With `compensate`, weight bytes tuned to each multiplier first. */
  tuneWeights?: boolean;
  /** Fresh engine instances (calibration, statistics, inference). */
  engine: () => Promise<Engine>;
  batch?: number;
}

/** Logits [count][classes] of the first `count` of `images`. */
export async function hostLogits(
  model: SavedModel,
  images: Uint8Array,
  count: number,
  opts: HostPathOptions,
): Promise<Float32Array> {
  let plan = await quantizeWithCalibration(
    model,
    opts.calibrationImages,
    opts.calibrationCount,
    opts.calibration,
    { weights: opts.weights },
    await opts.engine(),
  );
  if (opts.compensate) {
    const stats = await activationStats(
      plan,
      opts.calibrationImages,
      opts.calibrationCount,
      await opts.engine(),
    );
    plan = compensatePlan(plan, opts.assignment, stats, { tuneWeights: opts.tuneWeights });
  }
  const batch = opts.batch ?? 100;
  const net = new QuantizedNetwork(await opts.engine(), plan, opts.assignment, { batch });
  const classes = model.graph.classes;
  const out = new Float32Array(count * classes);
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    net.loadImages(images, start, n);
    net.forward(n);
    out.set(net.logits(n), start * classes);
  }
  return out;
}
