/**
 * A plain float64 executor of a graph in training mode, built from the reference kernels
 * (each op's binding: src/ops/<op>/reference.ts, through src/ops/registry.ts): the oracle for
 * src/train/network.ts (wasm), and itself checked by finite differences.
 */
import { type Graph, type GraphNode, inferShapes, inputShapes } from "../graph/graph.ts";
import { paramLayout } from "../model/layout.ts";
import type { ReferenceForward } from "../ops/reference_binding.ts";
import type { SlotName } from "../ops/spec.ts";
import { opDef } from "../ops/registry.ts";
import { softmaxXentRef } from "./loss.ts";

export interface ReferenceResult {
  loss: number;
  logits: Float64Array;
  /** d loss / d params, in layout order. */
  grads: Float64Array;
}

/** Mean softmax cross-entropy of the graph on x (NHWC, n samples) and its parameter gradient. */
export function referenceLossAndGrads(
  graph: Graph,
  params: ArrayLike<number>,
  x: ArrayLike<number>,
  labels: ArrayLike<number>,
  n: number,
): ReferenceResult {
  const shapes = inferShapes(graph);
  const layout = paramLayout(graph);
  const slotOf = (id: string, name: SlotName) =>
    layout.params.find((t) => t.node === id && t.name === name);
  const out = new Map<string, Float64Array>();
  const saved = new Map<string, unknown>();
  const forwardArgs = (node: GraphNode): ReferenceForward<GraphNode> => ({
    node,
    n,
    xs: node.inputs.map((id) => out.get(id)!),
    inShapes: inputShapes(node, shapes),
    shape: shapes.get(node.id)!,
    param: (name) => {
      const s = slotOf(node.id, name);
      return s
        ? Array.prototype.slice.call(params, s.offset, s.offset + s.length) as number[]
        : undefined;
    },
    data: x,
  });

  for (const node of graph.nodes) {
    const r = opDef(node.op).reference.forward(forwardArgs(node));
    out.set(node.id, r.y);
    saved.set(node.id, r.saved);
  }

  const logits = out.get(graph.output)!;
  const { loss, dlogits } = softmaxXentRef(logits, labels, n, graph.classes);
  const grads = new Float64Array(layout.paramCount);
  const dOut = new Map<string, Float64Array>([[graph.output, dlogits]]);
  const accumulate = (id: string, g: Float64Array) => {
    const have = dOut.get(id);
    if (!have) dOut.set(id, g);
    else for (let i = 0; i < g.length; i++) have[i] += g[i];
  };

  for (let i = graph.nodes.length - 1; i > 0; i--) {
    const node = graph.nodes[i];
    const dy = dOut.get(node.id);
    if (!dy) continue;
    const dxs = opDef(node.op).reference.backward({
      ...forwardArgs(node),
      y: out.get(node.id)!,
      dy,
      saved: saved.get(node.id),
      addGrad: (name, g) => {
        const s = slotOf(node.id, name);
        if (s) { for (let i = 0; i < s.length; i++) grads[s.offset + i] += g[i]; }
      },
    });
    node.inputs.forEach((id, j) => accumulate(id, dxs[j]));
  }
  return { loss, logits, grads };
}
