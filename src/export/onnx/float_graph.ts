/**
 * The float network as ONNX nodes: what approxnas's float engine computes at inference
 * (batch norm with its running statistics), op by op, in NCHW. A batch norm that is its
 * conv's (or dense layer's) only consumer is folded into its weights, as the 8-bit path
 * folds it (src/quant/fuse.ts), unless asked to keep it as BatchNormalization.
 */
import { type Graph, type GraphNode, inferShapes, type TensorShape } from "../../graph/graph.ts";
import { fuseGraph, liveNodeIds } from "../../quant/fuse.ts";
import type { SavedModel } from "../../model/model_file.ts";
import { batchnormAffine, BN_EPS } from "../../ops/batchnorm/spec.ts";
import { denseRowsToNchw, hwioToOihw, ModelTensors } from "./layout.ts";
import type { OnnxGraph } from "./proto.ts";
import { Ranks } from "./ranks.ts";

/** The graph ops the ONNX writers express (anything else is refused, naming the node). */
export const EXPORTED_OPS = [
  "input",
  "conv",
  "dwconv",
  "batchnorm",
  "relu",
  "maxpool",
  "avgpool",
  "gap",
  "dense",
  "add",
  "concat",
] as const;

/** The error for a node whose op has no ONNX form here. */
export function unsupportedOp(graph: Graph, node: { id: string; op: string }): Error {
  return new Error(
    `Cannot export '${graph.name}' to ONNX: node '${node.id}' has op '${node.op}', which the ` +
      `ONNX writer cannot express (it writes ${EXPORTED_OPS.join(", ")})`,
  );
}

/** Checks every live node's op before anything is written. */
export function checkExportable(graph: Graph): void {
  const live = liveNodeIds(graph);
  for (const n of graph.nodes) {
    if (live.has(n.id) && !(EXPORTED_OPS as readonly string[]).includes(n.op)) {
      throw unsupportedOp(graph, n);
    }
  }
}

/** The ops with weights, into which a batch norm folds. */
const WEIGHTED: readonly string[] = ["conv", "dwconv", "dense"];

/** Batch norm id -> the conv or dense it folds into. */
function foldedBatchNorms(graph: Graph): Map<string, string> {
  const folds = new Map<string, string>();
  for (const g of fuseGraph(graph)) {
    if (WEIGHTED.includes(g.head.op) && g.batchnorm) {
      folds.set(g.batchnorm, g.head.id);
    }
  }
  return folds;
}

/** Per-channel y = mul * x + add of a batch norm node at inference, in float64. */
function batchNormOf(t: ModelTensors, id: string): { mul: number[]; add: number[] } {
  return batchnormAffine(
    t.required(id, "gamma"),
    t.required(id, "beta"),
    t.state(id, "running_mean"),
    t.state(id, "running_var"),
  );
}

/**
 * Adds the float network to `onnx`, reading the normalised NCHW image `input`; returns the
 * name of the output tensor and its rank.
 */
