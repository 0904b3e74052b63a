/**
 * Training one network in this thread and measuring it three ways on a labelled set: float,
 * exact 8-bit and 8-bit through its approximate multipliers. What a search worker does for
 * a candidate (on the validation split) and for a final network (on the test set).
 */
import type { Graph } from "../graph/graph.ts";
import { instantiateEngine } from "../engine/wasm.ts";
import { STANDARD_RECIPE, type TrainRecipe } from "../train/recipe.ts";
import { train } from "../train/trainer.ts";
import type { Dataset } from "../train/replica.ts";
import type { SavedModel } from "../train/model_file.ts";
import { quantizeWithCalibration } from "../quant/quantize.ts";
import { argmaxRows, QuantizedNetwork } from "../quant/qnetwork.ts";
import type { MultiplierAssignment } from "../quant/assignment.ts";
import type { QPlan } from "../quant/plan.ts";
import { EXACT_NAME, multiplierTable } from "../multipliers/library.ts";
import { activationStats, compensatePlan } from "../quant/compensate.ts";

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
  const engine = await instantiateEngine(opts.module);
  const calib = Math.min(opts.calibrationImages, opts.trainData.labels.length);
  const plan = await quantizeWithCalibration(
    model,
    opts.trainData.images,
    calib,
    { method: "minmax" },
    {},
    engine,
  );
  const exactTable = await tableOf(EXACT_NAME);
  const exact: MultiplierAssignment = {
    defaultName: EXACT_NAME,
    byNode: {},
    tables: { [EXACT_NAME]: exactTable },
    decompositions: {},
  };
  const exact8 = await quantizedAccuracyHere(opts.module, plan, exact, opts.evalData, count);
  const names = [...new Set(Object.values(opts.multipliers))];
  let approx8 = exact8;
  if (names.some((n) => n !== EXACT_NAME)) {
    const approx: MultiplierAssignment = {
      defaultName: EXACT_NAME,
      byNode: opts.multipliers,
      tables: Object.fromEntries(
        await Promise.all([EXACT_NAME, ...names].map(async (n) => [n, await tableOf(n)])),
      ),
      decompositions: {},
    };
    const approxPlan = opts.compensate
      ? compensatePlan(
        plan,
        approx,
        await activationStats(plan, opts.trainData.images, calib, engine),
      )
      : plan;
    approx8 = await quantizedAccuracyHere(opts.module, approxPlan, approx, opts.evalData, count);
  }
  const measured = { float: last.evalAccuracy!, exact8, approx8, images: count };
  model.meta = {
    ...model.meta,
    measured,
    calibration: { ...CALIBRATION, images: calib },
    errorCompensation: opts.compensate,
  };
  return {
    model,
    measured,
    seconds: { train: (t1 - t0) / 1000, evaluate: (performance.now() - t1) / 1000 },
  };
}
