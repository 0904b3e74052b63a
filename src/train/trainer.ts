/**
 * Mini-batch SGD training of a graph on CIFAR-style data, data-parallel over workers,
 * with evaluation after every epoch and a checkpoint that lets a killed run resume.
 */
import type { Graph } from "../graph/graph.ts";
import { compileEngine, instantiateEngine } from "../engine/wasm.ts";
import { deriveSeed, type TrainRecipe } from "./recipe.ts";
import { ReplicaPool, type Weights } from "./replica_pool.ts";
import { LocalReplica, type ReplicaGroup } from "./local_replica.ts";
import { Network } from "./network.ts";
import { cosineLr, oneCycleLr } from "./schedule.ts";
import { Rng } from "../util/rng.ts";
import { loadCheckpoint, saveCheckpoint } from "./checkpoint.ts";
import type { EpochReport } from "./epoch_report.ts";
import type { LabelledImages } from "../data/cifar10/format.ts";

export interface StepInfo {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  loss: number;
  lr: number;
}

export interface TrainOptions {
  graph: Graph;
  recipe: TrainRecipe;
  train: LabelledImages;
  /** Evaluated after every epoch (the test set for final figures, a validation split in search). */
  evaluation?: LabelledImages;
  /** Worker threads (default 1); 0 trains in this thread. */
  workers?: number;
  module?: WebAssembly.Module;
  /** Start from these weights instead of a fresh initialisation. */
  initial?: Weights;
  /** Directory for a checkpoint after every epoch; with `resume`, continue from it. */
  checkpointDir?: string;
  resume?: boolean;
  onStep?: (info: StepInfo) => void;
  onEpoch?: (report: EpochReport) => void;
}

export interface TrainResult {
  params: Float32Array;
  state: Float32Array;
  history: EpochReport[];
  /** Wall-clock seconds of this call (a resumed run counts only its own part). */
  seconds: number;
}

/** Learning rate at a global step of the recipe's schedule. */
export function learningRate(recipe: TrainRecipe, step: number, totalSteps: number): number {
  return recipe.schedule === "onecycle"
    ? oneCycleLr(step, totalSteps, { maxLr: recipe.maxLr })
    : cosineLr(step, totalSteps, { baseLr: recipe.maxLr });
}

/** Fresh parameters for `graph` from the recipe's seed (the same whatever the worker count). */
export async function initialWeights(
  graph: Graph,
  seed: number,
  module?: WebAssembly.Module,
): Promise<Weights> {
  const net = new Network(await instantiateEngine(module ?? await compileEngine()), graph, 1);
  net.initialize(new Rng(deriveSeed(seed, 0x1417)));
  return { params: net.getParams(), state: net.getState() };
}

export async function train(opts: TrainOptions): Promise<TrainResult> {
  const { graph, recipe } = opts;
  const workers = Math.max(0, opts.workers ?? 1);
  const module = opts.module ?? await compileEngine();
  const n = opts.train.labels.length;
  const stepsPerEpoch = Math.ceil(n / recipe.batch);
  const totalSteps = stepsPerEpoch * recipe.epochs;
  const t0 = performance.now();

  let weights = opts.initial ?? await initialWeights(graph, recipe.seed, module);
  let history: EpochReport[] = [];
  let firstEpoch = 0;
  if (opts.resume && opts.checkpointDir) {
    const ckpt = await loadCheckpoint(opts.checkpointDir, graph, recipe);
    if (ckpt) {
      weights = ckpt.weights;
      history = ckpt.history;
      firstEpoch = ckpt.epochsDone;
    }
  }

  const datasets: Record<string, LabelledImages> = { train: opts.train };
  if (opts.evaluation) datasets.evaluation = opts.evaluation;
  const pool: ReplicaGroup = workers === 0
    ? await LocalReplica.create({ module, graph, batch: recipe.batch, datasets })
    : await ReplicaPool.create({
      module,
      graph,
      batch: Math.ceil(recipe.batch / workers),
      count: workers,
      datasets,
    });
  try {
    await pool.setWeights(weights);
    const sgd = {
      momentum: recipe.momentum,
      weightDecay: recipe.weightDecay,
      nesterov: recipe.nesterov,
    };
    for (let epoch = firstEpoch; epoch < recipe.epochs; epoch++) {
      const te = performance.now();
      const order = new Rng(deriveSeed(recipe.seed, epoch, 1)).shuffle(
        Int32Array.from({ length: n }, (_, i) => i),
      );
      let lossSum = 0, correct = 0, lr = 0;
      for (let s = 0; s < stepsPerEpoch; s++) {
        const step = epoch * stepsPerEpoch + s;
        lr = learningRate(recipe, step, totalSteps);
        const batch = order.subarray(s * recipe.batch, Math.min(n, (s + 1) * recipe.batch));
        const r = await pool.trainStep(
          "train",
          batch,
          (shard) => recipe.augment ? deriveSeed(recipe.seed, epoch, s, shard, 2) : null,
          { lr, ...sgd },
        );
        if (!Number.isFinite(r.lossSum)) {
          throw new Error(
            `Training diverged: loss is ${r.lossSum / batch.length} at epoch ${epoch + 1}, step ${
              s + 1
            }`,
          );
        }
        lossSum += r.lossSum;
        correct += r.correct;
        opts.onStep?.({ epoch, step: s, stepsPerEpoch, loss: r.lossSum / batch.length, lr });
      }
      await pool.syncState();
      const seconds = (performance.now() - te) / 1000;
      const report: EpochReport = {
        epoch: epoch + 1,
        lr,
        trainLoss: lossSum / n,
        trainAccuracy: correct / n,
        seconds,
        imagesPerSecond: n / seconds,
      };
      if (opts.evaluation) {
        const m = opts.evaluation.labels.length;
        const e = await pool.evaluate("evaluation", m);
        report.evalLoss = e.lossSum / m;
        report.evalAccuracy = e.correct / m;
      }
      history.push(report);
      if (opts.checkpointDir) {
        await saveCheckpoint(opts.checkpointDir, {
          graph,
          recipe,
          weights: await pool.weights(),
          history,
          epochsDone: epoch + 1,
        });
      }
      opts.onEpoch?.(report);
    }
    const final = await pool.weights();
    return {
      params: final.params,
      state: final.state,
      history,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    pool.close();
  }
}
