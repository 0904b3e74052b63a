/**
 * The network graph format: a DAG of layers in topological order, serialisable as JSON.
 *
 * Every node names its inputs by id; node 0 is the image input. The same format holds the
 * human-designed ResNets and the networks decoded from CGP genomes, and is what a saved
 * model file carries (docs/model-format.md). The ops, their fields and shape rules are in
 * src/ops/ (src/ops/specs.ts lists them).
 */
import type { Padding, TensorShape } from "./node.ts";
import { type GraphNode, opSpec } from "../ops/specs.ts";

export { fmt, windowOutput } from "./node.ts";
export type { NodeBase, Padding, TensorShape } from "./node.ts";
export type { GraphNode, Op } from "../ops/specs.ts";
export type { InputNode } from "../ops/input/spec.ts";
export type { ConvNode } from "../ops/conv/spec.ts";
export type { BatchNormNode } from "../ops/batchnorm/spec.ts";
export type { ReluNode } from "../ops/relu/spec.ts";
export type { PoolNode } from "../ops/pool/spec.ts";
export type { GlobalAvgPoolNode } from "../ops/gap/spec.ts";
export type { DenseNode } from "../ops/dense/spec.ts";
export type { AddNode } from "../ops/add/spec.ts";
export type { ConcatNode } from "../ops/concat/spec.ts";

export interface Graph {
  /** Human-readable name (e.g. "resnet8"). */
  name: string;
  input: TensorShape;
  classes: number;
  nodes: GraphNode[];
  /** Id of the node whose output is the logits ([classes] after `gap`/`dense`). */
  output: string;
}

/** Padding that keeps size/stride (rounded up), split with the extra pixel after ("same"). */
export function samePadding(
  kernel: [number, number],
  stride: [number, number],
  shape: TensorShape,
): Padding {
  const along = (size: number, k: number, s: number): [number, number] => {
    const out = Math.ceil(size / s);
    const total = Math.max((out - 1) * s + k - size, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  };
  const [t, b] = along(shape.h, kernel[0], stride[0]);
  const [l, r] = along(shape.w, kernel[1], stride[1]);
  return [t, l, b, r];
}

/**
 * Checks the graph and returns the output shape of every node (dense and gap give h = w = 1).
 * Throws with the node id and what was expected when anything is wrong.
 */
export function inferShapes(graph: Graph): Map<string, TensorShape> {
  const shapes = new Map<string, TensorShape>();
  if (graph.nodes.length === 0 || graph.nodes[0].op !== "input") {
    throw new Error(`Graph '${graph.name}': node 0 must be the input node`);
  }
  for (const node of graph.nodes) {
    const where = `Graph '${graph.name}', node '${node.id}' (${node.op})`;
    if (shapes.has(node.id)) throw new Error(`${where}: duplicate id`);
    const spec = opSpec(node.op);
    if (!spec) throw new Error(`${where}: unknown op`);
    if (node.inputs.length !== spec.arity) {
      throw new Error(`${where}: takes ${spec.arity} inputs, found ${node.inputs.length}`);
    }
    const ins = node.inputs.map((id) => {
      const s = shapes.get(id);
      if (!s) throw new Error(`${where}: input '${id}' is not an earlier node`);
      return s;
    });
    shapes.set(node.id, spec.shape(node, ins, where, graph.input));
  }
  const out = shapes.get(graph.output);
  if (!out) throw new Error(`Graph '${graph.name}': output '${graph.output}' is not a node`);
  if (out.h !== 1 || out.w !== 1 || out.c !== graph.classes) {
    throw new Error(
      `Graph '${graph.name}': output must be 1x1x${graph.classes}, found ${out.h}x${out.w}x${out.c}`,
    );
  }
  return shapes;
}

/** The input shapes of `node`, from inferShapes' answer. */
export function inputShapes(node: GraphNode, shapes: Map<string, TensorShape>): TensorShape[] {
  return node.inputs.map((id) => shapes.get(id)!);
}
