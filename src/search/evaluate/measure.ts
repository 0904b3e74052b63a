/**
 * Training one network in this thread and measuring it three ways on a labelled set: float,
 * exact 8-bit and 8-bit through its approximate multipliers. What a search worker does for
 * a candidate (on the validation split) and for a final network (on the test set).
 */
import type { Graph } from "../../graph/graph.ts";
import { train } from "../../train/trainer.ts";
import type { LabelledImages } from "../../data/cifar10/format.ts";
import type { SavedModel } from "../../model/model_file.ts";
import { EXACT_NAME } from "../../multipliers/library.ts";
import { QuantizedModel } from "../../quant/quantized_model.ts";
import { DEFAULT_CALIBRATION } from "../../quant/calibrate.ts";
import type { ResolvedLibrary } from "../../quant/multipliers.ts";
import type { MeasureRecipe } from "./recipe.ts";

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
 * Trains `graph` on `trainData` with `recipe.train`, then measures it on `evalData`: float
 * (batch-norm running statistics), exact 8-bit and approximate 8-bit with `multipliers`
 * (node id -> library name; missing nodes exact), quantised as `recipe.quant` says.
 */
export async function trainAndMeasure(opts: {
  module: WebAssembly.Module;
  graph: Graph;
  multipliers: Record<string, string>;
  recipe: MeasureRecipe;
  trainData: LabelledImages;
  evalData: LabelledImages;
  /** The run's resolved multipliers: the exact one and every one `multipliers` names. */
  library: ResolvedLibrary;
  meta?: Record<string, unknown>;
}): Promise<TrainAndMeasure> {
  const { train: recipe, quant } = opts.recipe;
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
  const calib = Math.min(quant.calibrationImages, opts.trainData.labels.length);
  const quantized = await QuantizedModel.calibrate(opts.module, model, {
    images: opts.trainData.images,
    count: calib,
    compensate: quant.compensate,
    tuneWeights: quant.tuneWeights,
  }, opts.library);
  const exact8 = await quantized.accuracy({}, opts.evalData);
  const approximate = Object.values(opts.multipliers).some((n) => n !== EXACT_NAME);
  const approx8 = approximate ? await quantized.accuracy(opts.multipliers, opts.evalData) : exact8;
  const measured = { float: last.evalAccuracy!, exact8, approx8, images: count };
  model.meta = {
    ...model.meta,
    measured,
    calibration: { ...DEFAULT_CALIBRATION, images: calib },
    errorCompensation: quant.compensate,
    ...(quant.tuneWeights ? { weightTuning: true } : {}),
  };
  return {
    model,
    measured,
    quantized,
    seconds: { train: (t1 - t0) / 1000, evaluate: (performance.now() - t1) / 1000 },
  };
}
