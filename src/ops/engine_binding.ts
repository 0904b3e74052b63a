/**
 * What an op gives the float executor (src/train/network.ts): at network build time it is
 * handed its node's buffers and allocates what it saves for its backward pass; it returns
 * a step with the kernel calls bound to fixed pointers and geometry, so a batch costs one
 * call per node and no allocation.
 */
import type { Kernels } from "../engine/kernels.ts";
import type { TensorShape } from "../graph/node.ts";
import type { SlotName } from "./spec.ts";
import type { GraphNode } from "./specs.ts";

/** A node's tensors in engine memory (byte offsets): [batch, h, w, c] float32 each. */
export interface EngineTensor {
  node: GraphNode;
  shape: TensorShape;
  /** Per-sample element count of the output. */
  size: number;
  out: number;
  /** Its gradient; 0 for the input, which has none. */
  grad: number;
  /** The inputs' tensors. */
  ins: EngineTensor[];
}

/** A buffer several nodes share in turn; its pointer is set once the network is built. */
export interface SharedBuffer {
  ptr: number;
}

/** Settings the executor may change between batches. */
export interface EngineSettings {
  /** Whether 3x3 stride-1 convolutions may run the Winograd kernels. */
  winograd: boolean;
}

export interface EngineBindContext<N> {
  node: N;
  self: EngineTensor;
  kernels: Kernels;
  /** The most samples a batch may have. */
  batch: number;
  /** Pointers of a parameter and of its gradient; undefined when the node has no such slot. */
  param(name: SlotName): { value: number; grad: number } | undefined;
  /** Pointer of a state tensor (running statistics). */
  state(name: SlotName): number;
  /** Allocates a buffer of the node's own (saved statistics, argmax indices). */
  allocF32(count: number): number;
  allocI32(count: number): number;
  /** A scratch shared by every node asking under `key`, at least `floats` long. */
  scratch(key: string, floats: number): SharedBuffer;
  /**
   * Two buffers of the largest activation's size, where an op writes an input gradient no
   * one needs when its kernel computes it anyway (pointers set once the network is built).
   */
  spare: readonly [SharedBuffer, SharedBuffer];
  settings: Readonly<EngineSettings>;
}

export interface EngineStep {
  /** Runs the node on the first n samples. */
  forward(n: number, training: boolean): void;
  /**
   * From the output's gradient `self.grad`: the parameters' gradients, and each input j's
   * gradient into targets[j] (overwritten), skipped where targets[j] is 0.
   */
  backward(n: number, targets: readonly number[]): void;
}

export interface EngineBinding<N> {
  bind(ctx: EngineBindContext<N>): EngineStep;
}
