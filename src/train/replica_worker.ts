/**
 * A Deno worker holding one Replica. It answers the messages of ReplicaPool
 * (src/train/replica_pool.ts); gradients travel through a SharedArrayBuffer with one slot
 * per worker, so a step costs two small messages, not a copy of the gradients.
 */
/// <reference lib="deno.worker" />
import { Replica } from "./replica.ts";
import type { LabelledImages } from "../data/cifar10/format.ts";

let replica: Replica;
let datasets: Record<string, LabelledImages> = {};
let slots: Float32Array[] = [];
let mySlot = 0;

type Handler = (msg: Record<string, unknown>) => unknown | Promise<unknown>;

const handlers: Record<string, Handler> = {
  async init(m) {
    replica = await Replica.create(
      m.module as WebAssembly.Module,
      m.graph as never,
      m.batch as number,
    );
    datasets = m.datasets as Record<string, LabelledImages>;
    const sab = m.gradients as SharedArrayBuffer;
    const len = replica.net.layout.paramCount;
    slots = Array.from(
      { length: m.workers as number },
      (_, i) => new Float32Array(sab, i * len * 4, len),
    );
    mySlot = m.slot as number;
    return { paramCount: len };
  },
  setWeights(m) {
    replica.net.setParams(m.params as Float32Array);
    replica.net.setState(m.state as Float32Array);
    if (m.velocity) replica.velocity.set(m.velocity as Float32Array);
  },
  weights() {
    return {
      params: replica.net.getParams(),
      state: replica.net.getState(),
      velocity: replica.velocity.slice(),
    };
  },
  setState(m) {
    replica.net.setState(m.state as Float32Array);
  },
  grads(m) {
    const indices = m.indices as Int32Array;
    if (indices.length === 0) { // a batch smaller than the pool leaves some workers idle
      slots[mySlot].fill(0);
      return { lossSum: 0, correct: 0 };
    }
    const r = replica.computeGradients(
      datasets[m.data as string],
      indices,
      m.augmentSeed as number | null,
    );
    // This replica's share of the batch's mean gradient.
    const g = replica.gradients, out = slots[mySlot], scale = m.scale as number;
    for (let i = 0; i < g.length; i++) out[i] = g[i] * scale;
    return r;
  },
  step(m) {
    // Every worker sums the slots in the same order, so all replicas apply the same step.
    const g = replica.gradients;
    g.set(slots[0]);
    for (let s = 1; s < slots.length; s++) {
      const src = slots[s];
      for (let i = 0; i < g.length; i++) g[i] += src[i];
    }
    replica.step(
      m.lr as number,
      m.momentum as number,
      m.weightDecay as number,
      m.nesterov as boolean,
    );
  },
  memoryBytes() {
    return replica.net.engine.kernels.memory.buffer.byteLength;
  },
  evaluate(m) {
    return replica.evaluate(datasets[m.data as string], m.start as number, m.count as number);
  },
};

self.onmessage = async (e: MessageEvent) => {
  const { id, cmd, ...rest } = e.data;
  try {
    const result = await handlers[cmd](rest);
    self.postMessage({ id, result });
  } catch (err) {
    self.postMessage({ id, error: (err as Error).stack ?? String(err) });
  }
};
