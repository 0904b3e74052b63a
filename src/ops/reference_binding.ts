/**
 * What an op gives the float64 reference executor (src/reference/network.ts): its forward
 * and backward in training mode, from the plain reference kernels of src/reference/.
 */
import type { TensorShape } from "../graph/node.ts";
import type { SlotName } from "./spec.ts";

export interface ReferenceForward<N> {
  node: N;
  /** Samples in the batch. */
  n: number;
  /** The inputs' outputs, NHWC. */
  xs: Float64Array[];
  inShapes: TensorShape[];
  shape: TensorShape;
  /** A parameter's values; undefined when the node has no such slot. */
  param(name: SlotName): number[] | undefined;
  /** The network's input batch (what the input op returns). */
  data: ArrayLike<number>;
}

export interface ReferenceBackward<N, S> extends ReferenceForward<N> {
  /** The node's output and its gradient. */
  y: Float64Array;
  dy: Float64Array;
  /** What the forward pass saved. */
  saved: S;
  /** Adds g into the gradient of the node's parameter `name` (nothing when it has none). */
  addGrad(name: SlotName, g: ArrayLike<number>): void;
}

export interface ReferenceBinding<N, S = undefined> {
  forward(a: ReferenceForward<N>): { y: Float64Array; saved?: S };
  /** The gradients of the inputs, in input order (fresh arrays: the executor sums into them). */
  backward(a: ReferenceBackward<N, S>): Float64Array[];
}
