/**
 * Training one network in this thread and measuring it three ways on a labelled set: float,
 * exact 8-bit and 8-bit through its approximate multipliers. What a search worker does for
 * a candidate (on the validation split) and for a final network (on the test set).
 */
import type { Graph } from "../graph/graph.ts";
import { type Engine, instantiateEngine } from "../engine/wasm.ts";
import { STANDARD_RECIPE, type TrainRecipe } from "../train/recipe.ts";
import { train } from "../train/trainer.ts";
import type { Dataset } from "../train/replica.ts";
import type { SavedModel } from "../train/model_file.ts";
import { quantizeWithCalibration } from "../quant/quantize.ts";
import { argmaxRows, QuantizedNetwork } from "../quant/qnetwork.ts";
import type { MultiplierAssignment } from "../quant/assignment.ts";
import type { QPlan } from "../quant/plan.ts";
import { EXACT_NAME, multiplierTable } from "../multipliers/library.ts";
import { type ActivationStats, activationStats, compensatePlan } from "../quant/compensate.ts";

/** Activation ranges as `deno task evaluate` sets them by default (src/quant/README.md). */
export const CALIBRATION = { method: "percentile", percentile: 99.999 } as const;

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

const tables = new Map<string, Uint16Array>();
async function tableOf(name: string): Promise<Uint16Array> {
  let t = tables.get(name);
  if (!t) tables.set(name, t = await multiplierTable(name));
  return t;
}

/** Accuracy of a quantised plan through `assignment` on the first `count` images of `data`. */
export async function quantizedAccuracyHere(
  module: WebAssembly.Module,
  plan: QPlan,
  assignment: MultiplierAssignment,
  data: Dataset,
  count: number,
  batch = 100,
): Promise<number> {
  const qn = new QuantizedNetwork(await instantiateEngine(module), plan, assignment, { batch });
  const classes = plan.graph.classes;
  let correct = 0;
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    qn.loadImages(data.images, start, n);
    qn.forward(n);
    const predicted = argmaxRows(qn.logits(n), n, classes);
    for (let i = 0; i < n; i++) if (predicted[i] === data.labels[start + i]) correct++;
  }
  return correct / count;
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
  });
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

/** Calibration images and how approximate layers are corrected (src/quant/compensate.ts). */
export interface CalibrationSetup {
  images: Uint8Array;
  count: number;
  compensate: boolean;
  /** With `compensate`, weight bytes tuned to each multiplier too (weight_tuning.ts). */
  tuneWeights?: boolean;
}

/**
 * A trained network's 8-bit plan, measured through any multipliers: the bias correction of
 * each assignment comes from activation statistics gathered once on the calibration images.
 */
export class QuantizedModel {
  #stats?: Promise<ActivationStats>;

  constructor(
    readonly module: WebAssembly.Module,
    readonly engine: Engine,
    readonly plan: QPlan,
    readonly calibration: CalibrationSetup,
  ) {}

  /** Quantises `model` with activation ranges (CALIBRATION) from the first `count` images. */
  static async calibrate(
    module: WebAssembly.Module,
    model: SavedModel,
    calibration: CalibrationSetup,
  ): Promise<QuantizedModel> {
    const engine = await instantiateEngine(module);
    const plan = await quantizeWithCalibration(
      model,
      calibration.images,
      calibration.count,
      CALIBRATION,
      {},
      engine,
    );
    return new QuantizedModel(module, engine, plan, calibration);
  }

  /** Accuracy on `data` with `multipliers` (node id -> library name; missing nodes exact). */
  async accuracy(multipliers: Record<string, string>, data: Dataset): Promise<number> {
    const names = [...new Set([EXACT_NAME, ...Object.values(multipliers)])];
    const assignment: MultiplierAssignment = {
      defaultName: EXACT_NAME,
      byNode: multipliers,
      tables: Object.fromEntries(await Promise.all(names.map(async (n) => [n, await tableOf(n)]))),
      decompositions: {},
    };
    const { images, count, compensate, tuneWeights } = this.calibration;
    const approximate = names.length > 1;
    if (approximate && compensate) {
      this.#stats ??= activationStats(this.plan, images, count, this.engine);
    }
    const plan = approximate && compensate
      ? compensatePlan(this.plan, assignment, await this.#stats!, { tuneWeights })
      : this.plan;
    return await quantizedAccuracyHere(this.module, plan, assignment, data, data.labels.length);
  }
}
