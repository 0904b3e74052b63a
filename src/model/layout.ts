/**
 * Where each layer's numbers live in the flat parameter and state vectors. The order is a
 * pure function of the graph (each op lists its tensors: src/ops/<op>/spec.ts), so a saved
 * model needs only the graph and two flat arrays.
 */
import { type Graph, inferShapes, inputShapes } from "../graph/graph.ts";
import { opSpec } from "../ops/specs.ts";
import { slotLength, type TensorSlot } from "../ops/spec.ts";

export interface Slot extends TensorSlot {
  node: string;
  /** Index of the first float in the flat vector. */
  offset: number;
  length: number;
}

export interface ParamLayout {
  /** Trainable: conv and dense weights and biases, batch-norm gamma and beta. */
  params: Slot[];
  /** Not trained by gradient: batch-norm running mean and variance. */
  state: Slot[];
  paramCount: number;
  stateCount: number;
}

export function paramLayout(graph: Graph): ParamLayout {
  const shapes = inferShapes(graph);
  const params: Slot[] = [], state: Slot[] = [];
  let p = 0, s = 0;
  const put = (list: Slot[], at: number, node: string, slot: TensorSlot) => {
    const length = slotLength(slot);
    list.push({ node, ...slot, offset: at, length });
    return at + length;
  };
  for (const node of graph.nodes) {
    const spec = opSpec(node.op)!;
    const ins = inputShapes(node, shapes);
    for (const slot of spec.params?.(node, ins) ?? []) p = put(params, p, node.id, slot);
    for (const slot of spec.state?.(node, ins) ?? []) s = put(state, s, node.id, slot);
  }
  return { params, state, paramCount: p, stateCount: s };
}

/** The slot of a node's named tensor, or undefined. */
export function findSlot(slots: Slot[], node: string, name: Slot["name"]): Slot | undefined {
  return slots.find((t) => t.node === node && t.name === name);
}
