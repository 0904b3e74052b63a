/**
 * The graph-level half of an op: what src/graph/ needs to check a graph, infer its shapes
 * and count its size and cost, with no executor in sight. Each op's spec is in
 * src/ops/<op>/spec.ts, listed in src/ops/specs.ts.
 */
import type { NodeBase, TensorShape } from "../graph/node.ts";

/** Names of the tensors ops keep (src/model/layout.ts places them). */
export type SlotName = "weight" | "bias" | "gamma" | "beta" | "running_mean" | "running_var";

/** One tensor a node keeps, before the layout gives it an offset. */
export interface TensorSlot {
  name: SlotName;
  /** Shape as stored: conv HWIO [kh, kw, c, k], dense [in, out], per-channel [c]. */
  shape: number[];
  /** Fan-in, for initialisation. */
  fanIn: number;
  /** Initial value: PyTorch's U(-1/sqrt(fanIn), 1/sqrt(fanIn)), or a constant. */
  init: "uniform" | 0 | 1;
}

export interface OpSpec<N extends NodeBase> {
  readonly op: N["op"];
  /** Number of inputs. */
  readonly arity: number;
  /**
   * The output shape from the inputs' shapes (`graphInput` for a source), after checking the
   * node's own fields; throws a message starting with `where`.
   */
  shape(node: N, ins: TensorShape[], where: string, graphInput: TensorShape): TensorShape;
  /** Trainable tensors, in layout order (as PyTorch counts parameters). */
  params?(node: N, ins: TensorShape[]): TensorSlot[];
  /** Tensors kept outside the gradient (batch-norm running statistics), in layout order. */
  state?(node: N, ins: TensorShape[]): TensorSlot[];
  /**
   * Multiplications for one image, for ops whose products go through a multiplier (the figure
   * the energy model and per-layer multipliers use); absent for the others.
   */
  mults?(node: N, ins: TensorShape[], out: TensorShape): number;
}

/** Throws unless every value is a positive integer. */
export function positiveIntegers(where: string, what: string, values: number[]): void {
  for (const v of values) {
    if (!Number.isInteger(v) || v < 1) {
      throw new Error(`${where}: ${what} must be positive integers, found ${values}`);
    }
  }
}

/** The number of elements of a slot. */
export function slotLength(slot: TensorSlot): number {
  return slot.shape.reduce((a, b) => a * b, 1);
}
