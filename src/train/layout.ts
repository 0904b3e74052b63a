/**
 * Where each layer's numbers live in the flat parameter and state vectors. The order is a
 * pure function of the graph, so a saved model needs only the graph and two flat arrays.
 */
import { type Graph, inferShapes } from "../graph/graph.ts";

export interface Slot {
  node: string;
  name: "weight" | "bias" | "gamma" | "beta" | "running_mean" | "running_var";
  /** Index of the first float in the flat vector. */
  offset: number;
  length: number;
  /** Shape as stored: conv HWIO [kh, kw, c, k], dense [in, out], per-channel [c]. */
  shape: number[];
  /** Fan-in, for initialisation. */
  fanIn: number;
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
  const put = (
    list: Slot[],
    at: number,
    node: string,
    name: Slot["name"],
    shape: number[],
    fanIn: number,
  ) => {
    const length = shape.reduce((a, b) => a * b, 1);
    list.push({ node, name, offset: at, length, shape, fanIn });
    return at + length;
  };
  for (const node of graph.nodes) {
    const x = node.inputs.length ? shapes.get(node.inputs[0])! : undefined;
    if (node.op === "conv") {
      const fanIn = node.kernel[0] * node.kernel[1] * x!.c;
      p = put(
        params,
        p,
        node.id,
        "weight",
        [node.kernel[0], node.kernel[1], x!.c, node.filters],
        fanIn,
      );
      if (node.bias) p = put(params, p, node.id, "bias", [node.filters], fanIn);
    } else if (node.op === "dense") {
      const fanIn = x!.h * x!.w * x!.c;
      p = put(params, p, node.id, "weight", [fanIn, node.units], fanIn);
      p = put(params, p, node.id, "bias", [node.units], fanIn);
    } else if (node.op === "batchnorm") {
      p = put(params, p, node.id, "gamma", [x!.c], 1);
      p = put(params, p, node.id, "beta", [x!.c], 1);
      s = put(state, s, node.id, "running_mean", [x!.c], 1);
      s = put(state, s, node.id, "running_var", [x!.c], 1);
    }
  }
  return { params, state, paramCount: p, stateCount: s };
}

/** The slot of a node's named tensor, or undefined. */
export function findSlot(slots: Slot[], node: string, name: Slot["name"]): Slot | undefined {
  return slots.find((t) => t.node === node && t.name === name);
}
