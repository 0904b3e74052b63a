/**
 * Data-parallel training over Deno workers, one Replica each (default: one per core).
 * The wasm module is compiled once and sent to every worker; the data sets live in shared
 * memory, so workers read them without copies.
 */
import type { Graph } from "../graph/graph.ts";
import type { StepResult } from "./replica.ts";
import { paramLayout } from "../model/layout.ts";
import type { LabelledImages } from "../data/cifar10/format.ts";

export interface Weights {
  params: Float32Array;
  state: Float32Array;
  velocity?: Float32Array;
}

class WorkerHandle {
  #worker: Worker;
  #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #next = 0;

  constructor() {
    this.#worker = new Worker(new URL("./replica_worker.ts", import.meta.url), { type: "module" });
    this.#worker.onmessage = (e: MessageEvent) => {
      const { id, result, error } = e.data;
      const p = this.#pending.get(id)!;
      this.#pending.delete(id);
      if (error) p.reject(new Error(`training worker failed: ${error}`));
      else p.resolve(result);
    };
    this.#worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      for (const p of this.#pending.values()) {
        p.reject(new Error(`training worker died: ${e.message}`));
      }
      this.#pending.clear();
    };
  }

  call<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#worker.postMessage({ id, cmd, ...args });
    });
  }

  terminate(): void {
    this.#worker.terminate();
  }
}

/** Copies a byte array into shared memory unless it already is there. */
export function shareBytes(a: Uint8Array): Uint8Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const shared = new Uint8Array(new SharedArrayBuffer(a.length));
  shared.set(a);
  return shared;
}

export class ReplicaPool {
  private constructor(readonly workers: WorkerHandle[], readonly paramCount: number) {}

  /**
   * Starts `count` workers, each with a replica of `graph` sized for `batch` samples per
   * step (the share of one worker).
   */
  static async create(opts: {
    module: WebAssembly.Module;
    graph: Graph;
    batch: number;
    count: number;
    datasets: Record<string, LabelledImages>;
  }): Promise<ReplicaPool> {
    const datasets = Object.fromEntries(
      Object.entries(opts.datasets).map((
        [k, d],
      ) => [k, { images: shareBytes(d.images), labels: shareBytes(d.labels) }]),
    );
    const workers = Array.from({ length: opts.count }, () => new WorkerHandle());
    const paramCount = paramLayout(opts.graph).paramCount;
    const gradients = new SharedArrayBuffer(4 * paramCount * opts.count);
    try {
      await Promise.all(workers.map((w, slot) =>
        w.call("init", {
          module: opts.module,
          graph: opts.graph,
          batch: opts.batch,
          datasets,
          gradients,
          slot,
          workers: opts.count,
        })
      ));
    } catch (e) {
      workers.forEach((w) => w.terminate());
      throw e;
    }
    return new ReplicaPool(workers, paramCount);
  }

  get size(): number {
    return this.workers.length;
  }

  async setWeights(w: Weights): Promise<void> {
    await Promise.all(this.workers.map((h) => h.call("setWeights", { ...w })));
  }

  /** The weights of replica 0 (all replicas hold the same parameters). */
  weights(): Promise<Required<Weights>> {
    return this.workers[0].call("weights");
  }

  /**
   * One training step on `indices` of data set `data`: the batch is cut into one
   * contiguous share per worker, gradients are combined as the mean over the whole batch,
   * and every replica applies the same SGD step.
   */
  async trainStep(
    data: string,
    indices: Int32Array,
    seedOf: (shard: number) => number | null,
    sgd: { lr: number; momentum: number; weightDecay: number; nesterov: boolean },
  ): Promise<StepResult> {
    const shares = split(indices.length, this.size);
    const results = await Promise.all(this.workers.map((w, i) =>
      w.call<StepResult>("grads", {
        data,
        indices: indices.slice(shares[i][0], shares[i][0] + shares[i][1]),
        augmentSeed: seedOf(i),
        scale: shares[i][1] / indices.length,
      })
    ));
    await Promise.all(this.workers.map((w) => w.call("step", sgd)));
    return sum(results);
  }

  /**
   * Replicas see different samples, so their batch-norm running statistics drift apart:
   * replace them all with their mean (before evaluating or saving).
   */
  async syncState(): Promise<Float32Array> {
    const all = await Promise.all(this.workers.map((w) => w.call<Required<Weights>>("weights")));
    const mean = new Float32Array(all[0].state.length);
    for (const w of all) for (let i = 0; i < mean.length; i++) mean[i] += w.state[i] / all.length;
    await Promise.all(this.workers.map((w) => w.call("setState", { state: mean })));
    return mean;
  }

  /** Evaluation of data[0, count) split across the workers. */
  async evaluate(data: string, count: number): Promise<StepResult> {
    const shares = split(count, this.size);
    const results = await Promise.all(
      this.workers.map((w, i) =>
        w.call<StepResult>("evaluate", { data, start: shares[i][0], count: shares[i][1] })
      ),
    );
    return sum(results);
  }

  close(): void {
    this.workers.forEach((w) => w.terminate());
  }
}

/** [start, length] of each of `parts` near-equal contiguous shares of n. */
export function split(n: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 0; i < parts; i++) {
    const len = Math.floor(n / parts) + (i < n % parts ? 1 : 0);
    out.push([start, len]);
    start += len;
  }
  return out;
}

function sum(rs: StepResult[]): StepResult {
  return rs.reduce((a, b) => ({ lossSum: a.lossSum + b.lossSum, correct: a.correct + b.correct }), {
    lossSum: 0,
    correct: 0,
  });
}