export function addFloatNetwork(
  onnx: OnnxGraph,
  model: SavedModel,
  input: string,
  opts: { foldBatchNorm: boolean },
): { output: string; ranks: Ranks } {
  const graph = model.graph;
  checkExportable(graph);
  const shapes = inferShapes(graph);
  const tensors = new ModelTensors(model);
  const live = liveNodeIds(graph);
  const folds = opts.foldBatchNorm ? foldedBatchNorms(graph) : new Map<string, string>();
  const foldedInto = new Map([...folds].map(([bn, conv]) => [conv, bn]));
  const ranks = new Ranks(onnx);
  const nameOf = new Map<string, string>();
  const shapeOf = (id: string) => shapes.get(id)!;
  const inName = (n: GraphNode, i = 0) => nameOf.get(n.inputs[i])!;

  for (const node of graph.nodes) {
    if (!live.has(node.id)) continue;
    if (folds.has(node.id)) {
      nameOf.set(node.id, nameOf.get(folds.get(node.id)!)!); // computed by its conv
      continue;
    }
    const out = `${node.id}`;
    let rank: 2 | 4 = 4;
    switch (node.op) {
      case "input":
        nameOf.set(node.id, ranks.set(input, 4));
        continue;
      case "conv":
      case "dwconv":
      case "dense": {
        const bn = foldedInto.get(node.id);
        const { weight, bias } = layerWeights(tensors, node, shapeOf(node.inputs[0]), bn);
        const w = onnx.constant(`${node.id}.weight`, "float32", weight.dims, weight.values);
        const b = bias ? [onnx.constant(`${node.id}.bias`, "float32", [bias.length], bias)] : [];
        const name = bn ?? out;
        const doc = bn ? `${node.id} with batch norm ${bn} folded in` : node.id;
        if (node.op !== "dense") {
          const input = shapeOf(node.inputs[0]);
          const x = ranks.spatial(inName(node), input);
          const attributes = convAttributes(node, input.c);
          onnx.node("Conv", [x, w, ...b], [name], { attributes, doc });
        } else {
          const x = ranks.flat(inName(node));
          onnx.node("Gemm", [x, w, ...b], [name], { doc });
          rank = 2;
        }
        nameOf.set(node.id, ranks.set(name, rank));
        continue;
      }
      case "batchnorm": {
        const x = inName(node);
        const p = (what: string, v: ArrayLike<number>) =>
          onnx.constant(`${node.id}.${what}`, "float32", [v.length], v);
        onnx.node(
          "BatchNormalization",
          [
            x,
            p("gamma", tensors.required(node.id, "gamma")),
            p("beta", tensors.required(node.id, "beta")),
            p("running_mean", tensors.state(node.id, "running_mean")),
            p("running_var", tensors.state(node.id, "running_var")),
          ],
          [out],
          { attributes: { epsilon: { float: BN_EPS } } },
        );
        rank = ranks.rank(x);
        break;
      }
      case "relu": {
        const x = inName(node);
        onnx.node("Relu", [x], [out]);
        rank = ranks.rank(x);
        break;
      }
      case "maxpool":
      case "avgpool":
        onnx.node(
          node.op === "maxpool" ? "MaxPool" : "AveragePool",
          [ranks.spatial(inName(node), shapeOf(node.inputs[0]))],
          [out],
          { attributes: poolAttributes(node) },
        );
        break;
      case "gap":
        onnx.node("GlobalAveragePool", [ranks.spatial(inName(node), shapeOf(node.inputs[0]))], [
          out,
        ]);
        break;
      case "add":
      case "concat": {
        const [a, b] = ranks.merge(
          inName(node, 0),
          shapeOf(node.inputs[0]),
          inName(node, 1),
          shapeOf(node.inputs[1]),
        );
        if (node.op === "add") onnx.node("Add", [a, b], [out]);
        else onnx.node("Concat", [a, b], [out], { attributes: { axis: 1 } });
        rank = ranks.rank(a);
        break;
      }
      default:
        throw unsupportedOp(graph, node);
    }
    nameOf.set(node.id, ranks.set(out, rank));
  }
  return { output: nameOf.get(graph.output)!, ranks };
}

/**
 * ONNX Conv attributes; approxnas pads are [top, left, bottom, right], as ONNX's. A
 * depthwise conv is a Conv with one group per channel (`channels`: its input's).
 */
export function convAttributes(node: GraphNode & { op: "conv" | "dwconv" }, channels: number) {
  const attributes = { kernel_shape: node.kernel, strides: node.stride, pads: node.pad };
  return node.op === "dwconv" ? { ...attributes, group: channels } : attributes;
}

/** Pooling windows count only in-image taps, as approxnas's (count_include_pad = 0). */
export function poolAttributes(node: GraphNode & { op: "maxpool" | "avgpool" }) {
  return { kernel_shape: node.kernel, strides: node.stride, pads: node.pad };
}

/** Float weights in ONNX layout (conv OIHW, dense [features NCHW][units]), a batch norm folded. */
function layerWeights(
  t: ModelTensors,
  node: GraphNode & { op: "conv" | "dwconv" | "dense" },
  input: TensorShape,
  bn: string | undefined,
): { weight: { dims: number[]; values: Float32Array }; bias?: Float32Array } {
  const k = node.op === "conv" ? node.filters : node.op === "dwconv" ? input.c : node.units;
  const perFilter = node.op === "dwconv" ? 1 : input.c; // input channels each filter reads
  const stored = t.required(node.id, "weight");
  let w = stored;
  let bias: ArrayLike<number> | undefined = t.param(node.id, "bias");
  if (bn) {
    const { mul, add } = batchNormOf(t, bn);
    const b = bias;
    w = new Float32Array(stored.length); // products in float64, each rounded once
    for (let i = 0; i < w.length; i++) w[i] = stored[i] * mul[i % k];
    bias = mul.map((m, co) => m * (b ? b[co] : 0) + add[co]);
  }
  // Depthwise weights [kh][kw][c] are HWIO with one input channel per filter.
  const values = node.op === "dense"
    ? denseRowsToNchw(w, input, k)
    : hwioToOihw(w, node.kernel[0], node.kernel[1], perFilter, k);
  const dims = node.op === "dense"
    ? [input.h * input.w * input.c, k]
    : [k, perFilter, node.kernel[0], node.kernel[1]];
  return { weight: { dims, values }, bias: bias ? Float32Array.from(bias) : undefined };
}
