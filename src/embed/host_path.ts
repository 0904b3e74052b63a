/**
 * 8-bit logits computed the way `deno task evaluate` computes them, from the float model and
 * calibration images (calibrated ranges, the plan with each layer's weights coded for its
 * multiplier, then compensatePlan with the exact 8-bit plan's activation statistics when
 * compensating, then QuantizedNetwork), without anything stored in the file: the reference a self-contained
 * file's classifier must match bit for bit (src/embed/verify.ts, tests/embed).
 */
import type { Engine } from "../engine/wasm.ts";
import type { MultiplierAssignment } from "../quant/assignment.ts";
import { graphCost } from "../graph/count.ts";
import { codesOf } from "./spec.ts";
import type { Calibration } from "../quant/calibrate.ts";
import { activationStats, compensatePlan } from "../quant/compensate.ts";
import { QuantizedNetwork } from "../quant/qnetwork.ts";
import { quantizeModel, rangesNeeded, type WeightGranularity } from "../quant/quantize.ts";
import { calibrateRanges } from "../quant/calibrate.ts";
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
  const layers = [...graphCost(model.graph).multsByNode.keys()];
  const ranges = await calibrateRanges(
    model,
    opts.calibrationImages,
    opts.calibrationCount,
    rangesNeeded(model.graph),
    opts.calibration,
    await opts.engine(),
  );
  const bytePlan = quantizeModel(model, ranges, { weights: opts.weights });
  const codes = codesOf(opts.assignment, layers);
  let plan = codes ? quantizeModel(model, ranges, { weights: opts.weights, codes }) : bytePlan;
  for (const p of [bytePlan, plan]) {
    p.notes.calibration = { ...opts.calibration, images: opts.calibrationCount };
  }
  if (opts.compensate) {
    // Activation statistics of the exact 8-bit plan, as the search and the file measure them.
    const stats = await activationStats(
      bytePlan,
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
