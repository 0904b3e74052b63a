/**
 * The network graph format: a DAG of layers in topological order, serialisable as JSON.
 *
 * Every node names its inputs by id; node 0 is the image input. The same format holds the
 * human-designed ResNets and the networks decoded from CGP genomes, and is what a saved
 * model file carries (docs/model-format.md).
 */

/** Spatial size and channels of one sample's activation (NHWC, batch left out). */
export interface TensorShape {
  h: number;
  w: number;
  c: number;
}

/** Padding before and after each spatial axis: [top, left, bottom, right]. */
export type Padding = [number, number, number, number];

interface NodeBase {
  id: string;
  inputs: string[];
}

export interface InputNode extends NodeBase {
  op: "input";
}
export interface ConvNode extends NodeBase {
  op: "conv";
  filters: number;
  kernel: [number, number];
  stride: [number, number];
  pad: Padding;
  bias: boolean;
}
export interface BatchNormNode extends NodeBase {
  op: "batchnorm";
}
export interface ReluNode extends NodeBase {
  op: "relu";
}
export interface PoolNode extends NodeBase {
  op: "maxpool" | "avgpool";
  kernel: [number, number];
  stride: [number, number];
  pad: Padding;
}
export interface GlobalAvgPoolNode extends NodeBase {
  op: "gap";
}
export interface DenseNode extends NodeBase {
  op: "dense";
  units: number;
}
export interface AddNode extends NodeBase {
  op: "add";
}
export interface ConcatNode extends NodeBase {
  op: "concat";
}

export type GraphNode =
  | InputNode
  | ConvNode
  | BatchNormNode
  | ReluNode
  | PoolNode
  | GlobalAvgPoolNode
  | DenseNode
  | AddNode
  | ConcatNode;

export type Op = GraphNode["op"];

export interface Graph {
  /** Human-readable name (e.g. "resnet8"). */
  name: string;
  input: TensorShape;
  classes: number;
  nodes: GraphNode[];
  /** Id of the node whose output is the logits ([classes] after `gap`/`dense`). */
  output: string;
}

/** Output size of a strided window along one axis. */
export function windowOutput(
  size: number,
  k: number,
  stride: number,
  before: number,
  after: number,
) {
  return Math.floor((size + before + after - k) / stride) + 1;
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

const ARITY: Record<Op, number> = {
  input: 0,
  conv: 1,
  batchnorm: 1,
  relu: 1,
  maxpool: 1,
  avgpool: 1,
  gap: 1,
  dense: 1,
  add: 2,
  concat: 2,
};

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
    if (!(node.op in ARITY)) throw new Error(`${where}: unknown op`);
    if (node.inputs.length !== ARITY[node.op]) {
      throw new Error(`${where}: takes ${ARITY[node.op]} inputs, found ${node.inputs.length}`);
    }
    const ins = node.inputs.map((id) => {
      const s = shapes.get(id);
      if (!s) throw new Error(`${where}: input '${id}' is not an earlier node`);
      return s;
    });
    shapes.set(node.id, outputShape(node, ins, graph, where));
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

function positive(where: string, what: string, values: number[]): void {
  for (const v of values) {
    if (!Number.isInteger(v) || v < 1) {
      throw new Error(`${where}: ${what} must be positive integers, found ${values}`);
    }
  }
}

function outputShape(
  node: GraphNode,
  ins: TensorShape[],
  graph: Graph,
  where: string,
): TensorShape {
  switch (node.op) {
    case "input":
      return { ...graph.input };
    case "conv":
    case "maxpool":
    case "avgpool": {
      const [x] = ins;
      positive(where, "kernel and stride", [...node.kernel, ...node.stride]);
      if (node.pad.some((p) => !Number.isInteger(p) || p < 0)) {
        throw new Error(`${where}: padding must be non-negative integers, found ${node.pad}`);
      }
      const [pt, pl, pb, pr] = node.pad;
      const h = windowOutput(x.h, node.kernel[0], node.stride[0], pt, pb);
      const w = windowOutput(x.w, node.kernel[1], node.stride[1], pl, pr);
      if (h < 1 || w < 1) throw new Error(`${where}: window larger than its ${x.h}x${x.w} input`);
      if (node.op !== "conv" && (pt >= node.kernel[0] || pl >= node.kernel[1])) {
        throw new Error(`${where}: pooling padding must be smaller than the window`);
      }
      if (node.op === "conv") positive(where, "filters", [node.filters]);
      return { h, w, c: node.op === "conv" ? node.filters : x.c };
    }
    case "batchnorm":
    case "relu":
      return { ...ins[0] };
    case "gap":
      return { h: 1, w: 1, c: ins[0].c };
    case "dense":
      positive(where, "units", [node.units]);
      return { h: 1, w: 1, c: node.units };
    case "add": {
      const [a, b] = ins;
      if (a.h !== b.h || a.w !== b.w || a.c !== b.c) {
        throw new Error(`${where}: inputs must have equal shapes, found ${fmt(a)} and ${fmt(b)}`);
      }
      return { ...a };
    }
    case "concat": {
      const [a, b] = ins;
      if (a.h !== b.h || a.w !== b.w) {
        throw new Error(`${where}: inputs must have equal h x w, found ${fmt(a)} and ${fmt(b)}`);
      }
      return { h: a.h, w: a.w, c: a.c + b.c };
    }
  }
}

export function fmt(s: TensorShape): string {
  return `${s.h}x${s.w}x${s.c}`;
}
