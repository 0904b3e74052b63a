/**
 * Accuracy on a labelled image set: of the float network (the training engine's inference,
 * batch-norm running statistics) and of a quantised plan with a multiplier assignment, both
 * data-parallel over workers, with their throughput.
 */
import { compileEngine } from "../engine/wasm.ts";
import type { SavedModel } from "../model/model_file.ts";
import { ReplicaPool } from "../train/replica_pool.ts";
import type { MultiplierAssignment } from "./assignment.ts";
import type { QPlan } from "./plan.ts";
import type { LayerRun, PathChoice } from "./qnetwork.ts";
import { QuantizedPool } from "./qpool.ts";
import { countCorrect } from "./predict.ts";
import type { LabelledImages } from "../data/cifar10/format.ts";

export interface AccuracyResult {
  correct: number;
  count: number;
  accuracy: number;
  /** Images per second of the inference (wall clock, without setup). */
  imagesPerSecond: number;
}

export async function floatAccuracy(
  model: SavedModel,
  data: LabelledImages,
  count: number,
  workers: number,
  batch = 100,
): Promise<AccuracyResult> {
  const pool = await ReplicaPool.create({
    module: await compileEngine(),
    graph: model.graph,
    batch,
    count: workers,
    datasets: { eval: data },
  });
  try {
    await pool.setWeights({ params: model.params, state: model.state });
    const t0 = performance.now();
    const r = await pool.evaluate("eval", count);
    const seconds = (performance.now() - t0) / 1000;
    return {
      correct: r.correct,
      count,
      accuracy: r.correct / count,
      imagesPerSecond: count / seconds,
    };
  } finally {
    pool.close();
  }
}

export interface QuantizedAccuracy extends AccuracyResult {
  layers: LayerRun[];
  predictions: Uint8Array;
}

export async function quantizedAccuracy(
  plan: QPlan,
  assignment: MultiplierAssignment,
  data: LabelledImages,
  count: number,
  workers: number,
  opts: { batch?: number; path?: PathChoice; maxStreams?: number } = {},
): Promise<QuantizedAccuracy> {
  const pool = await QuantizedPool.create({
    plan,
    assignment,
    images: data.images,
    workers,
    options: { batch: opts.batch ?? 100, path: opts.path, maxStreams: opts.maxStreams },
  });
  try {
    const t0 = performance.now();
    const predictions = await pool.predict(count);
    const seconds = (performance.now() - t0) / 1000;
    const correct = countCorrect(predictions, data.labels);
    return {
      correct,
      count,
      accuracy: correct / count,
      imagesPerSecond: count / seconds,
      layers: pool.layers,
      predictions,
    };
  } finally {
    pool.close();
  }
}
