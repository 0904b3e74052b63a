/**
 * Whole-network throughput of the engine: training steps (forward, backward, SGD) and
 * inference of a graph at a given batch, on synthetic CIFAR-shaped data, over 1..N workers.
 */
import type { Graph } from "../src/graph/graph.ts";
import { compileEngine } from "../src/engine/wasm.ts";
import { ReplicaPool } from "../src/train/replica_pool.ts";
import { initialWeights } from "../src/train/trainer.ts";
import { Rng } from "../src/util/rng.ts";
import { IMAGE_BYTES } from "../src/data/cifar10/format.ts";

export interface TrainBenchResult {
  graph: string;
  workers: number;
  batch: number;
  trainImgPerSec: number;
  inferImgPerSec: number;
  /** Process resident memory after the run (all workers are threads of this process). */
  rssBytes: number;
  /** Linear memory of one replica's engine. */
  wasmBytesPerWorker: number;
}

export async function benchTraining(
  graph: Graph,
  opts: { workers: number; batch?: number; steps?: number; warmup?: number },
): Promise<TrainBenchResult> {
  const batch = opts.batch ?? 128, steps = opts.steps ?? 10, warmup = opts.warmup ?? 2;
  const rng = new Rng(1);
  const n = batch * 4;
  const images = new Uint8Array(n * IMAGE_BYTES).map(() => rng.int(256));
  const labels = new Uint8Array(n).map(() => rng.int(10));
  const module = await compileEngine();
  const pool = await ReplicaPool.create({
    module,
    graph,
    batch: Math.ceil(batch / opts.workers),
    count: opts.workers,
    datasets: { train: { images, labels } },
  });
  try {
    await pool.setWeights(await initialWeights(graph, 1, module));
    const sgd = { lr: 0.01, momentum: 0.9, weightDecay: 5e-4, nesterov: true };
    const indices = (s: number) =>
      Int32Array.from({ length: batch }, (_, i) => (s * batch + i) % n);
    for (let s = 0; s < warmup; s++) await pool.trainStep("train", indices(s), (k) => k, sgd);
    let t = performance.now();
    for (let s = 0; s < steps; s++) {
      await pool.trainStep("train", indices(s), (k) => s * 31 + k, sgd);
    }
    const trainImgPerSec = (steps * batch) / ((performance.now() - t) / 1000);
    await pool.evaluate("train", n); // warm-up of the inference path
    t = performance.now();
    const rounds = Math.max(1, Math.round(steps / 2));
    for (let r = 0; r < rounds; r++) await pool.evaluate("train", n);
    const inferImgPerSec = (rounds * n) / ((performance.now() - t) / 1000);
    return {
      graph: graph.name,
      workers: opts.workers,
      batch,
      trainImgPerSec,
      inferImgPerSec,
      rssBytes: Deno.memoryUsage().rss,
      wasmBytesPerWorker: await pool.workers[0].call<number>("memoryBytes"),
    };
  } finally {
    pool.close();
  }
}
