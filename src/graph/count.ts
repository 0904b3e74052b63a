/**
 * Size and cost of a graph, known before any training: trainable parameters (as PyTorch
 * counts them: weights, biases, batch-norm scale and shift; not running statistics) and
 * multiplications per inference of one image (the figure the energy model multiplies).
 */
import { type Graph, inferShapes } from "./graph.ts";

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
    const out = shapes.get(node.id)!;
    const x = node.inputs.length ? shapes.get(node.inputs[0])! : undefined;
    const inC = x ? x.c : 0;
    if (node.op === "conv") {
      const weights = node.kernel[0] * node.kernel[1] * inC * node.filters;
      params += weights + (node.bias ? node.filters : 0);
      const m = out.h * out.w * weights;
      multsByNode.set(node.id, m);
      mults += m;
    } else if (node.op === "dense") {
      // Dense layers flatten their input (NHWC order).
      const features = x!.h * x!.w * x!.c;
      params += features * node.units + node.units;
      multsByNode.set(node.id, features * node.units);
      mults += features * node.units;
    } else if (node.op === "batchnorm") {
      params += 2 * out.c;
    }
  }
  return { params, mults, multsByNode };
}
