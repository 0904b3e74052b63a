/**
 * One copy of a network being trained, on its own engine instance. Data-parallel training
 * runs one replica per worker: each computes the gradients of its share of the batch, the
 * shares are summed in a fixed order, and every replica applies the same SGD step, so
 * their parameters stay identical.
 */
import { instantiateEngine } from "../engine/wasm.ts";
import type { Graph } from "../graph/graph.ts";
import { Network } from "./network.ts";
import { Rng } from "../util/rng.ts";
import { prepareEvalBatch, prepareTrainBatch } from "./augment.ts";
import type { LabelledImages } from "../data/cifar10/format.ts";

export interface StepResult {
  /** Sum over the samples of the loss, and how many were classified right. */
  lossSum: number;
  correct: number;
}

export class Replica {
  #velocity: number;

  private constructor(readonly net: Network) {
    this.#velocity = net.engine.arena.allocF32(net.layout.paramCount);
    this.velocity.fill(0);
  }

  static async create(module: WebAssembly.Module, graph: Graph, batch: number): Promise<Replica> {
    return new Replica(new Network(await instantiateEngine(module), graph, batch));
  }

  get velocity(): Float32Array {
    return this.net.engine.arena.f32(this.#velocity, this.net.layout.paramCount);
  }

  get gradients(): Float32Array {
    return this.net.engine.arena.f32(this.net.grads, this.net.layout.paramCount);
  }

  #load(data: LabelledImages, indices: ArrayLike<number>, rng: Rng | null): void {
    const n = indices.length;
    const a = this.net.engine.arena;
    const s = this.net.graph.input;
    const out = {
      images: a.f32(this.net.input, n * s.h * s.w * s.c),
      labels: a.i32(this.net.labels, n),
    };
    if (rng) prepareTrainBatch(data, indices, out, rng);
    else prepareEvalBatch(data, indices, out);
  }

  #score(n: number): number {
    const logits = this.net.logits(n);
    const labels = this.net.engine.arena.i32(this.net.labels, n);
    const k = this.net.graph.classes;
    let correct = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (logits[i * k + j] > logits[i * k + best]) best = j;
      if (best === labels[i]) correct++;
    }
    return correct;
  }

  /**
   * Forward and backward on `indices` of `data` (augmented with `augmentSeed` unless null).
   * Leaves d(mean loss over these samples)/d(params) in `gradients`.
   */
  computeGradients(
    data: LabelledImages,
    indices: ArrayLike<number>,
    augmentSeed: number | null,
  ): StepResult {
    const n = indices.length;
    this.#load(data, indices, augmentSeed === null ? null : new Rng(augmentSeed));
    this.net.forward(n, true);
    const loss = this.net.backward(n);
    return { lossSum: loss * n, correct: this.#score(n) };
  }

  /** One SGD step with the gradients now in `gradients` (replace them first to average). */
  step(lr: number, momentum: number, weightDecay: number, nesterov: boolean): void {
    this.net.engine.kernels.f32_sgd_step(
      this.net.params, // w
      this.net.grads, // grad
      this.#velocity, // velocity
      this.net.layout.paramCount, // len
      lr,
      momentum,
      weightDecay,
      nesterov ? 1 : 0,
    );
  }

  /** Inference with running statistics over data[start, start+count), in batches. */
  evaluate(data: LabelledImages, start: number, count: number): StepResult {
    let lossSum = 0, correct = 0;
    const k = this.net.engine.kernels;
    for (let i = 0; i < count; i += this.net.batch) {
      const n = Math.min(this.net.batch, count - i);
      const idx = Array.from({ length: n }, (_, j) => start + i + j);
      this.#load(data, idx, null);
      this.net.forward(n, false);
      lossSum += n *
        k.f32_softmax_xent(this.net.outputPlan.out, this.net.labels, 0, n, this.net.graph.classes);
      correct += this.#score(n);
    }
    return { lossSum, correct };
  }
}
