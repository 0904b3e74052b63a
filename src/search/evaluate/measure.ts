/**
 * Training one network in this thread and measuring it three ways on a labelled set: float,
 * exact 8-bit and 8-bit through its approximate multipliers. What a search worker does for
 * a candidate (on the validation split) and for a final network (on the test set).
 */
import type { Graph } from "../../graph/graph.ts";
import { STANDARD_RECIPE, type TrainRecipe } from "../../train/recipe.ts";
import { train } from "../../train/trainer.ts";
import type { Dataset } from "../../train/replica.ts";
import type { SavedModel } from "../../model/model_file.ts";
import { EXACT_NAME } from "../../multipliers/library.ts";
import { CALIBRATION, QuantizedModel } from "../../quant/quantized_model.ts";
import type { ResolvedLibrary } from "../../quant/multipliers.ts";

export interface Measured {
  float: number;
  exact8: number;
  approx8: number;
  images: number;
}

export interface TrainAndMeasure {
  model: SavedModel;
  measured: Measured;
  /** The 8-bit network, to measure it through other multipliers. */
  quantized: QuantizedModel;
  seconds: { train: number; evaluate: number };
}

/**
 * Trains `graph` on `trainData` with the standard recipe (shortened to `epochs`), then
 * measures it on `evalData`: float (batch-norm running statistics), exact 8-bit and
 * approximate 8-bit with `multipliers` (node id -> library name; missing nodes exact).
 */
export async function trainAndMeasure(opts: {
  module: WebAssembly.Module;
  graph: Graph;
  multipliers: Record<string, string>;
  seed: number;
  epochs: number;
  batch: number;
  maxLr: number;
  trainData: Dataset;
  evalData: Dataset;
  calibrationImages: number;
  /** Fold each approximate multiplier's mean error (on the calibration images) into the
   * layer biases, as bias correction does (src/quant/compensate.ts). */
  compensate: boolean;
  /** With `compensate`, also tune each layer's weight bytes to its multiplier
   * (src/quant/weight_tuning.ts). */
  tuneWeights?: boolean;
  /** The run's resolved multipliers: the exact one and every one `multipliers` names. */
  library: ResolvedLibrary;
  meta?: Record<string, unknown>;
}): Promise<TrainAndMeasure> {
  const recipe: TrainRecipe = {
    ...STANDARD_RECIPE,
    epochs: opts.epochs,
    batch: opts.batch,
    maxLr: opts.maxLr,
    seed: opts.seed,
  };
  const t0 = performance.now();
  const result = await train({
    graph: opts.graph,
    recipe,
    train: opts.trainData,
    evaluation: opts.evalData,
    workers: 0,
    module: opts.module,
  });
  const t1 = performance.now();
  const last = result.history[result.history.length - 1];
  const model: SavedModel = {
    graph: opts.graph,
    params: result.params,
    state: result.state,
    meta: { recipe, ...opts.meta },
  };
  const count = opts.evalData.labels.length;
  const calib = Math.min(opts.calibrationImages, opts.trainData.labels.length);
  const quantized = await QuantizedModel.calibrate(opts.module, model, {
    images: opts.trainData.images,
    count: calib,
    compensate: opts.compensate,
    tuneWeights: opts.tuneWeights === true,
  }, opts.library);
  const exact8 = await quantized.accuracy({}, opts.evalData);
  const approximate = Object.values(opts.multipliers).some((n) => n !== EXACT_NAME);
  const approx8 = approximate ? await quantized.accuracy(opts.multipliers, opts.evalData) : exact8;
  const measured = { float: last.evalAccuracy!, exact8, approx8, images: count };
  model.meta = {
    ...model.meta,
    measured,
    calibration: { ...CALIBRATION, images: calib },
    errorCompensation: opts.compensate,
    ...(opts.tuneWeights ? { weightTuning: true } : {}),
  };
  return {
    model,
    measured,
    quantized,
    seconds: { train: (t1 - t0) / 1000, evaluate: (performance.now() - t1) / 1000 },
  };
}
