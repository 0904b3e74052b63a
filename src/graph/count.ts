/**
 * Size and cost of a graph, known before any training: trainable parameters (as PyTorch
 * counts them: weights, biases, batch-norm scale and shift; not running statistics) and
 * multiplications per inference of one image (the figure the energy model multiplies).
 * Each op says its own (src/ops/<op>/spec.ts).
 */
import { type Graph, inferShapes, inputShapes } from "./graph.ts";
import { opSpec } from "../ops/specs.ts";
import { slotLength } from "../ops/spec.ts";

export interface GraphCost {
  params: number;
  /** Multiplications of conv and dense layers for one image (batch norm folds away). */
  mults: number;
  /** Multiplications per node id, for per-layer multipliers. */
  multsByNode: Map<string, number>;
}

export function graphCost(graph: Graph): GraphCost {
  const shapes = inferShapes(graph);
  let params = 0, mults = 0;
  const multsByNode = new Map<string, number>();
  for (const node of graph.nodes) {
    const spec = opSpec(node.op)!;
    const ins = inputShapes(node, shapes);
    for (const slot of spec.params?.(node, ins) ?? []) params += slotLength(slot);
    if (spec.mults) {
      const m = spec.mults(node, ins, shapes.get(node.id)!);
      multsByNode.set(node.id, m);
      mults += m;
    }
  }
  return { params, mults, multsByNode };
}
