/**
 * One replica trained in this thread: the same interface as ReplicaPool, for callers that
 * are workers already (a search evaluates one candidate per worker) or want no threads.
 */
import type { Graph } from "../graph/graph.ts";
import { Replica, type StepResult } from "./replica.ts";
import type { Weights } from "./replica_pool.ts";
import type { LabelledImages } from "../data/cifar10/format.ts";

/** What the trainer needs of a set of replicas: ReplicaPool (workers) or LocalReplica. */
export interface ReplicaGroup {
  setWeights(w: Weights): Promise<void>;
  weights(): Promise<Required<Weights>>;
  trainStep(
    data: string,
    indices: Int32Array,
    seedOf: (shard: number) => number | null,
    sgd: { lr: number; momentum: number; weightDecay: number; nesterov: boolean },
  ): Promise<StepResult>;
  syncState(): Promise<Float32Array>;
  evaluate(data: string, count: number): Promise<StepResult>;
  close(): void;
}

export class LocalReplica implements ReplicaGroup {
  private constructor(
    readonly replica: Replica,
    readonly datasets: Record<string, LabelledImages>,
  ) {}

  static async create(opts: {
    module: WebAssembly.Module;
    graph: Graph;
    batch: number;
    datasets: Record<string, LabelledImages>;
  }): Promise<LocalReplica> {
    return new LocalReplica(
      await Replica.create(opts.module, opts.graph, opts.batch),
      opts.datasets,
    );
  }

  setWeights(w: Weights): Promise<void> {
    this.replica.net.setParams(w.params);
    this.replica.net.setState(w.state);
    this.replica.velocity.fill(0);
    if (w.velocity) this.replica.velocity.set(w.velocity);
    return Promise.resolve();
  }

  weights(): Promise<Required<Weights>> {
    const net = this.replica.net;
    return Promise.resolve({
      params: net.getParams(),
      state: net.getState(),
      velocity: this.replica.velocity.slice(),
    });
  }

  trainStep(
    data: string,
    indices: Int32Array,
    seedOf: (shard: number) => number | null,
    sgd: { lr: number; momentum: number; weightDecay: number; nesterov: boolean },
  ): Promise<StepResult> {
    const r = this.replica.computeGradients(this.datasets[data], indices, seedOf(0));
    this.replica.step(sgd.lr, sgd.momentum, sgd.weightDecay, sgd.nesterov);
    return Promise.resolve(r);
  }

  syncState(): Promise<Float32Array> {
    return Promise.resolve(this.replica.net.getState());
  }

  evaluate(data: string, count: number): Promise<StepResult> {
    return Promise.resolve(this.replica.evaluate(this.datasets[data], 0, count));
  }

  close(): void {}
}
